/**
 * Run locks in PostgreSQL: a session-level advisory lock on a connection the
 * run keeps for as long as it holds the lock. The database ends the lock
 * with the session, so a holder that died (its connection gone) holds
 * nothing, on whatever machine it ran. Who holds it is written beside it
 * (enews_locks), for the refusal message and the note that a dead run's lock
 * was found.
 */
import os from 'node:os';
import type pg from 'pg';
import { EnewsError, ExitCode } from '../../errors.js';
import type { HeldLock, LockInfo } from '../../journal/lock.js';
import { LOCK_CLASS, unreachable, type Database } from './db.js';

export async function advisoryLock(
  db: Database,
  list: string,
  name: string,
  label: string,
  who: string,
  pending: Set<Promise<unknown>>,
): Promise<HeldLock> {
  await db.ready();
  let c: pg.PoolClient;
  try {
    c = await db.pool.connect();
  } catch (err) {
    throw unreachable(db.where, err);
  }
  try {
    const got = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [
      LOCK_CLASS,
      `${list}\n${name}`,
    ]);
    const holder = await c.query<{ holder: LockInfo }>('SELECT holder FROM enews_locks WHERE list = $1 AND name = $2', [
      list,
      name,
    ]);
    const left = holder.rows[0]?.holder ?? null;
    if (!got.rows[0]?.ok) {
      c.release();
      throw lockedError(label, left, who);
    }
    const me: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
    await c.query(
      `INSERT INTO enews_locks (list, name, holder) VALUES ($1, $2, $3)
       ON CONFLICT (list, name) DO UPDATE SET holder = EXCLUDED.holder`,
      [list, name, JSON.stringify(me)],
    );
    return {
      file: label,
      tookOver: left,
      release() {
        const done = c
          .query('DELETE FROM enews_locks WHERE list = $1 AND name = $2', [list, name])
          .then(() => c.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_CLASS, `${list}\n${name}`]))
          .then(
            () => c.release(),
            // A connection that broke released the lock with it; do not return it to the pool.
            (err: Error) => c.release(err),
          )
          .finally(() => pending.delete(done));
        pending.add(done);
      },
    };
  } catch (err) {
    if (err instanceof EnewsError) throw err;
    c.release(err as Error);
    throw unreachable(db.where, err);
  }
}

function lockedError(label: string, holder: LockInfo | null, who: string): EnewsError {
  const holderText = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.started}` : 'another process';
  return new EnewsError('journal-locked', `Another ${who} is using ${label} (${holderText}). Nothing was sent.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'Two runs of one send would mail people twice. Wait for the other run to finish (enews status shows ' +
          'its progress), then run the same command again.',
        hint: 'The lock is the database session of the run that holds it: it ends when that run ends, however it ends.',
      },
    ],
  });
}
