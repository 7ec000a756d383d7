/**
 * enews inbox reading an IMAP folder on a real Dovecot (tests/helpers/dovecot.ts),
 * holding the mailbox of tests/helpers/inbox-scenario.ts as the server delivered it.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { startDovecot, type Dovecot } from './helpers/dovecot.js';
import {
  EXPECTED_EVENTS,
  MAILBOX,
  SECRET,
  essentials,
  eventsIn,
  expectFullResult,
  inbox,
  prepareScenario,
  runDir,
  sorted,
  world,
} from './helpers/inbox-scenario.js';

beforeAll(prepareScenario, 120_000);

describe('enews inbox reads an IMAP folder (Dovecot)', () => {
  let dovecot: Dovecot;
  beforeAll(async () => {
    dovecot = await startDovecot();
  }, 60_000);
  afterAll(async () => {
    await dovecot?.stop();
  });

  async function imapClient(): Promise<ImapFlow> {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await c.connect();
    return c;
  }

  /** A new folder holding the mailbox, as the mail server delivered it (CRLF). */
  async function folderWithMailbox(name: string): Promise<string> {
    const c = await imapClient();
    try {
      await c.mailboxCreate(name);
      for (const m of world.mailbox) {
        await c.append(name, Buffer.from(m.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1'));
      }
    } finally {
      await c.logout();
    }
    return dovecot.url().replace(/\/INBOX$/, `/${name}`);
  }

  async function flags(folder: string): Promise<Array<{ uid: number; flags: string[] }>> {
    const c = await imapClient();
    try {
      await c.mailboxOpen(folder);
      const out: Array<{ uid: number; flags: string[] }> = [];
      for await (const m of c.fetch('1:*', { uid: true, flags: true })) {
        out.push({ uid: m.uid, flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() });
      }
      return out;
    } finally {
      await c.logout();
    }
  }

  it('dry run marks nothing; the run records and flags what it processed; again, nothing new', async () => {
    const url = await folderWithMailbox('Bounces');
    const events = path.join(runDir('imap'), 'events.jsonl');
    const dry = await inbox(['--imap', url, '--events', events, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    expectFullResult(dry.json);
    expect(existsSync(events)).toBe(false);
    expect((await flags('Bounces')).every((m) => m.flags.length === 0)).toBe(true);

    const r = await inbox(['--events', events, '--json'], { UNSUBSCRIBE_SECRET: SECRET, IMAP_URL: url });
    expect(r.code, r.stderr).toBe(0);
    expectFullResult(r.json);
    expect(r.json.source).toBe(`imap://${dovecot.user}@127.0.0.1:${dovecot.port}/Bounces`);
    expect(sorted(essentials(eventsIn(events)))).toEqual(sorted(EXPECTED_EVENTS));
    // Every message read is marked (the keyword and \Seen) and remembered; the run listed those a person must see.
    for (const m of await flags('Bounces')) expect(m.flags, `UID ${m.uid}`).toEqual(['$EnewsProcessed', '\\Seen']);

    const again = await inbox(['--imap', url, '--events', events, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ messages: MAILBOX.length, alreadyProcessed: MAILBOX.length, events: [] });
    expect(eventsIn(events)).toHaveLength(EXPECTED_EVENTS.length);

    // One memory, however the mailbox is read: Dovecot's own Maildir of that folder, read as files (LF where IMAP
    // served CRLF), holds nothing new.
    const maildir = path.join(dovecot.mailDir, '.Bounces');
    const files = await inbox(['--maildir', maildir, '--events', events, '--dry-run', '--json']);
    expect(files.code, files.stderr).toBe(0);
    expect(files.json).toMatchObject({ messages: MAILBOX.length, alreadyProcessed: MAILBOX.length, events: [] });
  });

  it('the memory decides, not the keyword: a marked message it lost is read again, nothing recorded twice', async () => {
    const url = await folderWithMailbox('Forgotten');
    const run = runDir('forgotten');
    const events = path.join(run, 'events.jsonl');
    const first = await inbox(['--imap', url, '--events', events, '--json']);
    expect(first.code, first.stderr).toBe(0);
    rmSync(path.join(run, 'inbox-seen.jsonl'));
    const again = await inbox(['--imap', url, '--events', events, '--json']);
    expect(again.json).toMatchObject({ messages: MAILBOX.length, alreadyProcessed: 0, events: [] });
    expect(again.json.alreadyRecorded).toBe(EXPECTED_EVENTS.length - 1);
    expect(eventsIn(events)).toHaveLength(EXPECTED_EVENTS.length);
  });

  it('a refused login stops with exit 4 and never shows the password', async () => {
    const wrong = 'Wr0ng:pa@ss/word';
    const url = dovecot.url(wrong);
    for (const how of [
      { args: ['--imap', url], env: {} },
      { args: [], env: { IMAP_URL: url } },
    ]) {
      const r = await runCli(['inbox', ...how.args], { cwd: world.dir, env: how.env });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(`error: The IMAP server 127.0.0.1:${dovecot.port} refused the login of bounces.`);
      expect(r.stderr).toContain(how.args.length ? 'Check the user name and password in --imap' : 'in IMAP_URL');
      for (const secret of [wrong, encodeURIComponent(wrong), 'Wr0ng']) {
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
    }
  });

  it('a server that does not answer stops with exit 4 and says which one', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const r = await inbox(['--imap', `imaps://bounces:secret-pw@127.0.0.1:${closed}/INBOX`]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`error: Cannot connect to the IMAP server 127.0.0.1:${closed}: ECONNREFUSED.`);
    expect(r.stderr).not.toContain('secret-pw');
  });

  it('a damaged events file stops the run (exit 4) before anything is recorded or flagged', async () => {
    const url = await folderWithMailbox('Damaged');
    const events = path.join(runDir('damaged'), 'events.jsonl');
    const good = JSON.stringify({ at: 'x', type: 'bounced', email: 'a@example.org', source: 'import' });
    writeFileSync(events, `${good}\nnot json at all\n${good}\n`);
    const before = readFileSync(events, 'utf8');
    const r = await inbox(['--imap', url, '--events', events]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${path.join('runs', 'damaged', 'events.jsonl')} is damaged at line 2`);
    expect(r.stderr).toContain('Nothing was read or recorded.');
    expect(readFileSync(events, 'utf8')).toBe(before);
    expect(existsSync(path.join(path.dirname(events), 'inbox-seen.jsonl'))).toBe(false);
    expect((await flags('Damaged')).every((m) => m.flags.length === 0)).toBe(true);
  });
});
