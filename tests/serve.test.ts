/**
 * enews serve over a real socket: a GET never unsubscribes, a one-click POST
 * is recorded once and durably before 200, bad tokens and bad requests get
 * their 4xx, a broken events file gets 503 and nothing recorded.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentPaths, loadNewsletter } from '../src/content/load.js';
import { EventsFile } from '../src/events/events-file.js';
import { sealToken } from '../src/personalize/token.js';
import { startServe, type RunningServer } from '../src/serve/node.js';
import { enews } from './helpers/inproc.js';
import { copyProject, emptyDir, write } from './helpers/project.js';
import { itNeedsRoot, mountTmpfs } from './helpers/tools.js';

const SECRET = 'rjiJb8c75iikzAlQc46i3EKLetIR5ISoGmkkY8bjA6I=';
const LIST = 'enews.coop.example.org';
const PATH = '/coop/enews/unsubscribe';
let servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function serve(opts: { events?: string; requestTimeoutMs?: number; log?: (line: string) => void } = {}) {
  const dir = copyProject();
  const eventsFile = opts.events ?? path.join(dir, 'journal/events.jsonl');
  const { newsletter } = loadNewsletter(contentPaths(dir));
  const events = new EventsFile(eventsFile, newsletter.list_id);
  const s = await startServe({
    newsletter,
    secret: SECRET,
    events,
    host: '127.0.0.1',
    port: 0,
    ...(opts.requestTimeoutMs ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  servers.push(s);
  const base = s.url.slice(0, s.url.indexOf(PATH));
  const recorded = () =>
    readFileSync(eventsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  return { dir, s, base, eventsFile, events: recorded };
}

const require = createRequire(import.meta.url);

const link = (base: string, email: string, secret = SECRET, list = LIST) =>
  `${base}${PATH}?t=${sealToken(secret, list, email, 3)}`;
const oneClick = (url: string, init: RequestInit = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'List-Unsubscribe=One-Click',
    ...init,
  });

describe('enews serve', () => {
  it('GET shows a page with the masked address and a button, and never unsubscribes', async () => {
    const { base, eventsFile } = await serve();
    const r = await fetch(link(base, 'zoe.martin@example.org'));
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Stop sending <strong>ILO COOP eNewsUpdate</strong> to <strong>z***n@example.org</strong>?');
    expect(html).toContain('<button type="submit"');
    expect(html).not.toContain('zoe.martin');
    expect(r.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(() => readFileSync(eventsFile)).toThrow();
  });

  it('a one-click POST is recorded once, with its issue, before the 200; a second POST records nothing new', async () => {
    const { base, events } = await serve();
    const url = link(base, 'zoe.martin@example.org');
    const first = await oneClick(url);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain(
      '<strong>z***n@example.org</strong> will not get ILO COOP eNewsUpdate any more.',
    );
    // Answered 200 means recorded: the line is in the file now.
    expect(events()).toEqual([
      {
        at: expect.any(String),
        list: LIST,
        type: 'unsubscribed',
        email: 'zoe.martin@example.org',
        source: 'one-click',
        issue: 3,
      },
    ]);
    expect((await oneClick(url)).status).toBe(200);
    expect(events()).toHaveLength(1);
  });

  it("accepts the one-click body as multipart, and the page's button as a plain form", async () => {
    const { base, events } = await serve();
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    expect((await fetch(link(base, 'a@example.org'), { method: 'POST', body: form })).status).toBe(200);
    const page = await fetch(link(base, 'b@example.org'), {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'confirm=yes',
    });
    expect(page.status).toBe(200);
    expect(events().map((e) => [e.email, e.source])).toEqual([
      ['a@example.org', 'one-click'],
      ['b@example.org', 'page'],
    ]);
  });

  it('a tampered, truncated or foreign token gets 400 and records nothing', async () => {
    const { base, eventsFile } = await serve();
    const good = sealToken(SECRET, LIST, 'zoe.martin@example.org', 3);
    const flipped = `${good.slice(0, 20)}${good[20] === 'A' ? 'B' : 'A'}${good.slice(21)}`;
    for (const t of [
      flipped,
      good.slice(0, 50),
      sealToken('another-secret-entirely', LIST, 'x@example.org', 3),
      sealToken(SECRET, 'other.list.org', 'x@example.org', 3),
      '',
    ]) {
      const r = await oneClick(`${base}${PATH}?t=${t}`);
      expect(r.status, t).toBe(400);
      expect(await r.text()).toContain('This unsubscribe link is not valid');
      expect((await fetch(`${base}${PATH}?t=${t}`)).status).toBe(400);
    }
    expect(() => readFileSync(eventsFile)).toThrow();
  });

  it('answers unknown paths 404, other methods 405, big bodies 413, and /healthz 200', async () => {
    const { base } = await serve();
    expect((await fetch(`${base}/etc/passwd`)).status).toBe(404);
    const put = await fetch(link(base, 'zoe@example.org'), { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    const big = await oneClick(link(base, 'zoe@example.org'), {
      body: `List-Unsubscribe=One-Click&x=${'a'.repeat(20_000)}`,
    });
    expect(big.status).toBe(413);
    const health = await fetch(`${base}/healthz`);
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
  });

  it('writes every page with the same header block: names, order, spelling and length, HEAD without a length', async () => {
    const { base } = await serve();
    const { port, pathname, search } = new URL(link(base, 'hal@example.org'));
    const target = `${pathname}${search}`;
    const raw = (request: string) =>
      new Promise<string>((resolve) => {
        let got = '';
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
        socket.on('data', (d) => (got += d));
        socket.on('close', () => resolve(got.slice(0, got.indexOf('\r\n\r\n')).replace(/^Date: .*$/m, 'Date: -')));
      });
    const head = (status: string, language: string, length: number | null, allow = false) =>
      [
        `HTTP/1.1 ${status}`,
        ...(allow ? ['allow: GET, POST'] : []),
        'cache-control: no-store',
        `content-language: ${language}`,
        "content-security-policy: default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; " +
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        'content-type: text/html; charset=UTF-8',
        'referrer-policy: no-referrer',
        'vary: Accept-Language',
        'x-content-type-options: nosniff',
        'x-frame-options: DENY',
        ...(length === null ? [] : [`Content-Length: ${length}`]),
        'Date: -',
        'Connection: close',
      ].join('\r\n');
    const form = 'List-Unsubscribe=One-Click';
    const post = await raw(
      `POST ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n${form}`,
    );
    const done = await oneClick(link(base, 'hal@example.org'));
    expect(post).toBe(head('200 OK', 'en', Buffer.byteLength(await done.text())));
    const page = await fetch(link(base, 'hal@example.org'));
    const get = await raw(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    expect(get).toBe(head('200 OK', 'en', Buffer.byteLength(await page.text())));
    expect(await raw(`HEAD ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)).toBe(
      head('200 OK', 'en', null),
    );
    const put = await fetch(link(base, 'hal@example.org'), { method: 'PUT' });
    expect(await raw(`PUT ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)).toBe(
      head('405 Method Not Allowed', 'en', Buffer.byteLength(await put.text()), true),
    );
  });

  it('reads a body sent without a length (chunked) within the same limit: 200 for one-click, 413 past it', async () => {
    const { base, events } = await serve();
    const chunked = (parts: string[]) =>
      oneClick(link(base, `${parts.length}@example.org`), {
        body: new ReadableStream({
          start(c) {
            for (const p of parts) c.enqueue(new TextEncoder().encode(p));
            c.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
    const small = await chunked(['List-Unsub', 'scribe=One-', 'Click']);
    expect(small.status).toBe(200);
    const big = await chunked(['List-Unsubscribe=One-Click&x=', ...Array.from({ length: 20 }, () => 'a'.repeat(1000))]);
    expect(big.status).toBe(413);
    expect(events().map((e) => [e.email, e.source])).toEqual([['3@example.org', 'one-click']]);
  });

  it('with a damaged events file: 503, nothing recorded, /healthz says so', async () => {
    const dir = emptyDir();
    const file = path.join(dir, 'events.jsonl');
    const damaged =
      '{"not":"an event"}\n{"at":"2026-11-29T10:00:00Z","type":"unsubscribed","email":"a@b.org","source":"page"}\n';
    writeFileSync(file, damaged);
    const { base, s } = await serve({ events: file });
    expect(s.problem).toContain('is damaged at line 1');
    const r = await oneClick(link(base, 'zoe.martin@example.org'));
    expect(r.status).toBe(503);
    expect(await r.text()).toContain('could not be recorded just now. Nothing was changed.');
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    expect(readFileSync(file, 'utf8')).toBe(damaged);
  });

  it('with an events file that cannot be written: 503 and no "done"', async () => {
    const dir = emptyDir();
    // A file where the folder should be: the events file can never be created.
    writeFileSync(path.join(dir, 'journal'), 'not a folder');
    const { base } = await serve({ events: path.join(dir, 'journal', 'events.jsonl') });
    const r = await oneClick(link(base, 'zoe.martin@example.org'));
    expect(r.status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
  });

  it('drops a client that sends its request too slowly', async () => {
    const { base } = await serve({ requestTimeoutMs: 500 });
    const { port } = new URL(base);
    const closedAfter = await new Promise<number>((resolve) => {
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(`GET ${PATH} HTTP/1.1\r\nHost: x\r\n`));
      socket.on('data', () => {});
      socket.on('close', () => resolve(Date.now() - started));
    });
    // Cut off after the 500 ms request timeout (Node checks every second), not after 30 s.
    expect(closedAfter).toBeGreaterThanOrEqual(400);
    expect(closedAfter).toBeLessThan(3000);
  });

  it('refuses to start without UNSUBSCRIBE_SECRET (exit 1, a clear message)', async () => {
    const dir = copyProject();
    mkdirSync(path.join(dir, 'journal'));
    const r = await enews(['serve', '--port', '0'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('UNSUBSCRIBE_SECRET is not set, so enews serve cannot read the unsubscribe links.');
    write(dir, 'x', '');
  });

  it('two servers on one events file record each address once, however often and wherever it is posted', async () => {
    const a = await serve();
    const b = await serve({ events: a.eventsFile });
    const people = Array.from({ length: 20 }, (_, i) => `p${i}@example.org`);
    // Each address to both servers, twice, all at once.
    const answers = await Promise.all(
      people.flatMap((e) => [a.base, b.base, a.base, b.base].map((base) => oneClick(link(base, e)))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(80).fill(200));
    const emails = a.events().map((e) => e.email);
    expect(emails.sort()).toEqual([...people].sort());
  });

  it('waits for another process that holds the events file, then records each of 10 concurrent POSTs once', async () => {
    const { base, eventsFile, events } = await serve();
    mkdirSync(path.dirname(eventsFile), { recursive: true });
    writeFileSync(eventsFile, '');
    // Another process takes the file's lock for 600 ms (as an append of enews inbox would, for a moment).
    const holder = spawn(process.execPath, [
      '-e',
      `const fs=require('fs');const f=require(${JSON.stringify(require.resolve('fs-native-extensions'))});` +
        `const fd=fs.openSync(${JSON.stringify(eventsFile)},'a+');f.tryLock(fd);console.log('held');setTimeout(()=>{},600);`,
    ]);
    await new Promise<void>((resolve) => holder.stdout!.on('data', () => resolve()));
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => oneClick(link(base, `w${i % 5}@example.org`))),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(Date.now() - started).toBeGreaterThan(300);
    expect(
      events()
        .map((e) => e.email)
        .sort(),
    ).toEqual(['w0', 'w1', 'w2', 'w3', 'w4'].map((w) => `${w}@example.org`));
  });

  it('notices damage written after it started at the next append, and a repair without a restart', async () => {
    const log: string[] = [];
    const { base, eventsFile, events } = await serve({ log: (l) => log.push(l) });
    expect((await oneClick(link(base, 'first@example.org'))).status).toBe(200);
    const good = readFileSync(eventsFile, 'utf8');
    // Someone edits the file by hand and leaves a broken line.
    writeFileSync(eventsFile, `${good}not an event\n`);
    const refused = await oneClick(link(base, 'second@example.org'));
    expect(refused.status).toBe(503);
    expect((await fetch(`${base}/healthz`)).status).toBe(503);
    expect(readFileSync(eventsFile, 'utf8')).toBe(`${good}not an event\n`);
    // Repaired: the next request after the re-read limit (a second) is recorded again.
    writeFileSync(eventsFile, good);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await oneClick(link(base, 'second@example.org'))).status).toBe(200);
    expect(events().map((e) => e.email)).toEqual(['first@example.org', 'second@example.org']);
    expect(log).toEqual([
      expect.stringMatching(/^unsubscribes cannot be recorded: .*events\.jsonl is damaged at line 2/),
      'unsubscribes are recorded again',
    ]);
  });

  it('records only a complete request: a body cut off, or one that trickles past the limit, records nothing', async () => {
    const { base, eventsFile } = await serve({ requestTimeoutMs: 500 });
    const { port } = new URL(base);
    const url = new URL(link(base, 'cut@example.org'));
    const request = (body: string) =>
      `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
      `Content-Length: 1000\r\n\r\n${body}`;
    // A client gone after 10 of 1,000 bytes.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(request('List-Unsu'));
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
    });
    // A client sending a byte a second, cut off by the server.
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(request('L')));
      const timer = setInterval(() => socket.write('i'), 1000);
      socket.on('data', () => {});
      socket.on('close', () => {
        clearInterval(timer);
        resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8') : '').toBe('');
  });

  it('refuses, by name, an events file of another list', async () => {
    const dir = emptyDir();
    const file = path.join(dir, 'events.jsonl');
    const other = JSON.stringify({
      at: '2026-11-29T10:00:00Z',
      list: 'other.newsletter.example',
      type: 'unsubscribed',
      email: 'a@b.org',
      source: 'page',
    });
    writeFileSync(file, `${other}\n`);
    const { base, s } = await serve({ events: file });
    expect(s.problem).toContain(
      'holds events of the list other.newsletter.example (line 1), not of enews.coop.example.org',
    );
    expect((await oneClick(link(base, 'zoe.martin@example.org'))).status).toBe(503);
    expect(readFileSync(file, 'utf8')).toBe(`${other}\n`);
  });
});

describe('enews serve on a full disk', () => {
  itNeedsRoot('says 503 on /healthz before any POST fails, and logs why once', async () => {
    const disk = mountTmpfs('256k');
    try {
      const log: string[] = [];
      const { base } = await serve({ events: path.join(disk, 'events.jsonl'), log: (l) => log.push(l) });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${path.join(disk, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
      } catch {
        // Full: that is the point.
      }
      expect((await fetch(`${base}/healthz`)).status).toBe(503);
      for (let i = 0; i < 3; i++) expect((await oneClick(link(base, `f${i}@example.org`))).status).toBe(503);
      expect(log).toEqual(['unsubscribes cannot be recorded: the disk is full']);
    } finally {
      execFileSync('umount', [disk]);
    }
  });
});
