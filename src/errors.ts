/**
 * The one error type of enews. Everything a person can cause (bad YAML, a bad
 * CSV row, a refused SMTP login) ends up as an EnewsError, which the CLI prints
 * without a stack trace and turns into the contract's exit code. Beside it, what
 * a person is told about a place in their files: a Problem (why something was
 * refused) and a Warning (what a reviewer should know; some are errors that stop
 * check and build). Every layer uses them, so they live here, at the bottom.
 */

/** Exit codes (contract, see DESIGN.md). */
export const ExitCode = {
  ok: 0,
  badInput: 1,
  usage: 2,
  someFailed: 3,
  stopped: 4,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface Location {
  file: string;
  line?: number;
  column?: number;
}

export interface Problem {
  message: string;
  location?: Location;
  /** Dot path of the field, e.g. `items.2` or `from.address`. */
  path?: string;
  /** How to fix it, in the words of the person who edits the file. */
  hint?: string;
}

/**
 * What a reviewer should know about an issue before it goes out (content warnings and the findings
 * of the checks on the built email), at its file:line when it has one.
 */
export interface Warning {
  code: string;
  message: string;
  location?: Location;
  /**
   * 'error' for what must be fixed before the issue goes out (an accessibility failure, a brand
   * colour without contrast): `check` exits 1 and `build` writes nothing. Absent: a warning.
   */
  severity?: 'error';
  /**
   * The language whose email it is about, when the newsletter has several and the finding is not
   * the same in all of them (prepare-issue.ts): check, build and the preview name it.
   */
  language?: string;
}

export class EnewsError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  /** Every problem found; a file is checked completely before we give up. */
  readonly problems: Problem[];

  constructor(
    code: string,
    message: string,
    options: { exitCode?: ExitCodeValue; problems?: Problem[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EnewsError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.badInput;
    this.problems = options.problems ?? [];
  }
}

export function formatLocation(loc: Location): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

export function formatProblem(p: Problem): string {
  const where = p.location ? `${formatLocation(p.location)}: ` : '';
  const field = p.path ? `${p.path}: ` : '';
  const hint = p.hint ? `\n    ${p.hint}` : '';
  return `${where}${field}${p.message}${hint}`;
}

/** The whole text a person sees for an error, problems listed one per line. */
export function formatError(err: EnewsError): string {
  if (err.problems.length === 0) return err.message;
  return [err.message, ...err.problems.map((p) => `  - ${formatProblem(p)}`)].join('\n');
}

/** Throws one EnewsError listing every problem, or nothing when there are none. */
export function throwIfProblems(code: string, summary: string, problems: Problem[]): void {
  if (problems.length === 0) return;
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  throw new EnewsError(code, `${summary} (${count}):`, { problems });
}
