/** Built issues for the tests of what reads builds (the archive), made by the core as `enews build` makes them. */
import path from 'node:path';
import { prepareIssue } from '../../src/build/prepare-issue.js';
import { writeBuild } from '../../src/build/write-build.js';
import { padded } from '../../src/content/issue-number.js';
import { copyProject } from './project.js';

/** A copy of the example project with each of `numbers` built into dist/NNN. */
export async function builtCopy(numbers: number[]): Promise<string> {
  const dir = copyProject();
  for (const n of numbers) writeBuild(await prepareIssue(dir, n), path.join(dir, 'dist', padded(n)));
  return dir;
}
