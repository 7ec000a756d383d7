/**
 * `enews serve` as a service runs it: the real bin as a process of its own
 * (issue 22, items 5 and 6). A service manager's SIGTERM stops it while
 * unsubscribes are in flight: each is answered and on disk, and the process
 * exits 0 at once. After a team strengthened its secret, the links of
 * messages sent with the old one still unsubscribe while
 * UNSUBSCRIBE_SECRET_OLD holds it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sealToken } from '../src/personalize/token.js';
import { BIN, cleanEnv } from './helpers/cli.js';
import { copyProject } from './helpers/project.js';

const SECRET = 'rjiJb8c75iikzAlQc46i3EKLetIR5ISoGmkkY8bjA6I=';
/** What a team used before `enews` refused weak secrets: about 58 bits by enews's count. */
const WEAK_OLD = 'serve-test-secret-long-enough';
const LIST = 'enews.coop.example.org';
const PATH = '/coop/enews/unsubscribe';
const require = createRequire(import.meta.url);

let children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children = [];
});

interface Served {
  child: ChildProcess;
  base: string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `enews serve --port 0` as a service manager starts it (the bin itself, no npx); resolves once it listens. */
function serve(dir: string, env: Record<string, string>): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir, env: cleanEnv(env) });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve({ child, base: m[1]!, stderr: () => err, exited });
    });
    void exited.then(({ code }) => reject(new Error(`enews serve exited with ${code}: ${err}`)));
  });
}

/**
 * A one-click POST over its own connection, asking `Expect: 100-continue`: `active` once the server has read its
 * headers and answered 100 (the request is then the server's, in flight), and only then the body goes out.
 */
function post(url: string): { active: Promise<void>; status: Promise<number | string> } {
  const u = new URL(url);
  const body = 'List-Unsubscribe=One-Click';
  let started = () => {};
  const active = new Promise<void>((resolve) => (started = resolve));
  const status = new Promise<number | string>((resolve) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: 'POST',
        agent: false,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': body.length,
          Expect: '100-continue',
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('continue', () => {
      req.end(body);
      started();
    });
    req.on('error', (err) => resolve(`failed: ${err.message}`));
    req.flushHeaders();
  });
  return { active, status };
}

const oneClick = (url: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
  });
const link = (base: string, email: string, secret = SECRET) => `${base}${PATH}?t=${sealToken(secret, LIST, email, 3)}`;

function recorded(dir: string): string[] {
  return readFileSync(path.join(dir, 'journal/events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l).email)
    .sort();
}

describe('enews serve under a service manager', () => {
  it('SIGTERM with unsubscribes in flight: each answered 200 and on disk, and the process exits 0 at once', async () => {
    const dir = copyProject();
    mkdirSync(path.join(dir, 'journal'));
    const events = path.join(dir, 'journal/events.jsonl');
    writeFileSync(events, '');
    const s = await serve(dir, { UNSUBSCRIBE_SECRET: SECRET });
    // Another process holds the events file's lock (as an append of enews inbox would, for a moment) until it is
    // told to let go: the unsubscribes are still waiting to be recorded when the stop comes.
    const holder = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');const f=require(${JSON.stringify(require.resolve('fs-native-extensions'))});` +
        `const fd=fs.openSync(${JSON.stringify(events)},'a+');f.tryLock(fd);console.log('held');` +
        "process.stdin.on('data',()=>process.exit(0));",
    ]);
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    const people = Array.from({ length: 10 }, (_, i) => `p${i}@example.org`);
    const posts = people.map((p) => post(link(s.base, p)));
    await Promise.all(posts.map((p) => p.active));
    s.child.kill('SIGTERM');
    // It takes no new connection, and waits for the ten in flight.
    await new Promise((r) => setTimeout(r, 500));
    await expect(fetch(`${s.base}/healthz`)).rejects.toThrow();
    expect(s.child.exitCode).toBeNull();
    const released = Date.now();
    holder.stdin!.end('go');
    const statuses = await Promise.all(posts.map((p) => p.status));
    const exit = await s.exited;
    const took = Date.now() - released;
    expect(exit, s.stderr()).toEqual({ code: 0, signal: null });
    expect(statuses).toEqual(Array(10).fill(200));
    // Answered 200 means on disk.
    expect(recorded(dir)).toEqual([...people].sort());
    // At once: as soon as the last answer is out, not after the 10 s a busy connection is given at most.
    expect(took).toBeLessThan(5000);
    expect(s.stderr()).toContain('Stopped.');
  });

  it('accepts the links of messages sent with the old secret while UNSUBSCRIBE_SECRET_OLD holds it', async () => {
    const dir = copyProject();
    const s = await serve(dir, { UNSUBSCRIBE_SECRET: SECRET, UNSUBSCRIBE_SECRET_OLD: WEAK_OLD });
    expect(s.stderr()).toContain(
      'warning: UNSUBSCRIBE_SECRET_OLD holds a weak secret of about 58 bits, under the 128 a current one needs. ' +
        'It is accepted: it only keeps the links and return addresses of messages sent with it working; but ' +
        'whoever guesses it can unsubscribe the subscribers of those messages.',
    );
    expect((await oneClick(link(s.base, 'old@example.org', WEAK_OLD))).status).toBe(200);
    expect((await oneClick(link(s.base, 'new@example.org'))).status).toBe(200);
    expect((await oneClick(link(s.base, 'forged@example.org', 'some-other-secret'))).status).toBe(400);
    expect(recorded(dir)).toEqual(['new@example.org', 'old@example.org']);
    // Secrets are never printed.
    expect(s.stderr()).not.toContain(WEAK_OLD);

    const without = await serve(copyProject(), { UNSUBSCRIBE_SECRET: SECRET });
    expect((await oneClick(link(without.base, 'old@example.org', WEAK_OLD))).status).toBe(400);
    expect(without.stderr()).not.toContain('UNSUBSCRIBE_SECRET_OLD');
  });
});
