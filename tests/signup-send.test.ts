/**
 * Confirmed sign-ups in a send, on the file state and on PostgreSQL: a send takes the sign-ups confirmed before
 * its first run began and no later one, also when it is resumed, so it mails exactly its plan; `status` counts by
 * the same rule; a subscriber's own choice of language beats the subscriber file's; an unsubscribe is never undone
 * by importing the subscriber file again.
 */
import { describe, expect, it } from 'vitest';
import type { SubscriberEvent } from '../src/events/events.js';
import { openListState } from '../src/state/open.js';
import { BACKENDS, stateEnv } from './helpers/backends.js';
import { enews } from './helpers/inproc.js';
import { builtProject, FAST, SECRET, smtpServer } from './helpers/send-setup.js';

const LIST = 'enews.coop.example.org';
const joined = (email: string, language: string, at = '2026-12-07T10:00:00.000Z'): SubscriberEvent => ({
  at,
  list: LIST,
  type: 'subscribed',
  email,
  source: 'form',
  language,
  consent: { confirmed: at, wording: { version: '1', hash: 'a'.repeat(64) }, language, source: 'form' },
});

describe.each(BACKENDS)('sign-ups in a send, list state in %s', (backend) => {
  it('takes the sign-ups of before its first run, also when resumed; a later one waits for the next issue', async () => {
    const dir = await builtProject('email,name,language\nkarim@example.org,Karim,en\nana@example.org,Ana,es\n');
    let refuse = true;
    // Karim's mailbox is unavailable for a while: the first run ends with him deferred (exit 4).
    const server = await smtpServer({
      rcpt: (a) => (refuse && a === 'karim@example.org' ? { code: 450, message: '4.2.1 try later' } : undefined),
    });
    const env = { ...(await stateEnv(backend)), SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
    const state = await openListState({ root: dir, env, listId: LIST });
    // Ana chose French on the preferences page: it beats the file's "es".
    await state.events.record([
      joined('early@example.org', 'fr'),
      { at: 'x', list: LIST, type: 'preferences', email: 'ana@example.org', source: 'preferences', language: 'fr' },
    ]);
    const send = () =>
      enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST, '--retries', '1'], dir, env);
    const first = await send();
    expect(first.code).toBe(4);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 2, deferred: 1, signups: { rows: 1, toSend: 1 } });
    // Before it asks, the send says how many of its recipients signed up (not in the subscriber file).
    expect(first.stderr).toContain('\n  1 of them signed up and confirmed (enews serve), beside the subscriber file\n');
    await state.events.record([joined('late@example.org', 'en', '2026-12-08T10:00:00.000Z')]);
    const status = JSON.parse((await enews(['status', '3', '--json'], dir, env)).stdout);
    expect(status.list).toMatchObject({ rows: 3, remaining: 1, signups: { rows: 1, toSend: 0 } });
    const said = (await enews(['status', '3'], dir, env)).stdout;
    expect(said).toMatch(/^ {2}total rows {13}3 {3}2 in the file, 1 sign-up$/m);
    refuse = false;
    const resumed = await send();
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 1, rows: 3 });
    expect(server.countFor('early@example.org')).toBe(1);
    expect(server.countFor('karim@example.org')).toBe(1);
    expect(server.countFor('late@example.org')).toBe(0);
    const ana = server.received.find((m) => m.to.includes('ana@example.org'))!.raw.toString('latin1');
    expect(ana).toContain('Content-Language: fr');
    await state.close();
  });

  it('never mails again a row that unsubscribed, however often the subscriber file is imported', async () => {
    const dir = await builtProject('email,name\nzoe@example.org,Zoë\n');
    const server = await smtpServer();
    const env = { ...(await stateEnv(backend)), SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
    const state = await openListState({ root: dir, env, listId: LIST });
    await state.events.record([
      { at: 'x', list: LIST, type: 'unsubscribed', email: 'zoe@example.org', source: 'page' },
    ]);
    await state.close();
    for (let i = 0; i < 2; i++) {
      const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST], dir, env);
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 0, skipped: { unsubscribed: 1 } });
    }
    expect(server.received).toHaveLength(0);
  });
});
