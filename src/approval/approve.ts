/**
 * `enews approve`: records that a person approved the current build of an issue (its hash, who,
 * when, which languages) in issues/NNN.approvals.yaml. Only a build that still matches its sources
 * can be approved, since only such a build can be sent; with `hash`, the one the reviewer quoted
 * from review.html must be that build, or they approved something else.
 */
import { EnewsError, ExitCode } from '../errors.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { matchLanguage } from '../content/languages.js';
import { defaultBuildDir } from '../build/build-dir.js';
import { readBuild } from '../build/read-build.js';
import { parseNamedAddress } from '../util/named-address.js';
import { appendApproval, MAX_NOTE, readApprovals, type ApprovalEntry } from './approvals-file.js';
import { approvalPolicy, evaluateApprovals, type ApprovalState } from './evaluate.js';
import { shortHash } from './words.js';

export interface ApproveRequest {
  root: string;
  number: number;
  /** The build folder (default dist/NNN). */
  build: string | null;
  /** `Name <address>`. */
  by: string;
  /** The languages approved (any spelling: fr-CH finds fr); empty for every language of the build. */
  languages: string[];
  note: string | null;
  /** The build hash (or its first digits) the reviewer quoted, to be checked against the build. */
  hash: string | null;
  now: Date;
}

export interface ApproveResult {
  file: string;
  entry: ApprovalEntry;
  /** The same person had already approved these languages of this build: nothing was written. */
  already: boolean;
  /** The approvals of the build afterwards. */
  state: ApprovalState;
}

export function approveBuild(req: ApproveRequest): ApproveResult {
  const by = parseNamedAddress(req.by);
  if (!by.ok) throw usage(`--by "${req.by}" ${by.reason}; write it as "Jane Doe <jane@example.org>".`);
  if (req.note !== null && (req.note.length > MAX_NOTE || /[\u0000-\u001f\u007f-\u009f]/.test(req.note)))
    throw usage(`--note must be one line of at most ${MAX_NOTE} characters.`);
  if (req.hash !== null && !/^[0-9a-fA-F]{8,64}$/.test(req.hash))
    throw usage(`--hash ${req.hash}: give the build hash as review.html shows it (at least its first 8 digits).`);
  const dir = req.build ?? defaultBuildDir(req.root, req.number);
  const built = readCurrentBuild(req.root, req.number, dir);
  const hash = built.manifest.inputsHash;
  const available = built.languages.map((l) => l.language);
  if (req.hash !== null && !hash.startsWith(req.hash.toLowerCase())) {
    throw new EnewsError(
      'approval-other-build',
      `The build quoted (${req.hash}) is not the current build of issue ${req.number} (${shortHash(hash)}): ` +
        'the issue changed after it was reviewed. Nothing was recorded.',
      { problems: [{ message: `Have the new ${dir}/review.html reviewed, and approve what it shows.` }] },
    );
  }
  const languages = req.languages.length === 0 ? available : req.languages.map((l) => language(l, available, req));
  const entry: ApprovalEntry = {
    by: by.name ? `${by.name} <${by.address}>` : by.address,
    build: hash,
    // To the second: an approval is a person's act, and the file is read by people.
    at: req.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    languages: [...new Set(languages)],
    ...(req.note ? { note: req.note } : {}),
  };
  const policy = approvalPolicy(loadNewsletter(contentPaths(req.root)).newsletter.approval);
  const before = readApprovals(req.root, req.number);
  const already = before.approvals.some(
    (a) => a.build === hash && a.by.key === by.key && entry.languages.every((l) => a.languages.includes(l)),
  );
  const file = already ? before.file : appendApproval(req.root, req.number, entry);
  const after = already ? before : readApprovals(req.root, req.number);
  return {
    file,
    entry,
    already,
    state: evaluateApprovals(policy, after.approvals, { hash, languages: available }),
  };
}

/** The build, proved current; a stale or missing one is refused (nothing recorded) with what to do first. */
function readCurrentBuild(root: string, number: number, dir: string) {
  try {
    return readBuild(root, number, dir);
  } catch (err) {
    if (!(err instanceof EnewsError) || (err.code !== 'build-stale' && err.code !== 'not-built')) throw err;
    // readBuild's advice ends in "send": here the next step is a review.
    throw new EnewsError(err.code, err.message, {
      problems: [
        ...err.problems.slice(0, -1),
        { message: `Run: enews build ${number}, have ${dir}/review.html reviewed, then approve that build.` },
      ],
    });
  }
}

function language(requested: string, available: string[], req: ApproveRequest): string {
  const match = matchLanguage(requested, available);
  if (match) return match;
  throw usage(`--language ${requested}: issue ${req.number} is built in ${available.join(', ')}, not in ${requested}.`);
}

function usage(message: string): EnewsError {
  return new EnewsError('usage', message, { exitCode: ExitCode.usage });
}
