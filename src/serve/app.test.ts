/**
 * The unsubscribe endpoint through Hono's app.request(), with no socket: what each request is
 * answered and, above all, what is recorded. Socket matters (slow clients, the events file) are
 * tests/serve.test.ts's.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir, REPO } from '../../tests/helpers/project.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { eventKey, type SubscriberEvent } from '../events/events.js';
import { EventsFile } from '../events/events-file.js';
import { openToken, sealToken } from '../personalize/token.js';
import { loadStrings } from '../render/strings.js';
import { createServeApp, serveLanguages, type ServeDeps } from './app.js';

const SECRET = 'serve-app-test-secret-long-enough';
const LIST = 'enews.coop.example.org';
const PATH = '/coop/enews/unsubscribe';
const ZOE = 'zoe.martin@example.org';

type Recorded = Parameters<ServeDeps['record']>[0];

/**
 * The app recording into a real events file (in a fresh folder), as enews serve wires it; `recorded` lists what
 * the file holds, in the shape the app asked for. `deps` replaces any of its parts.
 */
function endpoint(deps: Partial<ServeDeps> = {}) {
  const store = new EventsFile(path.join(emptyDir(), 'events.jsonl'), LIST);
  const recorded: Recorded[] = [];
  const app = createServeApp({
    identity: {
      title: 'ILO COOP eNewsUpdate',
      language: 'en',
      brandColor: '#1e2dbe',
      postalAddress: 'International Labour Office\nGeneva',
    },
    listId: LIST,
    path: PATH,
    open: (token) => openToken(SECRET, token),
    alreadyUnsubscribed: (address) => store.has(eventKey({ type: 'unsubscribed', email: address })),
    async record(u) {
      const e: SubscriberEvent = { at: 'x', list: LIST, type: 'unsubscribed', email: u.address, source: u.source };
      if (u.issue) e.issue = u.issue;
      if ((await store.record([e])).length) recorded.push(u);
    },
    maxBody: 1024,
    problem: () => store.problem(),
    ...deps,
  });
  return { app, recorded };
}

/** The link in the message of `issue` (the token names it), with more of a query after it. */
const link = (address = ZOE, issue: number | null = 3, query = '') =>
  `${PATH}?t=${sealToken(SECRET, LIST, address, issue)}${query}`;

const oneClick = (init: RequestInit = {}): RequestInit => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: 'List-Unsubscribe=One-Click',
  ...init,
});

/** The page's heading, as a person reads it. */
async function heading(r: Response): Promise<string> {
  const html = await r.text();
  return /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1] ?? `no heading in: ${html.slice(0, 200)}`;
}

describe('GET', () => {
  it('shows the question with the masked address and a button that posts back, and records nothing', async () => {
    const { app, recorded } = endpoint();
    const url = link();
    const r = await app.request(url);
    expect(r.status).toBe(200);
    expect(r.headers.get('Content-Type')).toBe('text/html; charset=UTF-8');
    const html = await r.text();
    expect(html).toContain('<h1 style="font-size:22px;margin:0 0 16px">Unsubscribe from ILO COOP eNewsUpdate?</h1>');
    expect(html).toContain('Stop sending <strong>ILO COOP eNewsUpdate</strong> to <strong>z***n@example.org</strong>?');
    expect(html).not.toContain(ZOE);
    const token = new URL(url, 'http://x').searchParams.get('t');
    expect(html).toContain(`<form method="post" action="?t=${token}">`);
    expect(recorded).toEqual([]);
  });

  it('tells an address that already unsubscribed so, without a button', async () => {
    const { app } = endpoint({ alreadyUnsubscribed: async () => true });
    const html = await (await app.request(link())).text();
    expect(html).toContain('<strong>z***n@example.org</strong> no longer gets ILO COOP eNewsUpdate.');
    expect(html).not.toContain('<form');
  });
});

