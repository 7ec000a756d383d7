/**
 * The long lists of an `enews inbox` result (an entry per event, per proved
 * return, per unproved or unreadable message: 140,000 entries at 100,000
 * returned messages) written to a temporary folder as each batch is recorded
 * and read back when the result is printed, so what a run holds does not
 * grow with the mailbox. Each list keeps its count and its first entries
 * (what a report shows) in memory.
 *
 * The entries hold addresses and what strangers wrote, never a secret. The
 * folder is its owner's alone (0700, files 0600) and is removed when the
 * result is closed, when the run fails, and on Ctrl-C (held for removeHeld,
 * tmp/orphans.ts); one a killed run left is removed by the next run
 * (removeOrphans).
 */
import { closeSync, createReadStream, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnewsError, ExitCode } from '../errors.js';
import { hold, makeOwnedTemp, removeOrphans } from '../tmp/orphans.js';
import type { ResultList } from './result.js';

/** Entries of each list kept in memory: a report shows at most these. */
export const FIRST = 100;

const PREFIX = 'enews-inbox-';

export class ResultSpool {
  private readonly dir: string;
  private readonly lists: SpooledList<unknown>[] = [];
  /** Takes the folder off what Ctrl-C removes (tmp/orphans.ts, hold), once it is removed. */
  private readonly release: () => void;

  constructor(parent = os.tmpdir()) {
    removeOrphans(parent, PREFIX);
    try {
      // The process's id in the name: a later run can tell a folder whose run was killed (SIGKILL, a crash).
      this.dir = makeOwnedTemp(parent, PREFIX);
    } catch (err) {
      throw spoolError(parent, err as Error);
    }
    const dir = this.dir;
    this.release = hold(() => rmSync(dir, { recursive: true, force: true }));
  }

  /** A list spooled to its own file in the folder. */
  list<T>(name: string): SpooledList<T> {
    const list = new SpooledList<T>(path.join(this.dir, `${name}.jsonl`));
    this.lists.push(list as SpooledList<unknown>);
    return list;
  }

  /** Removes the folder and everything in it; safe to call twice. */
  remove(): void {
    for (const list of this.lists) list.close();
    rmSync(this.dir, { recursive: true, force: true });
    this.release();
  }
}

export class SpooledList<T> implements ResultList<T> {
  count = 0;
  readonly first: T[] = [];
  private fd: number | null = null;

  constructor(private readonly file: string) {}

  /** Appends entries: one write per batch, each entry a line of JSON (which writes no raw line feed). */
  add(items: readonly T[]): void {
    if (items.length === 0) return;
    let text = '';
    for (const item of items) text += `${JSON.stringify(item)}\n`;
    try {
      this.fd ??= openSync(this.file, 'wx', 0o600);
      const bytes = Buffer.from(text);
      for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done);
    } catch (err) {
      throw spoolError(path.dirname(this.file), err as Error);
    }
    for (const item of items.slice(0, FIRST - this.first.length)) this.first.push(item);
    this.count += items.length;
  }

  /** Every entry in the order added, read back from the file. */
  async *all(): AsyncGenerator<T> {
    if (this.count > 0) yield* readLines<T>(this.file);
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

async function* readLines<T>(file: string): AsyncGenerator<T> {
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      yield JSON.parse(data.toString('utf8', start, nl)) as T;
      start = nl + 1;
    }
    rest = data.subarray(start);
  }
}

function spoolError(dir: string, err: Error): EnewsError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'the disk is full' : (code ?? err.message);
  return new EnewsError('inbox-spool', `Cannot write the results of enews inbox to ${dir}: ${why}.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'What the batches before found is recorded; free space in the temporary folder (TMPDIR) and run the same ' +
          'command again: it records nothing twice.',
      },
    ],
  });
}
