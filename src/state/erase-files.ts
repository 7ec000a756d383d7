/**
 * `enews subscriber forget` on the files under journal/: the erased address's
 * suppression (a `forgotten` event, its keyed hash only) is recorded first,
 * so that from that moment on no send mails it, whatever happens next; then
 * every file that holds the address is written again without it (scrub.ts).
 *
 * Crash-safe: each file is written anew beside itself, synced, and renamed
 * over the old one (a rename is atomic), under the lock its writers take: the
 * events file's own (its appenders wait, then append to the new file), each
 * journal's run lock (journal/NNN.jsonl.lock: a send of that journal that is
 * running refuses it, and the erasure waits for it to end: nothing is erased,
 * run forget again). A crash leaves each file whole, old or new; running
 * forget again finishes. A recipient spool left by a send that was killed
 * holds addresses too: it is removed (its journal's lock is ours, so no send
 * uses it).
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { lastByte, writeAll } from '../util/fd-io.js';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EnewsError, ExitCode } from '../errors.js';
import { eventSchema } from '../events/events.js';
import type { EventStore } from '../events/store.js';
import { statePathFor } from '../inbox/seen.js';
import { sameFile, waitLockFd } from '../journal/file-lock.js';
import { journalRecordSchema } from '../journal/journal.js';
import { acquireLock, type HeldLock } from '../journal/lock.js';
import { type Erasure, holds, scrubEvent, scrubRecord, scrubText } from './scrub.js';

export interface ErasureResult {
  /** The suppression was recorded by this run (false: an earlier forget had recorded it). */
  suppressed: boolean;
  /** Events that named the address, now its hash. */
  events: number;
  /** Journals that named it, and how many of their records. */
  journals: Array<{ name: string; records: number }>;
  /** Recipient spools left by killed sends, removed. */
  spools: string[];
}

export async function eraseFiles(
  o: { root: string; eventsFile: string; events: EventStore; listId: string },
  er: Erasure,
  at: string,
): Promise<ErasureResult> {
  const suppressed = await recordSuppression(o.events, o.listId, er, at);
  const dir = path.join(o.root, 'journal');
  const files = existsSync(dir) ? readdirSync(dir).map((n) => path.join(dir, n)) : [];
  const journals = files.filter(
    (f) => f.endsWith('.jsonl') && f !== o.eventsFile && f !== statePathFor(o.eventsFile) && statSync(f).isFile(),
  );
  // Every journal's lock first: a send that is running holds addresses in its spool and its memory.
  const held: HeldLock[] = [];
  for (const j of journals) {
    try {
      held.push(acquireLock(j, 'enews subscriber forget'));
    } catch (err) {
      for (const h of held) h.release();
      if (err instanceof EnewsError && err.code === 'journal-locked') throw busy(path.relative(o.root, j));
      throw err;
    }
  }
  try {
    const events = existsSync(o.eventsFile) ? await rewriteEvents(o.eventsFile, er) : 0;
    const result: ErasureResult = { suppressed, events, journals: [], spools: [] };
    for (const j of journals) {
      const records = await rewriteLog(j, (line) => {
        const r = journalRecordSchema.safeParse(parse(line));
        const scrubbed = r.success ? scrubRecord(r.data, er) : null;
        if (scrubbed) return JSON.stringify(scrubbed);
        return holds(line, er) ? scrubText(line, er) : null;
      });
      if (records) result.journals.push({ name: path.relative(o.root, j), records });
      const spool = `${j}.spool`;
      if (existsSync(spool)) {
        rmSync(spool, { force: true });
        result.spools.push(path.relative(o.root, spool));
      }
    }
    return result;
  } finally {
    for (const h of held) h.release();
  }
}

/** Records the `forgotten` event (the address's keyed hash): from now on no plan mails it. */
export async function recordSuppression(events: EventStore, listId: string, er: Erasure, at: string): Promise<boolean> {
  const recorded = await events.record([{ at, list: listId, type: 'forgotten', email: er.hash, source: 'forget' }]);
  return recorded.length > 0;
}

/** The events file, under its appenders' lock. */
async function rewriteEvents(file: string, er: Erasure): Promise<number> {
  for (;;) {
    // The lock is the one EventsFile's appenders take: a write lock, so the descriptor must be open for writing.
    const fd = openSync(file, 'r+');
    try {
      if (!(await waitLockFd(fd, 10_000)))
        throw new EnewsError('events-locked', `Another enews process kept ${file} locked for too long.`, {
          exitCode: ExitCode.stopped,
          problems: [{ message: 'Run the same command again in a moment.' }],
        });
      // Replaced while we waited: the new file is the one to erase from.
      if (!sameFile(fd, file)) continue;
      return await rewriteLog(file, (line) => {
        const e = eventSchema.safeParse(parse(line));
        const scrubbed = e.success ? scrubEvent(e.data, er) : null;
        if (scrubbed) return JSON.stringify(scrubbed);
        return holds(line, er) ? scrubText(line, er) : null;
      });
    } finally {
      closeSync(fd);
    }
  }
}

function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/**
 * Writes `file` again with each line `change` returns (null: the line as it was), beside it, synced, then renamed
 * over it; a last line without its newline stays without one. Returns how many lines changed (0: not rewritten).
 */
async function rewriteLog(file: string, change: (line: string) => string | null): Promise<number> {
  const tmp = `${file}.forget-${process.pid}`;
  const endsWithNewline = lastByte(file) === 0x0a;
  const out = openSync(tmp, 'w', 0o600);
  let changed = 0;
  try {
    const pending: string[] = [];
    let size = 0;
    const flush = () => {
      if (pending.length) writeAll(out, Buffer.from(pending.join(''), 'utf8'));
      pending.length = 0;
      size = 0;
    };
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let first = true;
    for await (const line of lines) {
      const next = change(line);
      if (next !== null) changed++;
      const text = (first ? '' : '\n') + (next ?? line);
      first = false;
      pending.push(text);
      size += text.length;
      if (size > 1 << 20) flush();
    }
    if (!first && endsWithNewline) pending.push('\n');
    flush();
    fsyncSync(out);
  } catch (err) {
    closeSync(out);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(out);
  if (changed === 0) {
    rmSync(tmp, { force: true });
    return 0;
  }
  renameSync(tmp, file);
  const dirFd = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
  return changed;
}

function busy(journal: string): EnewsError {
  return new EnewsError('forget-busy', `A send of ${journal} is running.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'The address is suppressed already: no send started from now on mails it. Its erasure from the events ' +
          'and journals waits for the running send to end: run the same forget again then.',
      },
    ],
  });
}
