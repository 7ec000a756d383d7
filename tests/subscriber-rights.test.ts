/**
 * An access and an erasure request, on the file state and on PostgreSQL alike: `enews subscriber show` gives
 * everything held about an address; `enews subscriber forget` leaves no file or table of the list state holding it
 * in clear (this test reads them all), and the next send does not mail it, whatever the subscriber file says.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openListState } from '../src/state/open.js';
import { BACKENDS, type Backend, stateEnv } from './helpers/backends.js';
import { enews } from './helpers/inproc.js';
import { builtProject, FAST, SECRET, smtpServer } from './helpers/send-setup.js';

const LIST = 'enews.coop.example.org';
const ZOE = 'Zoe.Martin@example.org';
const LIST_CSV = `email,name,language\n${ZOE},Zoë Martin,fr\nkarim@example.org,Karim,en\nana@example.org,Ana,es\n`;

/** Every file under `dir`, with its text. */
function filesUnder(dir: string): Array<[string, string]> {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [[p, readFileSync(p, 'latin1')] as [string, string]];
  });
}

/** Every row of every table of the database, as text. */
async function tablesOf(url: string): Promise<Array<[string, string]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const tables = await c.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    const out: Array<[string, string]> = [];
    for (const { name } of tables.rows) {
      const rows = await c.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`);
      out.push([name, rows.rows.map((r) => r.t).join('\n')]);
    }
    return out;
  } finally {
    await c.end();
  }
}

async function setup(backend: Backend) {
  const dir = await builtProject(LIST_CSV);
  expect((await enews(['build', '2'], dir)).code).toBe(0);
  const server = await smtpServer();
  const env: Record<string, string> = {
    ...(await stateEnv(backend)),
    SMTP_URL: server.url(),
    UNSUBSCRIBE_SECRET: SECRET,
  };
  const run = (args: string[]) => enews(args, dir, env);
  return { dir, server, env, run };
}

describe.each(BACKENDS)('the rights of the data subject, list state in %s', (backend) => {
  it('shows everything held about an address, then forgets it: in no file or table, and never mailed again', async () => {
    const { dir, server, env, run } = await setup(backend);
    const send = (n: string) => run(['send', n, '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST]);
    expect((await send('3')).code).toBe(0);
    expect(server.countFor(ZOE)).toBe(1);
    // What a subscriber does on enews serve leaves events naming her: a sign-up, a change, a return quoting her.
    const state = await openListState({ root: dir, env, listId: LIST });
    const consent = {
      confirmed: '2026-12-07T10:00:00.000Z',
      wording: { version: '1', hash: 'a'.repeat(64) },
      language: 'fr',
      source: 'form' as const,
      ip: 'h:someiphash',
    };
    const key = ZOE.toLowerCase();
    await state.events.record([
      {
        at: '2026-12-07T10:00:00.000Z',
        list: LIST,
        type: 'subscribed',
        email: key,
        source: 'form',
        name: 'Zoë M.',
        consent,
      },
      {
        at: '2026-12-08T10:00:00.000Z',
        list: LIST,
        type: 'preferences',
        email: key,
        source: 'preferences',
        name: 'Zoë Martin',
        language: 'fr',
      },
      {
        at: '2026-12-09T10:00:00.000Z',
        list: LIST,
        type: 'soft-bounced',
        email: key,
        source: 'dsn',
        issue: 3,
        detail: `452 <${ZOE}>: mailbox full`,
      },
    ]);
    await state.close();

    const shown = await run(['subscriber', 'show', ZOE]);
    expect(shown.code).toBe(0);
    const record = JSON.parse(shown.stdout);
    expect(record.key).toBe(key);
    expect(record.erased).toBe(false);
    expect(record.subscriberFiles).toEqual([
      expect.objectContaining({ line: 2, email: ZOE, name: 'Zoë Martin', language: 'fr', status: 'subscribed' }),
    ]);
    expect(record.events.map((e: { type: string }) => e.type)).toEqual(['subscribed', 'preferences', 'soft-bounced']);
    expect(record.consent).toEqual([expect.objectContaining({ event: 'subscribed', source: 'form', language: 'fr' })]);
    expect(record.deliveries).toEqual([expect.objectContaining({ issue: 3, type: 'sent' })]);
    expect(record.standing).toMatchObject({ optedOut: null, signedUp: true, name: 'Zoë Martin', language: 'fr' });

    const stateText = async () =>
      backend === 'files' ? filesUnder(path.join(dir, 'journal')) : await tablesOf(env.STATE_URL!);
    // The search below finds her before the erasure (in the journal, the events).
    expect((await stateText()).filter(([, text]) => /zoe\.martin@example\.org/i.test(text)).length).toBeGreaterThan(0);
    const forgot = await run(['subscriber', 'forget', ZOE, '--yes']);
    expect(forgot.code).toBe(0);
    expect(forgot.stdout).toContain('events          3 events rewritten');
    expect(forgot.stdout).toContain('subscribers.csv:2: its row in your subscriber file');
    // What enews cannot erase is said, on PostgreSQL also the old row versions a vacuum removes.
    expect(forgot.stdout.includes('until PostgreSQL vacuums them')).toBe(backend === 'postgres');

    // Nothing of the list state holds her address (any spelling) or her name any more.
    const held = backend === 'files' ? filesUnder(path.join(dir, 'journal')) : await tablesOf(env.STATE_URL!);
    expect(held.length).toBeGreaterThan(0);
    for (const [where, text] of held) {
      expect({ where, holds: /zoe\.martin@example\.org/i.test(text) }).toEqual({ where, holds: false });
      expect({ where, holds: /Zo[eë] M/.test(Buffer.from(text, 'latin1').toString('utf8')) }).toEqual({
        where,
        holds: false,
      });
    }

    // The next issue reaches the others, not her, though the subscriber file still names her.
    const next = await send('2');
    expect(next.code).toBe(0);
    expect(JSON.parse(next.stdout)).toMatchObject({ sent: 2, skipped: { suppressed: 1 } });
    expect(server.countFor(ZOE)).toBe(1);
    expect(server.countFor('karim@example.org')).toBe(2);
    const after = JSON.parse((await run(['subscriber', 'show', ZOE])).stdout);
    expect(after).toMatchObject({ erased: true, deliveries: [], consent: [] });
    // Her events stay, under the hash (the counts of reports still add up), without her name.
    expect(after.events.map((e: { type: string; email: string }) => [e.type, e.email.slice(0, 2)])).toEqual([
      ['subscribed', 'h:'],
      ['preferences', 'h:'],
      ['soft-bounced', 'h:'],
      ['forgotten', 'h:'],
    ]);
    // Forgetting again is harmless.
    expect((await run(['subscriber', 'forget', ZOE, '--yes'])).stdout).toContain('already (an earlier forget)');
  });

  it('suppresses at once but waits to erase while a send of the list is running', async () => {
    const { dir, env, run } = await setup(backend);
    const state = await openListState({ root: dir, env, listId: LIST });
    // A journal with a record of her, and a send holding it.
    const ref = state.journals.journalOf(3, null);
    const w = await state.journals.appender(ref, { tornBytes: 0, missingNewline: false });
    await w.append({ type: 'run', at: 'a', issue: 3, inputsHash: 'h', subscribers: 'subscribers.csv', shard: null });
    await w.append({
      type: 'sent',
      at: 'b',
      key: 'ana@example.org',
      email: 'ana@example.org',
      messageId: '<m>',
      response: '250',
    });
    await w.close();
    const lock = await state.journals.lock(ref);
    try {
      const r = await run(['subscriber', 'forget', 'ana@example.org', '--yes']);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('is running');
      expect(r.stderr).toContain('The address is suppressed already');
    } finally {
      lock.release();
    }
    const types: string[] = [];
    await state.events.each((e) => types.push(e.type));
    expect(types).toEqual(['forgotten']);
    await state.close();
    expect((await run(['subscriber', 'forget', 'ana@example.org', '--yes'])).code).toBe(0);
    expect(JSON.parse((await run(['subscriber', 'show', 'ana@example.org'])).stdout).deliveries).toEqual([]);
  });
});
