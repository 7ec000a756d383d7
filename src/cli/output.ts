/** How the CLI talks to people: results on stdout, diagnostics on stderr. */
import { formatLocation, type Warning } from '../errors.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** Machine-readable output (JSON) on stdout: secrets removed, paths left as they are. */
  data(text: string): void;
  /** True when stderr is a terminal (progress lines, prompts). */
  isTTY: boolean;
}

/**
 * stdout and stderr, where a reader that went away (`enews status 3 | head -3`)
 * silences the stream instead of crashing with EPIPE: the command itself goes
 * on and exits with its own code (a send must not stop because its output
 * is no longer read).
 */
function closable(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

const stdout = closable(process.stdout);
const stderr = closable(process.stderr);

/**
 * Resolves once stdout has taken what was written to it: a pipe to a slower reader is written asynchronously,
 * and tens of megabytes of JSON written without waiting are held in memory until it has read them.
 */
export async function stdoutDrained(): Promise<void> {
  const s = process.stdout;
  if (!s.writableNeedDrain || s.destroyed) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      s.off('drain', done).off('close', done).off('error', done);
      resolve();
    };
    s.on('drain', done).on('close', done).on('error', done);
  });
}

export const consoleOutput: Output = {
  out: (line) => stdout(line + '\n'),
  err: (line) => stderr(line + '\n'),
  data: (text) => stdout(text + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
};

export function formatWarning(w: Warning): string {
  return `warning: ${w.location ? formatLocation(w.location) + ': ' : ''}${w.message}`;
}
