/**
 * Joining on enews serve, over a real socket, with confirmations mailed to a real SMTP server, on the file
 * state and on PostgreSQL alike: one mail per address per cooldown however many ask (across restarts and
 * processes), the same answer whoever the address belongs to, confirmation links that only a POST uses and
 * that nobody can forge, alter, move to another list or use once expired, and the preferences page.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { contentPaths, loadNewsletter } from '../src/content/load.js';
import { configureTransport } from '../src/delivery/transports/index.js';
import type { SubscriberEvent } from '../src/events/events.js';
import { sealConfirmation } from '../src/personalize/confirm-token.js';
import { sealToken } from '../src/personalize/token.js';
import { startServe, type RunningServer } from '../src/serve/node.js';
import { openListState, type ListState } from '../src/state/open.js';
import { BACKENDS, type Backend, stateEnv } from './helpers/backends.js';
import { copyProject } from './helpers/project.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

const SECRET = 'rjiJb8c75iikzAlQc46i3EKLetIR5ISoGmkkY8bjA6I=';
const LIST = 'enews.coop.example.org';
const DAY = 24 * 3600_000;

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A project, its list state in `backend`, an SMTP server, and `serve()` to start (or restart) enews serve. */
async function setup(backend: Backend) {
  const dir = copyProject();
  const env = await stateEnv(backend);
  const smtp: TestSmtp = await startSmtp();
  open.push(smtp);
  const paths = contentPaths(dir);
  const { newsletter } = loadNewsletter(paths);
  const clock = { now: Date.parse('2026-12-07T10:00:00Z') };
  const states: ListState[] = [];
  const serve = async (o: { log?: (line: string) => void } = {}) => {
    const state = await openListState({ root: dir, env, listId: LIST });
    states.push(state);
    const s: RunningServer = await startServe({
      newsletter,
      templatesDir: paths.templatesDir,
      secret: SECRET,
      events: state.events,
      host: '127.0.0.1',
      port: 0,
      transport: configureTransport('smtp', { SMTP_URL: smtp.url() }),
      now: () => clock.now,
      log: o.log ?? (() => {}),
    });
    open.push({ close: () => s.close() }, state);
    const origin = new URL(s.url).origin;
    return { s, origin, state };
  };
  const events = async (): Promise<SubscriberEvent[]> => {
    const out: SubscriberEvent[] = [];
    const state = await openListState({ root: dir, env, listId: LIST });
    await state.events.each((e) => out.push(e));
    await state.close();
    return out;
  };
  return { dir, env, smtp, serve, events, clock };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const post = (url: string, body: string, client = '198.51.100.1') =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': client },
    body,
  });
const signUp = (origin: string, email: string, client?: string, more: Record<string, string> = {}) =>
  post(`${origin}/coop/enews/subscribe`, form({ email, name: 'Zoë', language: 'fr', website: '', ...more }), client);

/** Waits until the server has `n` messages, then a little longer, to see that no more come. */
async function mails(smtp: TestSmtp, n: number, settle = 300) {
  for (let i = 0; i < 200 && smtp.received.length < n; i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, settle));
  return smtp.received;
}

