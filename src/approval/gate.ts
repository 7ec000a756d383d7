/**
 * Approvals where they decide or inform: `enews send` refuses to mail subscribers a build that
 * lacks the approvals newsletter.yaml asks for; `enews status` and the preview show who approved
 * which build. The build's identity is its manifest's inputsHash, the hash `send` proves against
 * the sources: an approval of it is an approval of what is sent, and any change to what the build
 * depends on makes a new hash, for which the earlier approvals are stale.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem } from '../errors.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import type { Newsletter } from '../content/schema.js';
import { buildProblems, readManifest } from '../build/read-build.js';
import { readApprovals } from './approvals-file.js';
import { approvalPolicy, evaluateApprovals, type ApprovalState } from './evaluate.js';
import { approvalLine, missingLines, shortHash } from './words.js';

/** The approvals of a build (its hash and languages) of issue `number`, weighed against newsletter.yaml's policy. */
export function approvalStateOf(
  root: string,
  number: number,
  newsletter: Newsletter,
  build: { hash: string; languages: readonly string[] },
): ApprovalState {
  return evaluateApprovals(approvalPolicy(newsletter.approval), readApprovals(root, number).approvals, build);
}

/** Refuses, naming what is missing and what is stale, a build that lacks the approvals newsletter.yaml asks for. */
export function requireApprovals(
  root: string,
  number: number,
  newsletter: Newsletter,
  built: { dir: string; hash: string; languages: readonly string[] },
): void {
  if (!newsletter.approval) return;
  const state = approvalStateOf(root, number, newsletter, built);
  if (state.complete) return;
  throw new EnewsError(
    'approval-missing',
    `Issue ${number} (build ${shortHash(state.build)}) lacks the approvals newsletter.yaml asks for ` +
      '(approval:); it is not sent to subscribers:',
    {
      problems: [
        ...missingLines(state).map((message) => ({ message })),
        ...state.stale.map((a) => ({ message: approvalLine(a, state), location: a.location })),
        {
          message:
            `Review this build (${path.join(built.dir, 'review.html')}), then record each approval: ` +
            `enews approve ${number} --by "Name <address>". (--test and --dry-run work meanwhile.)`,
        },
      ],
    },
  );
}

/**
 * A build that no longer matches its sources is refused by readBuild; when approvals are asked
 * for, the refusal also says that the rebuilt issue needs them anew.
 */
export function withApprovalNote(err: unknown, root: string, number: number): unknown {
  if (!(err instanceof EnewsError) || err.code !== 'build-stale') return err;
  let newsletter: Newsletter;
  try {
    newsletter = loadNewsletter(contentPaths(root)).newsletter;
  } catch {
    return err;
  }
  if (!newsletter.approval) return err;
  const note: Problem = {
    message:
      'The approvals on file are for that build, so they are stale: the new build needs its own ' +
      `(enews approve ${number} --by "Name <address>" once it is reviewed).`,
  };
  return new EnewsError(err.code, err.message, { exitCode: err.exitCode, problems: [...err.problems, note] });
}

/** What `enews status` shows of the approvals of issue `number`'s build in `dir`. */
export interface ApprovalReport {
  /** The build's hash; null when the issue has not been built there. */
  state: ApprovalState | null;
  /** Why the build no longer matches its sources (then no approval of it can be sent); empty when it does. */
  changed: string[];
  file: string;
  /** True when there is neither a policy nor an approvals file: nothing to show. */
  none: boolean;
}

export function approvalReport(root: string, number: number, dir: string): ApprovalReport {
  const { newsletter } = loadNewsletter(contentPaths(root));
  const file = readApprovals(root, number);
  const none = !newsletter.approval && !file.exists;
  if (none || !existsSync(path.join(dir, 'manifest.json'))) return { state: null, changed: [], file: file.file, none };
  const manifest = readManifest(number, dir, `Run: enews build ${number}.`);
  const state = evaluateApprovals(approvalPolicy(newsletter.approval), file.approvals, {
    hash: manifest.inputsHash,
    languages: Object.keys(manifest.languages),
  });
  const changed = buildProblems(root, number, dir, manifest).map((p) => p.message);
  return { state, changed, file: file.file, none };
}
