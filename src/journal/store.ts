/**
 * The contract every home of the send journals follows (files under
 * journal/ by default; a database shared by several machines with
 * STATE_URL). A journal is the record of one send of an issue (and shard)
 * to a list: its runs and every outcome, appended the moment it is known.
 *
 * The promises, on every implementation:
 * - One run at a time per journal: `lock` refuses (exit 4) while another
 *   process, on any machine sharing the store, holds it; a holder that died
 *   holds nothing.
 * - What `append` has kept (at once, or when its promise resolves) survives a
 *   kill of the process that appended it; the engine waits for it before it
 *   gives the connection another message, so a resumed send mails again at
 *   most the messages in flight (--concurrency), on every implementation.
 * - Reading gives the records in the order they were appended.
 */
import type { HeldLock } from './lock.js';
import type { JournalRecord } from './journal.js';
import type { LogScan, LogTail } from './jsonl-log.js';
import type { Shard } from '../util/shard.js';

export interface JournalRef {
  /** Which journal: its file, or its name in the database (003, 003-shard-2-of-4). */
  name: string;
  /** For people: the file, or `journal 003 in postgres://enews@db.example.org/news`. */
  label: string;
}

export interface JournalAppender {
  /**
   * Takes the record. Kept at once (files: handed to the kernel), it returns nothing; kept later (a database's
   * batch), it returns a promise that resolves when the record is kept and rejects (an EnewsError, exit 4) when
   * it cannot be. A failure to keep an earlier record is thrown here.
   */
  append(record: JournalRecord): void | Promise<void>;
  /** Every record appended is kept when this resolves. */
  close(): Promise<void>;
}

export interface JournalStore {
  readonly kind: 'files' | 'postgres';
  /** The journal of a send of `issue` (and shard). `file` is --journal, which only the files know. */
  journalOf(issue: number, shard: Shard | null, file?: string | null): JournalRef;
  /** The journals of an issue, its shards' included, as `send` names them by default. */
  issueJournals(issue: number): Promise<JournalRef[]>;
  /** Every journal of the list (for the identifiers returned mail quotes), `extra` files given by hand too. */
  allJournals(extra?: string[]): Promise<JournalRef[]>;
  exists(ref: JournalRef): Promise<boolean>;
  /** Every record in order; `damaged` as readJournalRecords (journal.ts). */
  read(
    ref: JournalRef,
    onRecord: (r: JournalRecord) => 'stop' | undefined,
    damaged?: 'refuse' | 'skip',
  ): Promise<LogScan>;
  /** One run at a time: refuses at once (exit 4) naming who holds it. */
  lock(ref: JournalRef, who?: string): Promise<HeldLock>;
  /** Opens for appending; `tail` is what reading found at its end (a torn record the files cut off first). */
  appender(ref: JournalRef, tail: LogTail): Promise<JournalAppender>;
}
