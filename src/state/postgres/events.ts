/**
 * The subscriber events in PostgreSQL (an EventStore, events/store.ts): one
 * row per fact, unique per list and eventKey, so "once" is the database's
 * own constraint, whichever process or machine records; an INSERT … ON
 * CONFLICT DO NOTHING is committed before `record` resolves, so an answer
 * "you are unsubscribed" rests on a committed row.
 */
import { eventKey, type SubscriberEvent } from '../../events/events.js';
import type { EventStore } from '../../events/store.js';
import { LOCK_CLASS, reason, transaction, unreachable, type Database } from './db.js';

/** Rows per page when streaming: a million events never sit in memory at once. */
const PAGE = 5000;

/** How long a database that answered is taken to be answering. */
const HEALTH_MS = 1000;
/** Batches recorded at once, each on a connection of the pool. */
const LANES = 4;

export function pgEvents(db: Database, listId: string): EventStore {
  let healthyAt = Number.NEGATIVE_INFINITY;
  return {
    where: db.where,
    // Each batch a transaction of its own on a connection of the pool: several at once, each committed in turn.
    lanes: LANES,
    prepare() {
      // serve: the connections its batches use, opened before it listens and kept while it runs (pg-pool's min;
      // the pool closes connections idle for 10 s otherwise): a burst after a quiet spell would first open each
      // (a TCP connection, the password's exchange). One that fails here is reported by the first record.
      db.pool.options.min = LANES;
      for (let i = 0; i < LANES; i++)
        db.pool.connect().then(
          (c) => c.release(),
          () => {},
        );
    },
    async each(f) {
      await db.ready();
      let after = 0;
      for (;;) {
        const r = await db.pool
          .query<{ id: string; event: SubscriberEvent }>(
            'SELECT id, event FROM enews_events WHERE list = $1 AND id > $2 ORDER BY id LIMIT $3',
            [listId, after, PAGE],
          )
          .catch((err) => {
            throw unreachable(db.where, err);
          });
        for (const row of r.rows) f(row.event);
        if (r.rows.length < PAGE) return;
        after = Number(r.rows[r.rows.length - 1]!.id);
      }
    },
    async has(key) {
      await db.ready();
      const r = await db.pool
        .query('SELECT 1 FROM enews_events WHERE list = $1 AND key = $2', [listId, key])
        .catch((err) => {
          throw unreachable(db.where, err);
        });
      return r.rowCount !== null && r.rowCount > 0;
    },
    async recorded(keys) {
      if (keys.length === 0) return new Set();
      await db.ready();
      const r = await db.pool
        .query<{ key: string }>('SELECT key FROM enews_events WHERE list = $1 AND key = ANY($2::text[])', [
          listId,
          keys,
        ])
        .catch((err) => {
          throw unreachable(db.where, err);
        });
      return new Set(r.rows.map((row) => row.key));
    },
    async record(events) {
      if (events.length === 0) return [];
      await db.ready();
      const keys = events.map((e) => eventKey(e));
      const rows = events.map((e) => JSON.stringify({ ...e, list: listId }));
      // One statement: the first of each key in this batch, and none the table has, in the order given.
      const r = await db.pool
        .query<{ key: string }>(
          `INSERT INTO enews_events (list, key, event)
           SELECT $1, k, e::jsonb FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(k, e, n)
           ORDER BY n
           ON CONFLICT (list, key) DO NOTHING
           RETURNING key`,
          [listId, keys, rows],
        )
        .catch((err) => {
          throw unreachable(db.where, err);
        });
      const recorded = new Set(r.rows.map((row) => row.key));
      const out: SubscriberEvent[] = [];
      for (const [i, e] of events.entries()) {
        const key = keys[i]!;
        if (!recorded.delete(key)) continue;
        out.push({ ...e, list: listId });
      }
      return out;
    },
    async claim(event, windowMs) {
      await db.ready();
      const since = new Date(Date.parse(event.at) - windowMs).toISOString();
      const recentSql = `SELECT 1 FROM enews_events WHERE list = $1 AND event->>'email' = $2 AND event->>'type' = $3
             AND (event->>'at')::timestamptz > $4::timestamptz LIMIT 1`;
      const args = [listId, event.email, event.type, since];
      // A claim already made is seen without a lock (a flood of requests for one address costs a read each);
      // only one that finds none takes the lock, and decides again under it.
      const seen = await db.pool.query(recentSql, args).catch((err) => {
        throw unreachable(db.where, err);
      });
      if ((seen.rowCount ?? 0) > 0) return false;
      return transaction(db, async (c) => {
        // One claim of an address at a time, on any machine: the second waits, then sees the first.
        await c.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
          LOCK_CLASS,
          `${listId}\nclaim\n${event.type}\n${event.email}`,
        ]);
        const recent = await c.query(recentSql, args);
        if (recent.rowCount !== 0) return false;
        const r = await c.query(
          `INSERT INTO enews_events (list, key, event) VALUES ($1, $2, $3::jsonb) ON CONFLICT (list, key) DO NOTHING`,
          [listId, eventKey(event), JSON.stringify({ ...event, list: listId })],
        );
        return (r.rowCount ?? 0) > 0;
      });
    },
    async about(email) {
      await db.ready();
      const r = await db.pool
        .query<{ event: SubscriberEvent }>(
          `SELECT event FROM enews_events WHERE list = $1 AND event->>'email' = $2 ORDER BY id`,
          [listId, email],
        )
        .catch((err) => {
          throw unreachable(db.where, err);
        });
      return r.rows.map((row) => row.event);
    },
    async problem() {
      // Asked before every unsubscribe: a database that answered within the last second is taken to answer now
      // (a failure then still shows, as the recording's own error). Trouble is never remembered: asked again.
      if (performance.now() - healthyAt < HEALTH_MS) return null;
      try {
        await db.ready();
        await db.pool.query('SELECT 1 FROM enews_events LIMIT 0');
        healthyAt = performance.now();
        return null;
      } catch (err) {
        return `the database ${db.where} cannot be used: ${reason(err)}`;
      }
    },
    // The database belongs to the whole list state (state/open.ts), which closes it.
    async close() {},
  };
}
