/**
 * `enews subscriber forget` in PostgreSQL. The address's suppression (a
 * `forgotten` event, its keyed hash only) is committed first, as with the
 * files: from then on no send mails it. The erasure is then one transaction,
 * all done or not at all: it takes every journal's run lock for its own
 * duration (a send that is running holds one: then nothing is erased, and
 * forget says to run again when the send has ended), and writes every event
 * and journal record that names the address again without it
 * (state/scrub.ts), each event under its new key.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { eventSchema } from '../../events/events.js';
import { EnewsError, ExitCode } from '../../errors.js';
import { journalRecordSchema } from '../../journal/journal.js';
import type { ErasureResult } from '../erase-files.js';
import { type Erasure, scrubEvent, scrubRecord, scrubText, scrubbedKey } from '../scrub.js';
import { LOCK_CLASS, transaction, unreachable, type Database } from './db.js';

export async function erasePostgres(
  db: Database,
  list: string,
  er: Erasure,
  at: string,
  /** The project folder: a send kept its recipient spool in its journal/ (send/prepare.ts). */
  root: string,
): Promise<ErasureResult> {
  await db.ready();
  // The suppression first, committed on its own: the address stays suppressed even if the scrub below fails.
  const forgotten = { at, list, type: 'forgotten' as const, email: er.hash, source: 'forget' };
  const inserted = await db.pool
    .query(
      'INSERT INTO enews_events (list, key, event) VALUES ($1, $2, $3::jsonb) ON CONFLICT (list, key) DO NOTHING',
      [list, scrubbedKey(forgotten), JSON.stringify(forgotten)],
    )
    .catch((err) => {
      throw unreachable(db.where, err);
    });
  return transaction(db, async (c) => {
    const journals = await c.query<{ name: string }>('SELECT name FROM enews_journals WHERE list = $1', [list]);
    for (const { name } of journals.rows) {
      const got = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS ok', [
        LOCK_CLASS,
        `${list}\njournal ${name}`,
      ]);
      if (!got.rows[0]?.ok) throw busy(name);
    }
    // ILIKE's own wildcards in an address (_ and %) are matched as themselves.
    const like = `%${er.key.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const events = await c.query<{ id: string; event: unknown }>(
      `SELECT id, event FROM enews_events WHERE list = $1 AND (event->>'email' = $2 OR event::text ILIKE $3)
       ORDER BY id`,
      [list, er.key, like],
    );
    let changedEvents = 0;
    for (const row of events.rows) {
      const e = eventSchema.safeParse(row.event);
      const next = e.success ? scrubEvent(e.data, er) : null;
      const value = next ?? JSON.parse(scrubText(JSON.stringify(row.event), er));
      const key = next ? scrubbedKey(next) : null;
      // Two events may meet under one key once the name is gone (two changes of name in one millisecond): the
      // second keeps its row id in its key, so neither is lost.
      await c.query(
        key
          ? `UPDATE enews_events SET event = $2::jsonb, key = CASE
               WHEN EXISTS (SELECT 1 FROM enews_events o WHERE o.list = $4 AND o.key = $3 AND o.id <> $1)
               THEN $3 || E'\\n#' || $1::text ELSE $3 END
             WHERE id = $1`
          : 'UPDATE enews_events SET event = $2::jsonb WHERE id = $1',
        key ? [row.id, JSON.stringify(value), key, list] : [row.id, JSON.stringify(value)],
      );
      changedEvents++;
    }
    const records = await c.query<{ id: string; journal: string; record: unknown }>(
      `SELECT id, journal, record FROM enews_journal_records
       WHERE list = $1 AND (record->>'key' = $2 OR record::text ILIKE $3) ORDER BY id`,
      [list, er.key, like],
    );
    const perJournal = new Map<string, number>();
    for (const row of records.rows) {
      const r = journalRecordSchema.safeParse(row.record);
      const value =
        (r.success ? scrubRecord(r.data, er) : null) ?? JSON.parse(scrubText(JSON.stringify(row.record), er));
      await c.query('UPDATE enews_journal_records SET record = $2::jsonb WHERE id = $1', [
        row.id,
        JSON.stringify(value),
      ]);
      perJournal.set(row.journal, (perJournal.get(row.journal) ?? 0) + 1);
    }
    // Spools left on this machine by killed sends, removed while their journals' locks are this transaction's.
    const spools: string[] = [];
    for (const { name } of journals.rows) {
      const spool = path.join(root, 'journal', `${name}.spool`);
      if (!existsSync(spool)) continue;
      rmSync(spool, { force: true });
      spools.push(path.relative(root, spool));
    }
    return {
      suppressed: (inserted.rowCount ?? 0) > 0,
      events: changedEvents,
      journals: [...perJournal].map(([name, n]) => ({ name, records: n })),
      spools,
    };
  });
}

function busy(journal: string): EnewsError {
  return new EnewsError('forget-busy', `A send of journal ${journal} is running.`, {
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
