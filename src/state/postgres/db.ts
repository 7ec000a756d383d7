/**
 * The list state in PostgreSQL: the connection (STATE_URL, never printed
 * with its password), what a failure of the database means for people, and
 * the schema, created and migrated by enews itself.
 *
 * Migrations are numbered and applied in one transaction under a
 * transaction-level advisory lock, so two processes starting at once (two
 * `enews serve`, a send from CI) never apply one twice, and a process that
 * dies half-way applies nothing.
 */
import pg from 'pg';
import { EnewsError, ExitCode } from '../../errors.js';

export interface Database {
  pool: pg.Pool;
  /** The database for people: the URL without its password. */
  where: string;
  /**
   * Resolves once the database answers and its schema is up to date (migrated on first use, so a process that
   * must keep running while the database is away, enews serve, starts anyway and says 503 until it is back).
   */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Which class of advisory lock is enews's: the first key of pg_advisory_lock(int, int). */
export const LOCK_CLASS = 0x656e6577; // "enew"

export const MIGRATIONS: string[] = [
  // 1: the subscriber events (one row per fact: unique per list and key), the send journals (their records in
  // order), the inbox's memory of processed messages, and who holds which run lock.
  `CREATE TABLE enews_events (
     id bigserial PRIMARY KEY,
     list text NOT NULL,
     key text NOT NULL,
     event jsonb NOT NULL,
     UNIQUE (list, key)
   );
   CREATE TABLE enews_journal_records (
     id bigserial PRIMARY KEY,
     list text NOT NULL,
     journal text NOT NULL,
     record jsonb NOT NULL
   );
   CREATE INDEX enews_journal_records_by_journal ON enews_journal_records (list, journal, id);
   CREATE TABLE enews_journals (
     list text NOT NULL,
     name text NOT NULL,
     PRIMARY KEY (list, name)
   );
   CREATE TABLE enews_inbox_seen (
     list text NOT NULL,
     fp text NOT NULL,
     at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (list, fp)
   );
   CREATE TABLE enews_locks (
     list text NOT NULL,
     name text NOT NULL,
     holder jsonb NOT NULL,
     PRIMARY KEY (list, name)
   );`,
  // 2: the events of one address, found without reading the list's (the preferences page, a cooldown, forget).
  `CREATE INDEX enews_events_by_address ON enews_events (list, (event->>'email'), id);`,
];

/** STATE_URL as people may see it: postgres://user@host:port/db. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString().replace(/^(postgres(?:ql)?:\/\/[^@/]*):@/, '$1@');
  } catch {
    return 'STATE_URL (not a valid URL)';
  }
}

export function connect(url: string): Database {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new EnewsError(
      'state-url-invalid',
      'STATE_URL is not a valid URL (its value is not shown: it may hold a password).',
      {
        problems: [{ message: 'Use the form postgres://user:password@host:5432/database.' }],
      },
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new EnewsError(
      'state-url-invalid',
      `STATE_URL must start with postgres:// (it starts with ${u.protocol}//).`,
    );
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 10_000,
  });
  // A connection that breaks while idle in the pool must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const where = displayUrl(url);
  let migrated: Promise<void> | null = null;
  const db: Database = {
    pool,
    where,
    ready() {
      // A failure is not remembered: the next use tries again (the database may be back).
      migrated ??= migrate(db).catch((err) => {
        migrated = null;
        throw err;
      });
      return migrated;
    },
    close: () => pool.end(),
  };
  return db;
}

/**
 * Runs `f` in one transaction on a connection of its own: committed when `f` resolves, rolled back when it
 * throws (an EnewsError goes on as it is; anything else means the database failed: `unreachable`).
 */
export async function transaction<T>(db: Database, f: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await db.pool.connect().catch((err) => {
    throw unreachable(db.where, err);
  });
  try {
    await c.query('BEGIN');
    const result = await f(c);
    await c.query('COMMIT');
    return result;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {});
    if (err instanceof EnewsError) throw err;
    throw unreachable(db.where, err);
  } finally {
    c.release();
  }
}

/** Applies the migrations not yet applied. */
export function migrate(db: Database): Promise<void> {
  return transaction(db, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1, 0)', [LOCK_CLASS]);
    await c.query(
      'CREATE TABLE IF NOT EXISTS enews_migrations (version int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set((await c.query('SELECT version FROM enews_migrations')).rows.map((r) => Number(r.version)));
    const newer = [...done].filter((v) => v > MIGRATIONS.length);
    if (newer.length)
      throw new EnewsError(
        'state-newer',
        `The list state in ${db.where} was made by a newer enews (schema version ${Math.max(...newer)}).`,
        {
          exitCode: ExitCode.badInput,
          problems: [{ message: 'Upgrade enews on this machine to the version the others use.' }],
        },
      );
    for (let v = 1; v <= MIGRATIONS.length; v++) {
      if (done.has(v)) continue;
      await c.query(MIGRATIONS[v - 1]!);
      await c.query('INSERT INTO enews_migrations (version) VALUES ($1)', [v]);
    }
  });
}

/** What a failing database means for the run: it stops before it does anything it could not record (exit 4). */
export function unreachable(where: string, err: unknown): EnewsError {
  return new EnewsError('state-unreachable', `The list state in ${where} cannot be used: ${reason(err)}.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'Nothing was recorded or sent that the database does not hold. Check that the database is running and ' +
          'STATE_URL (host, port, user, password, database) is right, then run the same command again.',
      },
    ],
  });
}

/** Why, in words that hold no secret: the server's message or the network error's code. */
export function reason(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'the connection was refused (is the database running?)';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return 'its host name is not found';
  if (e.code === '28P01' || e.code === '28000') return 'the login was refused';
  if (e.code === '3D000') return 'the database does not exist';
  return (e.message ?? String(err)).split('\n')[0]!;
}