/** The confirmation link in a message (its text part, quoted-printable). */
function linkIn(raw: Buffer): string {
  const text = raw.toString('latin1').replace(/=\r\n/g, '');
  const m = /https?:\/\/[^\s"<>]+\/subscribe\/confirm\?t=3D([A-Za-z0-9_-]+)(?:&l=3D([a-z]+))?/.exec(text);
  if (!m) throw new Error('no confirmation link in the message');
  return `/coop/enews/subscribe/confirm?t=${m[1]}${m[2] ? `&l=${m[2]}` : ''}`;
}

describe.each(BACKENDS)('joining on enews serve, list state in %s', (backend) => {
  it('sends 1 mail for 1,000 sign-ups of one address from many clients, also after a restart', async () => {
    const { smtp, serve, events } = await setup(backend);
    const { origin, s } = await serve();
    const answers: number[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const rs = await Promise.all(
        Array.from({ length: 50 }, (_, i) => signUp(origin, 'zoe@example.org', `203.0.113.${batch * 50 + i}`)),
      );
      answers.push(...rs.map((r) => r.status));
    }
    expect(answers.filter((a) => a === 200)).toHaveLength(1000);
    expect(await mails(smtp, 1)).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['zoe@example.org']);
    // Another process, and a restart: the cooldown is the list state's.
    const second = await serve();
    expect((await signUp(second.origin, 'ZOE@example.org', '192.0.2.1')).status).toBe(200);
    await s.close();
    const third = await serve();
    expect((await signUp(third.origin, 'zoe@example.org', '192.0.2.2')).status).toBe(200);
    expect(await mails(smtp, 2)).toHaveLength(1);
    const recorded = await events();
    expect(recorded.map((e) => e.type)).toEqual(['signup-requested']);
    // The cooldown holds the address's keyed hash only.
    expect(JSON.stringify(recorded)).not.toContain('zoe');
  });

  it('answers a sign-up the same whether the address is new, waiting, subscribed, unsubscribed or bounced', async () => {
    const { smtp, serve } = await setup(backend);
    const { origin, state } = await serve();
    const at = '2026-12-01T10:00:00.000Z';
    await state.events.record([
      { at, list: LIST, type: 'subscribed', email: 'sub@example.org', source: 'form' },
      { at, list: LIST, type: 'unsubscribed', email: 'gone@example.org', source: 'page' },
      { at, list: LIST, type: 'bounced', email: 'dead@example.org', source: 'dsn', issue: 2 },
    ]);
    await signUp(origin, 'waiting@example.org', '192.0.2.9');
    const bodies = new Set<string>();
    const statuses = new Set<number>();
    for (const [i, email] of [
      'new@example.org',
      'waiting@example.org',
      'sub@example.org',
      'gone@example.org',
      'dead@example.org',
    ].entries()) {
      const r = await signUp(origin, email, `192.0.2.${20 + i}`);
      statuses.add(r.status);
      bodies.add(await r.text());
    }
    // A bot that fills in the honeypot gets it too, and nothing is mailed for it.
    const bot = await signUp(origin, 'bot@example.org', '192.0.2.99', { website: 'https://spam.example' });
    statuses.add(bot.status);
    bodies.add(await bot.text());
    expect([...statuses]).toEqual([200]);
    expect(bodies.size).toBe(1);
    // Mailed: waiting (once), new, sub, gone (coming back is theirs to confirm); never the bounced one, nor the bot.
    const to = (await mails(smtp, 4)).map((m) => m.to[0]).sort();
    expect(to).toEqual(['gone@example.org', 'new@example.org', 'sub@example.org', 'waiting@example.org']);
  });

  it('records one subscribed with its consent record at the confirming POST only, once however often', async () => {
    const { smtp, serve, events } = await setup(backend);
    const { origin } = await serve();
    await signUp(origin, 'Zoe.Martin@Example.org', '192.0.2.1');
    const link = linkIn((await mails(smtp, 1))[0]!.raw);
    expect(link).toContain('&l=fr');
    const before = await events();
    const page = await fetch(`${origin}${link}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Oui, je m’abonne');
    // A GET (a mail scanner) changes nothing.
    expect(await events()).toEqual(before);
    for (let i = 0; i < 3; i++) {
      const r = await post(`${origin}${link}`, form({ confirm: 'yes' }));
      expect(r.status).toBe(200);
      expect(await r.text()).toContain('Vous êtes abonné·e');
    }
    const joined = (await events()).filter((e) => e.type === 'subscribed');
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({
      type: 'subscribed',
      email: 'zoe.martin@example.org',
      name: 'Zoë',
      language: 'fr',
      source: 'form',
      consent: {
        requested: '2026-12-07T10:00:00.000Z',
        confirmed: '2026-12-07T10:00:00.000Z',
        language: 'fr',
        source: 'form',
        form: 'page',
        wording: { version: '1' },
      },
    });
    expect(joined[0]!.consent!.wording.hash).toMatch(/^[0-9a-f]{64}$/);
    // No IP address unless newsletter.yaml asks for it.
    expect(joined[0]!.consent).not.toHaveProperty('ip');
  });

  it('gives 400 and records nothing for a tampered, expired or foreign confirmation link', async () => {
    const { smtp, serve, events, clock } = await setup(backend);
    const { origin } = await serve();
    await signUp(origin, 'zoe@example.org', '192.0.2.1');
    const link = linkIn((await mails(smtp, 1))[0]!.raw);
    const token = new URL(link, origin).searchParams.get('t')!;
    const tampered = token.slice(0, 30) + (token[30] === 'A' ? 'B' : 'A') + token.slice(31);
    const request = {
      list: 'other.example.org',
      email: 'zoe@example.org',
      name: '',
      language: 'en',
      requested: clock.now,
      wording: { version: '1', hash: 'a'.repeat(64) },
      form: 'page',
    };
    const foreignList = sealConfirmation(SECRET, request);
    const otherSecret = sealConfirmation('gst/2uHwaQ+T5klVARumAqrVD52aqEhYTxT2YKwIx6w=', { ...request, list: LIST });
    const unsubscribeToken = sealToken(SECRET, LIST, 'zoe@example.org', 3);
    const before = await events();
    for (const t of [tampered, token.slice(0, -5), foreignList, otherSecret, unsubscribeToken, '']) {
      const url = `${origin}/coop/enews/subscribe/confirm?t=${t}`;
      expect((await fetch(url)).status).toBe(400);
      expect((await post(url, form({ confirm: 'yes' }))).status).toBe(400);
    }
    clock.now += 7 * DAY + 1000;
    expect((await post(`${origin}${link}`, form({ confirm: 'yes' }))).status).toBe(400);
    expect(await events()).toEqual(before);
  });

  it('takes an international address as the send does, and refuses with a 400 what the send refuses', async () => {
    const { smtp, serve, events } = await setup(backend);
    const { origin } = await serve();
    expect((await signUp(origin, 'Zoë@Bücher.Example', '192.0.2.1')).status).toBe(200);
    const [mail] = await mails(smtp, 1);
    expect(mail!.to).toEqual(['zoë@bücher.example']);
    // A non-ASCII mailbox name goes out with SMTPUTF8, as a send's message to it does.
    expect(smtp.mailFroms.map((m) => m.smtpUtf8)).toEqual([true]);
    const refused = ['"zoe m"@example.org', 'zoe@[192.0.2.1]', 'zoe@bücher..example', 'zo\u202ee@example.org', ''];
    for (const [i, email] of refused.entries()) {
      const r = await signUp(origin, email, `192.0.2.${10 + i}`);
      expect({ email, status: r.status }).toEqual({ email, status: 400 });
      expect(await r.text()).toContain('This is not an address we can send to');
    }
    expect(await mails(smtp, 2)).toHaveLength(1);
    expect((await events()).map((e) => e.type)).toEqual(['signup-requested']);
  });

  it('limits the sign-ups of one client, and refuses a malformed address with its own page', async () => {
    const { smtp, serve } = await setup(backend);
    const { origin } = await serve();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await signUp(origin, `p${i}@example.org`, '198.51.100.50')).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const bad = await signUp(origin, 'not an address', '198.51.100.51');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('This is not an address we can send to');
    expect(await mails(smtp, 20)).toHaveLength(20);
  });

  it('reads a sign-up form as every form of serve: multipart too, 413 over 16 KB with nothing mailed or recorded', async () => {
    const { smtp, serve, events } = await setup(backend);
    const { origin } = await serve();
    const big = form({ email: 'big@example.org', name: 'x'.repeat(20_000), language: 'fr', website: '' });
    const tooLarge = await post(`${origin}/coop/enews/subscribe`, big, '198.51.100.60');
    expect(tooLarge.status).toBe(413);
    // The same without a length (chunked): read only up to the limit.
    const chunked = await fetch(`${origin}/coop/enews/subscribe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': '198.51.100.61' },
      body: new Blob([big]).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const multipart = new FormData();
    for (const [k, v] of Object.entries({ email: 'multi@example.org', name: 'Zoë', language: 'fr', website: '' }))
      multipart.set(k, v);
    const r = await fetch(`${origin}/coop/enews/subscribe`, {
      method: 'POST',
      headers: { 'X-Forwarded-For': '198.51.100.62' },
      body: multipart,
    });
    expect(r.status).toBe(200);
    expect((await mails(smtp, 1)).map((m) => m.to[0])).toEqual(['multi@example.org']);
    expect((await events()).map((e) => e.type)).toEqual(['signup-requested']);
  });
});

describe.each(BACKENDS)('the preferences page, list state in %s', (backend) => {
  it('records each change as one event, and never brings back a bounced address', async () => {
    const { serve, events } = await setup(backend);
    const { origin, state } = await serve();
    const url = (email: string) => `${origin}/coop/enews/preferences?t=${sealToken(SECRET, LIST, email, 3)}&l=fr`;
    const zoe = url('zoe@example.org');
    const page = await fetch(zoe);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<strong>z***e@example.org</strong> reçoit ILO COOP eNewsUpdate.');
    expect(await events()).toEqual([]);
    expect((await post(zoe, form({ action: 'save', name: 'Zoë Martin', language: 'es' }))).status).toBe(200);
    expect((await post(zoe, form({ action: 'save', name: 'Zoë Martin', language: 'es' }))).status).toBe(200);
    expect((await post(zoe, form({ action: 'unsubscribe' }))).status).toBe(200);
    expect((await post(zoe, form({ action: 'unsubscribe' }))).status).toBe(200);
    const back = await post(zoe, form({ action: 'resubscribe' }));
    expect(await back.text()).toContain('recevra de nouveau');
    expect((await post(zoe, form({ action: 'unsubscribe' }))).status).toBe(200);
    expect((await events()).map((e) => [e.type, e.round ?? 0, e.issue])).toEqual([
      ['preferences', 0, 3],
      ['unsubscribed', 0, 3],
      ['resubscribed', 1, 3],
      ['unsubscribed', 1, 3],
    ]);
    const prefs = (await events())[0]!;
    expect(prefs).toMatchObject({ name: 'Zoë Martin', language: 'es' });
    // A bounce stays: the page says so, and no form brings the address back.
    await state.events.record([
      { at: 'x', list: LIST, type: 'bounced', email: 'dead@example.org', source: 'dsn', issue: 2 },
      { at: 'x', list: LIST, type: 'unsubscribed', email: 'dead@example.org', source: 'page' },
    ]);
    const dead = url('dead@example.org');
    expect(await (await fetch(dead)).text()).toContain('le courrier est revenu');
    await post(dead, form({ action: 'resubscribe' }));
    expect((await events()).filter((e) => e.email === 'dead@example.org').map((e) => e.type)).toEqual([
      'bounced',
      'unsubscribed',
    ]);
    expect((await fetch(url('zoe@example.org').replace('t=', 't=x'))).status).toBe(400);
  });
});
