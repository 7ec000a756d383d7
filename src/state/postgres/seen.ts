/** enews inbox's memory of processed messages in PostgreSQL, one row per message hash and list. */
import { asInboxLocked } from '../../inbox/preflight.js';
import type { SeenStore } from '../../inbox/seen.js';
import { unreachable, type Database } from './db.js';
import { advisoryLock } from './lock.js';

export function pgSeen(db: Database, list: string, pending: Set<Promise<unknown>>): SeenStore {
  return {
    where: db.where,
    async load() {
      await db.ready();
      const r = await db.pool
        .query<{ fp: string }>('SELECT fp FROM enews_inbox_seen WHERE list = $1', [list])
        .catch((err) => {
          throw unreachable(db.where, err);
        });
      return new Set(r.rows.map((row) => row.fp));
    },
    async add(fingerprints, at) {
      if (fingerprints.length === 0) return;
      await db.ready();
      await db.pool
        .query(
          `INSERT INTO enews_inbox_seen (list, fp, at) SELECT $1, fp, $3::timestamptz FROM unnest($2::text[]) AS t(fp)
           ON CONFLICT DO NOTHING`,
          [list, fingerprints, at],
        )
        .catch((err) => {
          throw unreachable(db.where, err);
        });
    },
    lock: () =>
      advisoryLock(db, list, 'inbox', `the list state in ${db.where}`, 'enews inbox', pending).catch((err) => {
        throw asInboxLocked(err, db.where);
      }),
  };
}