describe('POST', () => {
  it('records a one-click unsubscribe (urlencoded) once, with its issue, and says it is done', async () => {
    const { app, recorded } = endpoint();
    const r = await app.request(link(), oneClick());
    expect(r.status).toBe(200);
    expect(await heading(r)).toBe('You are unsubscribed');
    expect(recorded).toEqual([{ address: ZOE, source: 'one-click', issue: 3 }]);
  });

  it('takes the one-click body as multipart too, and any other body as the page’s button', async () => {
    const { app, recorded } = endpoint();
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    expect((await app.request(link('a@example.org'), { method: 'POST', body: form })).status).toBe(200);
    const button = oneClick({ body: 'confirm=yes' });
    expect((await app.request(link('b@example.org', null), button)).status).toBe(200);
    // An i= in the query (as links had before the token named its issue) is not believed.
    expect((await app.request(link('c@example.org', null, '&i=3'), { method: 'POST' })).status).toBe(200);
    expect(recorded).toEqual([
      { address: 'a@example.org', source: 'one-click', issue: 3 },
      { address: 'b@example.org', source: 'page', issue: null },
      { address: 'c@example.org', source: 'page', issue: null },
    ]);
  });

  it('records nothing for an address that already unsubscribed, and still says it is done', async () => {
    const { app, recorded } = endpoint();
    await app.request(link(), oneClick());
    const again = await app.request(link(ZOE, 4), oneClick());
    expect(again.status).toBe(200);
    expect(await heading(again)).toBe('You are unsubscribed');
    expect(recorded).toEqual([{ address: ZOE, source: 'one-click', issue: 3 }]);
  });

  it('answers 503 and says nothing changed when the unsubscribe cannot be recorded', async () => {
    const { app } = endpoint({
      record: () => Promise.reject(new Error('disk full')),
    });
    const r = await app.request(link(), oneClick());
    expect(r.status).toBe(503);
    const html = await r.text();
    expect(html).toContain('Please try again later');
    expect(html).toContain('Your request could not be recorded just now. Nothing was changed.');
    expect(html).not.toContain('You are unsubscribed');
  });
});

describe('what is refused', () => {
  it('a foreign, altered, truncated or missing token: 400 and nothing recorded, for GET and POST alike', async () => {
    const { app, recorded } = endpoint();
    const good = sealToken(SECRET, LIST, ZOE, 3);
    const altered = Buffer.from(good, 'base64url');
    altered[20]! ^= 1;
    const tokens = [
      sealToken('another-secret-of-some-length', LIST, ZOE, 3),
      sealToken(SECRET, 'other.example.org', ZOE, 3),
      altered.toString('base64url'),
      good.slice(0, -2),
    ];
    const urls = [...tokens.map((t) => `${PATH}?t=${t}`), PATH, `${PATH}?t=`];
    for (const url of urls) {
      for (const init of [{}, oneClick()]) {
        const r = await app.request(url, init);
        expect(r.status, url).toBe(400);
        expect(await heading(r)).toBe('This unsubscribe link is not valid');
      }
    }
    expect(recorded).toEqual([]);
  });

  it('other paths 404, other methods 405 with Allow, a body over maxBody 413, recording nothing', async () => {
    const { app, recorded } = endpoint();
    const missing = await app.request('/coop/enews/other');
    expect([missing.status, await heading(missing)]).toEqual([404, 'Not found']);
    expect((await app.request(`${PATH}/more${link().slice(PATH.length)}`, oneClick())).status).toBe(404);
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = await app.request(link(), { method });
      expect([r.status, r.headers.get('Allow'), await heading(r)]).toEqual([405, 'GET, POST', 'Method not allowed']);
    }
    const big = await app.request(link(), oneClick({ body: `List-Unsubscribe=One-Click&pad=${'x'.repeat(2000)}` }));
    expect([big.status, await heading(big)]).toEqual([413, 'Request too large']);
    expect(recorded).toEqual([]);
  });

  it('while problem() names one: /healthz 503 and every POST 503, nothing recorded; else /healthz 200', async () => {
    let problem: string | null = null;
    const { app, recorded } = endpoint({ problem: async () => problem });
    const ok = await app.request('/healthz');
    expect([ok.status, await ok.text()]).toEqual([200, 'ok\n']);
    expect((await app.request(link(), oneClick())).status).toBe(200);

    problem = 'the events file is damaged at line 1';
    const health = await app.request('/healthz');
    expect([health.status, await health.text()]).toEqual([503, 'cannot record unsubscribes\n']);
    for (const address of ['new@example.org', ZOE]) {
      const r = await app.request(link(address), oneClick());
      expect(r.status, address).toBe(503);
      expect(await heading(r)).toBe('Please try again later');
    }
    expect(recorded).toEqual([{ address: ZOE, source: 'one-click', issue: 3 }]);
  });
});

