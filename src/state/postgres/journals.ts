/**
 * The send journals in PostgreSQL (a JournalStore, journal/store.ts): each
 * journal's records as rows, in the order appended, so a send started on one
 * machine is resumed from any other that shares the database.
 *
 * Appending: records go in batches, one INSERT (one commit) with every
 * record that arrived while the previous one was on its way (group commit).
 * The engine holds a message's connection slot until its record is
 * committed (delivery/engine.ts), so a kill of the sending process leaves at
 * most `--concurrency` messages sent but not recorded, as with the files:
 * those are mailed again when the send is resumed. A batch that cannot be
 * written stops the run (exit 4).
 */
import { EnewsError, ExitCode } from '../../errors.js';
import { journalRecordSchema, type JournalRecord } from '../../journal/journal.js';
import type { LogScan } from '../../journal/jsonl-log.js';
import type { JournalAppender, JournalRef, JournalStore } from '../../journal/store.js';
import { padded } from '../../content/issue-number.js';
import path from 'node:path';
import type { Shard } from '../../util/shard.js';
import type pg from 'pg';
import { reason, unreachable, type Database } from './db.js';
import { advisoryLock } from './lock.js';

const PAGE = 5000;
/** Records per INSERT at most. */
const BATCH = 500;

export function pgJournals(db: Database, list: string, pending: Set<Promise<unknown>>): JournalStore {
  const ref = (name: string): JournalRef => ({ name, label: `journal ${name} in ${db.where}` });
  const query = async <R extends object>(sql: string, params: unknown[]) => {
    await db.ready();
    return db.pool.query<R & import('pg').QueryResultRow>(sql, params).catch((err) => {
      throw unreachable(db.where, err);
    });
  };
  return {
    kind: 'postgres',
    journalOf(issue: number, shard: Shard | null, file?: string | null) {
      // --journal FILE names a journal of its own; in the database, by the file's name.
      if (file) return ref(path.basename(file, '.jsonl'));
      return ref(padded(issue) + (shard ? `-shard-${shard.k}-of-${shard.n}` : ''));
    },
    async issueJournals(issue) {
      const r = await query<{ name: string }>(
        `SELECT name FROM enews_journals WHERE list = $1 AND name ~ $2 ORDER BY name`,
        [list, `^${padded(issue)}(-shard-[0-9]+-of-[0-9]+)?$`],
      );
      return r.rows.map((row) => ref(row.name));
    },
    async allJournals() {
      const r = await query<{ name: string }>('SELECT name FROM enews_journals WHERE list = $1 ORDER BY name', [list]);
      return r.rows.map((row) => ref(row.name));
    },
    async exists(j) {
      const r = await query('SELECT 1 FROM enews_journals WHERE list = $1 AND name = $2', [list, j.name]);
      return (r.rowCount ?? 0) > 0;
    },
    async read(j, onRecord, damaged = 'refuse'): Promise<LogScan> {
      let after = 0;
      let lines = 0;
      for (;;) {
        const r = await query<{ id: string; record: unknown }>(
          'SELECT id, record FROM enews_journal_records WHERE list = $1 AND journal = $2 AND id > $3 ORDER BY id LIMIT $4',
          [list, j.name, after, PAGE],
        );
        for (const row of r.rows) {
          lines++;
          const parsed = journalRecordSchema.safeParse(row.record);
          if (!parsed.success) {
            if (damaged === 'skip') continue;
            throw new EnewsError(
              'log-damaged',
              `${j.label} holds a record that is not one of a send journal (row ${row.id}).`,
            );
          }
          if (onRecord(parsed.data) === 'stop') return { lines, tail: { tornBytes: 0, missingNewline: false } };
        }
        if (r.rows.length < PAGE) return { lines, tail: { tornBytes: 0, missingNewline: false } };
        after = Number(r.rows[r.rows.length - 1]!.id);
      }
    },
    lock: (j, who = 'enews send') => advisoryLock(db, list, `journal ${j.name}`, j.label, who, pending),
    async appender(j) {
      await query('INSERT INTO enews_journals (list, name) VALUES ($1, $2) ON CONFLICT DO NOTHING', [list, j.name]);
      const c = await db.pool.connect().catch((err) => {
        throw unreachable(db.where, err);
      });
      // The journal's commits are not flushed to disk one by one: a commit is acknowledged once the server
      // holds it, which a kill of the sending process cannot take back; a crash of the database server itself
      // may lose its last fraction of a second, as a power cut may lose the files' last group before its fsync
      // (jsonl-log.ts): at worst, those messages are sent again. Events (unsubscribes) keep synchronous commits.
      await c.query('SET synchronous_commit TO off');
      return batchAppender(c, list, j);
    },
  };
}

/**
 * Group commit: a record waits for the INSERT on its way, if any, then goes with every record that came
 * meanwhile, in one INSERT (one commit). The promise each append returns resolves when its record is committed.
 */
function batchAppender(c: pg.PoolClient, list: string, j: JournalRef): JournalAppender {
  const queue: Array<{ json: string; kept: () => void; lost: (err: EnewsError) => void }> = [];
  let writing = false;
  let failure: EnewsError | null = null;
  let idle: Promise<void> = Promise.resolve();
  let settleIdle: (() => void) | null = null;
  const pump = async () => {
    writing = true;
    idle = new Promise((resolve) => (settleIdle = resolve));
    while (queue.length > 0 && !failure) {
      const batch = queue.splice(0, BATCH);
      try {
        // One prepared statement (parsed and planned once per connection), the records as one JSON array: cheaper
        // for both sides than a text[] literal, which escapes every quote of every record again.
        await c.query({
          name: 'enews-journal-append',
          text:
            'INSERT INTO enews_journal_records (list, journal, record) ' +
            'SELECT $1, $2, r FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n',
          values: [list, j.name, `[${batch.map((b) => b.json).join(',')}]`],
        });
        for (const b of batch) b.kept();
      } catch (err) {
        failure = new EnewsError(
          'log-write',
          `Cannot write ${j.label}: ${reason(err)}. Sending stopped so that no outcome goes unrecorded.`,
          {
            exitCode: ExitCode.stopped,
            problems: [{ message: 'When the database answers again, run the same command: it resumes.' }],
          },
        );
        for (const b of [...batch, ...queue.splice(0)]) b.lost(failure);
      }
    }
    writing = false;
    settleIdle?.();
  };
  return {
    append(record: JournalRecord) {
      if (failure) throw failure;
      return new Promise<void>((kept, lost) => {
        queue.push({ json: JSON.stringify(record), kept, lost });
        if (!writing) void pump();
      });
    },
    async close() {
      await idle;
      // Back to the pool as it was found (a broken connection is not returned).
      if (failure) c.release(true);
      else {
        await c.query('RESET synchronous_commit').then(
          () => c.release(),
          (err: Error) => c.release(err),
        );
      }
      if (failure) throw failure;
    },
  };
}
