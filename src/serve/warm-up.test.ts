import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject } from '../../tests/helpers/project.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { EventsFile } from '../events/events-file.js';
import type { EventStore } from '../events/store.js';
import { sealToken } from '../personalize/token.js';
import { startServe } from './node.js';
import { WARM_UP_ADDRESS, warmUp } from './warm-up.js';

const SECRET = 'PuvNoOXMB/29UdUBMsoxjuaq+/MT9FaviU66O9OgISA=';

/** Whether something listens on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(!s.destroy()));
    s.once('error', () => resolve(false));
  });
}

describe('warmUp', () => {
  it('sends the one-click POSTs over loopback HTTP, then closes its server', async () => {
    const seen: { method: string; url: URL; body: string; type: string | null }[] = [];
    await warmUp(
      async (req) => {
        seen.push({
          method: req.method,
          url: new URL(req.url),
          body: await req.text(),
          type: req.headers.get('content-type'),
        });
        return new Response('ok');
      },
      '/unsubscribe',
      'a token/with+signs=',
      12,
      3,
    );
    expect(seen).toHaveLength(12);
    for (const r of seen) {
      expect(r.method).toBe('POST');
      expect(r.url.hostname).toBe('127.0.0.1');
      expect(r.url.pathname).toBe('/unsubscribe');
      expect(r.url.searchParams.get('t')).toBe('a token/with+signs=');
      expect(r.body).toBe('List-Unsubscribe=One-Click');
      expect(r.type).toBe('application/x-www-form-urlencoded');
    }
    expect(await listening(Number(seen[0]!.url.port))).toBe(false);
  });

  it('rejects when the app does not answer 200, and sends no batch after that', async () => {
    let calls = 0;
    const fetch = () => {
      calls++;
      return new Response('no', { status: 503 });
    };
    await expect(warmUp(fetch, '/u', 't', 40, 4)).rejects.toThrow('warm-up: 503');
    // The first batch's other requests may be cut off with the connections (how many got through is a race).
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(4);
  });
});

describe('serve before it listens', () => {
  it('rehearses a one-click unsubscribe that reads the events and records nothing', async () => {
    const dir = copyProject();
    const { newsletter } = loadNewsletter(contentPaths(dir));
    const file = path.join(dir, 'journal', 'events.jsonl');
    const inner = new EventsFile(file, newsletter.list_id);
    const asked: string[] = [];
    const recorded: string[] = [];
    const spies: Partial<EventStore> = {
      recorded: (keys) => {
        asked.push(...keys);
        return inner.recorded(keys);
      },
      record: (es) => {
        recorded.push(...es.map((e) => e.email));
        return inner.record(es);
      },
    };
    const events = new Proxy(inner, {
      get: (target, key, receiver) => {
        if (key in spies) return spies[key as keyof EventStore];
        const v = Reflect.get(target, key, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const server = await startServe({ newsletter, secret: SECRET, events, host: '127.0.0.1', port: 0 });
    try {
      expect(asked.filter((k) => k.includes(WARM_UP_ADDRESS)).length).toBeGreaterThan(0);
      expect(recorded).toEqual([]);
      expect(existsSync(file)).toBe(false);
      const link = `${server.url}?t=${encodeURIComponent(sealToken(SECRET, newsletter.list_id, 'ana@example.org', 3))}`;
      const res = await fetch(link, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
      expect(res.status).toBe(200);
      expect(recorded).toEqual(['ana@example.org']);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      expect(lines.map((l) => JSON.parse(l).email)).toEqual(['ana@example.org']);
    } finally {
      await server.close();
    }
  });
});
