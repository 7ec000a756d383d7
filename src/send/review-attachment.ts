/**
 * `send --test --review`: the build's review.html rides along with the test messages, so a
 * reviewer who has only a mail program sees every language and view of the issue, and the build
 * hash to quote when approving it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError } from '../errors.js';
import type { BuiltIssue } from '../build/read-build.js';
import { REVIEW_FILE } from '../build/manifest.js';
import type { Attachment } from '../mime/compose.js';

export function reviewAttachment(built: BuiltIssue): Attachment {
  if (!(REVIEW_FILE in built.manifest.outputs)) {
    throw new EnewsError(
      'build-outdated',
      `The build in ${built.dir} has no ${REVIEW_FILE}: it was made by an older enews. ` +
        `Run enews build ${built.manifest.number} again, then send the test.`,
    );
  }
  // readBuild proved it is the file the build wrote (the manifest hashes every output).
  return {
    filename: REVIEW_FILE,
    contentType: 'text/html; charset=utf-8',
    content: readFileSync(path.join(built.dir, REVIEW_FILE)),
  };
}
