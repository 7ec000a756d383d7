/**
 * The loop after the send: what comes back keeps the list honest for the
 * next issue. A subscriber unsubscribes with one click on a running
 * `enews serve`; a bounce and a complaint for two others arrive in a real
 * IMAP mailbox (Dovecot) and `enews inbox` records them; the next send
 * (another issue, same list) mails none of the three and says why in its
 * counts; status and the preview's picker agree.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readOptOuts } from '../src/events/roster.js';
import { EventsFile } from '../src/events/events-file.js';
import { readPickerRows } from '../src/preview/recipients.js';
import { BIN, cleanEnv, runCli } from './helpers/cli.js';
import { startDovecot } from './helpers/dovecot.js';
import { enews } from './helpers/inproc.js';
import { copyProject, REPO, write } from './helpers/project.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import { csv, people } from './helpers/subscribers.js';
import { requireTool } from './helpers/tools.js';

const SECRET = 'IuwKVMJ0V88hALvUupREFjZuh9goWq+9JfpUkl8hEpM=';
let servers: TestSmtp[] = [];
let children: ChildProcess[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of children) c.kill('SIGTERM');
  children = [];
  for (const stop of stops.splice(0)) await stop();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** `enews serve` as staff run it: a subprocess, on a free port; resolves with its printed address. */
function runServe(dir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], {
      cwd: dir,
      env: cleanEnv({ UNSUBSCRIBE_SECRET: SECRET }),
    });
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`enews serve exited with ${code}`)));
  });
}

// The returned mail goes through a real IMAP server: say at once when there is none.
beforeAll(() => {
  requireTool('dovecot');
});

describe('after the send', () => {
  it('a one-click unsubscribe, a bounce and a complaint (read by enews inbox over IMAP) are honoured by the next send', async () => {
    const dir = copyProject();
    const list = people(6);
    write(dir, 'subscribers.csv', csv(list));
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const smtp = await startSmtp();
    servers.push(smtp);
    const env = { SMTP_URL: smtp.url(), UNSUBSCRIBE_SECRET: SECRET };
    const first = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json'], dir, env);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 6 });

    // Subscriber 1 presses one-click unsubscribe in their mail program: the RFC 8058 POST to the header's link.
    const received = await simpleParser(smtp.received.find((m) => m.to.includes(list[0]!.email))!.raw);
    const header = received.headerLines.find((h) => h.key === 'list-unsubscribe')?.line ?? '';
    const httpsLink = /<(https:[^>]+)>/.exec(header)?.[1];
    expect(httpsLink).toMatch(/\/coop\/enews\/unsubscribe\?t=[\w-]+$/);
    const base = await runServe(dir);
    const local = new URL(httpsLink!);
    const post = await fetch(`${base}${local.pathname}${local.search}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(post.status).toBe(200);

    // Returned mail for subscribers 2 and 3 arrives in a real IMAP mailbox: a Postfix bounce (RFC 3464)
    // and a Yahoo complaint (RFC 5965), each quoting the message it answers; enews inbox reads them.
    const dovecot = await startDovecot();
    stops.push(() => dovecot.stop());
    const returned = (fixture: string, who: { email: string }) => {
      const m = smtp.received.find((r) => r.to.includes(who.email))!;
      const original = m.raw.toString('utf8');
      const subject = /^Subject: (.*)$/m.exec(original)?.[1] ?? '';
      const text = readFileSync(path.join(REPO, 'tests/fixtures/inbox', fixture), 'utf8')
        .replaceAll('{{EMAIL}}', who.email)
        .replaceAll('{{VERP_ADDRESS}}', m.from)
        .replaceAll('{{SUBJECT}}', subject)
        .replaceAll('{{ORIGINAL_MESSAGE}}', original.replace(/\r\n/g, '\n'));
      return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
    };
    const imap = new ImapFlow({
      host: '127.0.0.1',
      port: dovecot.port,
      secure: false,
      auth: { user: dovecot.user, pass: dovecot.password },
      logger: false,
    });
    await imap.connect();
    await imap.append('INBOX', returned('dsn-postfix-failed.eml', list[1]!));
    await imap.append('INBOX', returned('arf-yahoo.eml', list[2]!));
    await imap.logout();
    const inbox = await runCli(['inbox', '--json'], {
      cwd: dir,
      env: { IMAP_URL: dovecot.url(), UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(inbox.code, inbox.stderr).toBe(0);
    const recorded = readFileSync(path.join(dir, 'journal/events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .map((e) => [e.type, e.email, e.issue, e.source]);
    expect(recorded).toEqual([
      ['unsubscribed', list[0]!.email, 3, 'one-click'],
      ['bounced', list[1]!.email, 3, 'dsn'],
      ['complained', list[2]!.email, 3, 'arf'],
    ]);

    // The next issue to the same list: none of the three is mailed, and the counts say why.
    expect((await enews(['build', '2'], dir)).code).toBe(0);
    const next = await enews(['send', '2', '--subscribers', 'subscribers.csv', '--yes', '--json'], dir, env);
    expect(next.code).toBe(0);
    const s = JSON.parse(next.stdout);
    expect(s).toMatchObject({ rows: 6, sent: 3, skipped: { unsubscribed: 1, bounced: 1, complained: 1 } });
    for (const p of list.slice(0, 3)) expect(smtp.countFor(p.email), p.email).toBe(1);
    for (const p of list.slice(3)) expect(smtp.countFor(p.email), p.email).toBe(2);
    const human = await enews(['send', '2', '--subscribers', 'subscribers.csv', '--yes', '--dry-run', 'out'], dir, env);
    expect(human.stderr).toMatch(/skipped +6 {3}1 unsubscribed, 1 bounced, 1 complained, 3 already sent/);

    // The preview's picker marks them too.
    const picker = await readPickerRows(
      path.join(dir, 'subscribers.csv'),
      'subscribers.csv',
      await readOptOuts(new EventsFile(path.join(dir, 'journal/events.jsonl'), 'enews.coop.example.org')),
    );
    expect(picker.entries.slice(0, 4).map((e) => e.label.replace(/^.*\(/, '('))).toEqual([
      '(unsubscribed: not sent)',
      '(bounced: not sent)',
      '(complained: not sent)',
      expect.not.stringContaining('not sent'),
    ]);

    // Status applies the same events: nobody is "not sent yet", and the three are skipped for their reasons.
    const status = await enews(['status', '2', '--json'], dir);
    expect(JSON.parse(status.stdout).list).toMatchObject({
      rows: 6,
      remaining: 0,
      skipped: { unsubscribed: 1, bounced: 1, complained: 1, 'already-sent': 3 },
    });
  });

  it('a damaged events file stops the send with its line number, nothing sent', async () => {
    const dir = copyProject();
    write(dir, 'subscribers.csv', csv(people(2)));
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    mkdirSync(path.join(dir, 'journal'));
    write(dir, 'journal/events.jsonl', 'garbage\n{"at":"x","type":"bounced","email":"a@b.org","source":"dsn"}\n');
    const smtp = await startSmtp();
    servers.push(smtp);
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      SMTP_URL: smtp.url(),
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('journal/events.jsonl is damaged at line 1');
    expect(smtp.rcptAttempts).toEqual([]);
  });
});
