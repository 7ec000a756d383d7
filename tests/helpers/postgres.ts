/**
 * A throwaway PostgreSQL cluster for the tests: Debian's `postgresql`
 * binaries (found by requireTool: any version, or PG_BIN), `initdb` in a temporary folder and the server on 127.0.0.1 and a
 * free port, run as a non-root user (PostgreSQL refuses root: as root the
 * cluster belongs to `nobody`). Each test gets a database of its own
 * (`database()`), so tests never see each other's list state.
 *
 * The server runs with fsync off: the tests kill clients (sends, servers),
 * never the database, and a cluster that syncs nothing starts and answers in
 * a fraction of the time.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { requireTool } from './tools.js';
import { freePort } from './free-port.js';

export interface Postgres {
  port: number;
  /** A new, empty database; its URL (postgres://enews@127.0.0.1:port/NAME). */
  database(): Promise<string>;
  stop(): Promise<void>;
}

const NOBODY = 65534;

export async function startPostgres(): Promise<Postgres> {
  // Fails the test with one line naming the package when PostgreSQL is not installed.
  const PG_BIN = requireTool('postgresql');
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-pg-'));
  const data = path.join(dir, 'data');
  const sockets = path.join(dir, 'run');
  mkdirSync(sockets);
  if (root) {
    chownSync(dir, NOBODY, NOBODY);
    chownSync(sockets, NOBODY, NOBODY);
  }
  const as = root ? { uid: NOBODY, gid: NOBODY } : {};
  const init = spawnSync(
    path.join(PG_BIN, 'initdb'),
    ['-D', data, '-U', 'enews', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { ...as, encoding: 'utf8', cwd: dir },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  let child: ChildProcess | null = null;
  let port = 0;
  let log = '';
  // The free port can be taken between the check and the server's bind; then try another.
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const c = spawn(
      path.join(PG_BIN, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
        '-k',
        sockets,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { ...as, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    c.stderr?.on('data', (d) => (log += d));
    let exited = false;
    c.on('exit', () => (exited = true));
    for (let i = 0; i < 200 && !exited; i++) {
      if (await accepting(port)) {
        child = c;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!child) c.kill('SIGKILL');
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL did not start: ${log}`);
  }
  const proc = child;
  const killOnExit = () => proc.kill('SIGKILL');
  process.once('exit', killOnExit);
  let n = 0;
  return {
    port,
    async database() {
      const name = `t${process.pid}_${++n}`;
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'enews', database: 'postgres' });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return `postgres://enews@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.off('exit', killOnExit);
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        // SIGINT: PostgreSQL's fast shutdown (clients are disconnected, no waiting for them).
        proc.kill('SIGINT');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function accepting(port: number): Promise<boolean> {
  const c = new pg.Client({
    host: '127.0.0.1',
    port,
    user: 'enews',
    database: 'postgres',
    connectionTimeoutMillis: 500,
  });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    await c.end().catch(() => {});
    return false;
  }
}