describe('every answer', () => {
  it('carries the security headers: a strict CSP, no framing, no sniffing, no referrer, no caching', async () => {
    const { app } = endpoint();
    const answers = await Promise.all([
      app.request(link()),
      app.request(link('d@example.org'), oneClick()),
      app.request(`${PATH}?t=bad`),
      app.request('/nowhere'),
      app.request('/healthz'),
      app.request(link(), { method: 'PUT' }),
    ]);
    for (const r of answers) {
      expect(r.headers.get('Content-Security-Policy'), String(r.status)).toBe(
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; " +
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(r.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(r.headers.get('X-Frame-Options')).toBe('DENY');
      expect(r.headers.get('Referrer-Policy')).toBe('no-referrer');
      expect(r.headers.get('Cache-Control')).toBe('no-store');
    }
  });
});

describe('the language of the pages', () => {
  const newsletter = loadNewsletter(contentPaths(REPO)).newsletter;
  const languages = serveLanguages(newsletter, loadStrings(contentPaths(REPO).templatesDir, ['en', 'fr', 'es']));

  it('is the one the link names (?l=), else the browser’s (fr-CH finds fr), else the default', async () => {
    const { app } = endpoint({ languages });
    const ask = async (query: string, accept?: string) => {
      const r = await app.request(link(ZOE, 3, query), accept ? { headers: { 'Accept-Language': accept } } : {});
      return [r.headers.get('Content-Language'), await heading(r)];
    };
    expect(await ask('&l=fr')).toEqual(['fr', 'Se désabonner de ILO COOP eNewsUpdate ?']);
    expect(await ask('', 'fr-CH,fr;q=0.9,en;q=0.8')).toEqual(['fr', 'Se désabonner de ILO COOP eNewsUpdate ?']);
    expect(await ask('&l=es', 'fr')).toEqual(['es', '¿Darse de baja de ILO COOP eNewsUpdate?']);
    expect(await ask('', 'de-DE,de;q=0.9')).toEqual(['en', 'Unsubscribe from ILO COOP eNewsUpdate?']);
    expect(await ask('')).toEqual(['en', 'Unsubscribe from ILO COOP eNewsUpdate?']);
  });

  it("keeps the page's language in the button's POST, and answers the POST in it", async () => {
    const { app, recorded } = endpoint({ languages });
    const page = await (await app.request(link(ZOE, 3), { headers: { 'Accept-Language': 'fr' } })).text();
    const action = /<form method="post" action="([^"]+)">/.exec(page)![1]!.replace(/&amp;/g, '&');
    expect(new URLSearchParams(action.slice(1)).get('l')).toBe('fr');
    const done = await app.request(`${PATH}${action}`, oneClick({ body: 'confirm=yes' }));
    expect([done.headers.get('Content-Language'), await heading(done)]).toEqual(['fr', 'Vous êtes désabonné·e']);
    expect(done.headers.get('Vary')).toContain('Accept-Language');
    expect(recorded).toEqual([{ address: ZOE, source: 'page', issue: 3 }]);
  });
});

describe('the log', () => {
  it('says why it answers 503 once per reason, and once when it records again', async () => {
    let problem: string | null = null;
    const log: string[] = [];
    const { app } = endpoint({ problem: async () => problem, log: (l) => log.push(l) });
    problem = 'the disk is full';
    for (let i = 0; i < 5; i++) await app.request(link(`p${i}@example.org`), oneClick());
    await app.request('/healthz');
    problem = null;
    await app.request('/healthz');
    expect(log).toEqual(['unsubscribes cannot be recorded: the disk is full', 'unsubscribes are recorded again']);
  });
});
