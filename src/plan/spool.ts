/**
 * The recipient spool: the planning pass writes the recipients it chose,
 * already validated, one JSON line each; the sending pass streams them back,
 * so it sends exactly what was planned and confirmed (even if the CSV is
 * edited meanwhile) without parsing and validating every row again.
 *
 * It holds addresses and names, so it lives beside the journal (same folder,
 * same owner-only permissions, same disk) and is removed when the run ends;
 * a spool left by a killed run is removed by the next one.
 */
import { createReadStream, createWriteStream, rmSync, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { EnewsError, ExitCode } from '../errors.js';
import type { Subscriber } from '../subscribers/subscriber.js';

export class SpoolWriter {
  private readonly out: WriteStream;
  private failure: Error | null = null;
  /** Ends a wait for 'drain' that an error cut short. */
  private wake: (() => void) | null = null;

  constructor(readonly file: string) {
    rmSync(file, { force: true });
    this.out = createWriteStream(file, { mode: 0o600, flags: 'wx' });
    // One listener for the stream's life (a listener per wait would pile up on a long list). Without one, a
    // write error (disk full, folder gone) would crash the process.
    this.out.on('error', (err) => {
      this.failure ??= err;
      this.wake?.();
    });
  }

  /**
   * Returns a promise only when the stream wants the writer to wait (a million awaits would cost more than the writes).
   */
  write(sub: Subscriber): Promise<void> | undefined {
    if (this.failure) throw spoolError(this.file, this.failure);
    if (this.out.write(JSON.stringify(sub) + '\n')) return undefined;
    return new Promise<void>((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
      this.out.once('drain', this.wake);
    });
  }

  async end(): Promise<void> {
    // finished() settles on 'finish' or on an error alike (an end() callback is not called on every Node version).
    if (!this.failure) {
      this.out.end();
      await finished(this.out).catch((err: Error) => (this.failure ??= err));
    }
    if (this.failure) throw spoolError(this.file, this.failure);
  }
}

/** The spooled recipients in file order, minus the addresses an opt-out row later in the file took out. */
export async function* readSpool(file: string, optedOut: ReadonlyMap<string, string>): AsyncGenerator<Subscriber> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const sub = JSON.parse(line) as Subscriber;
    if (!optedOut.has(sub.key)) yield sub;
  }
}

export function removeSpool(file: string): void {
  rmSync(file, { force: true });
}

function spoolError(file: string, err: Error): EnewsError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : (code ?? err.message);
  return new EnewsError('spool-write', `Cannot write the list of recipients to ${file}: ${why}. Nothing was sent.`, {
    exitCode: ExitCode.stopped,
    problems: [
      { message: 'Free space (or fix the permission) in the journal folder, then run the same command again.' },
    ],
  });
}
