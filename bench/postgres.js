/**
 * A throwaway PostgreSQL cluster for the benchmarks (as tests/helpers/postgres.ts, but with fsync on: a
 * benchmark of durable commits must pay for them). Debian's binaries; as root, the cluster runs as nobody.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './lib.js';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export async function startPostgres() {
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-bench-pg-'));
  const sockets = path.join(dir, 'run');
  mkdirSync(sockets);
  if (root) {
    chownSync(dir, 65534, 65534);
    chownSync(sockets, 65534, 65534);
  }
  const as = root ? { uid: 65534, gid: 65534 } : {};
  const data = path.join(dir, 'data');
  const init = spawnSync(
    path.join(BIN, 'initdb'),
    ['-D', data, '-U', 'enews', '--auth=trust', '-E', 'UTF8', '--locale=C'],
    {
      ...as,
      encoding: 'utf8',
      cwd: dir,
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const child = spawn(path.join(BIN, 'postgres'), ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', sockets], {
    ...as,
    cwd: dir,
    stdio: 'ignore',
  });
  for (let i = 0; ; i++) {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'enews', database: 'postgres' });
    try {
      await c.connect();
      await c.end();
      break;
    } catch {
      await c.end().catch(() => {});
      if (i > 200) throw new Error('PostgreSQL did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  let n = 0;
  return {
    /** The folder of its Unix socket (host=… in a URL). */
    sockets,
    async database() {
      const name = `bench_${++n}`;
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'enews', database: 'postgres' });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return `postgres://enews@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGINT');
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
