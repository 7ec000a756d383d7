/**
 * Two project folders, standing in for two machines (the web host running `enews serve`, a laptop or CI
 * sending), sharing one list state in PostgreSQL. What one records, the other honours; a send begun on one is
 * finished on the other; and when the database cannot be reached, nothing is sent, nothing is marked, and
 * nothing says "done".
 */
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { emptyDir, read } from './helpers/project.js';
import { startPostgres } from './helpers/postgres.js';
import { builtProject, SECRET, smtpServer } from './helpers/send-setup.js';
import { csv, people } from './helpers/subscribers.js';
import { writeMbox } from './helpers/inbox-scenario.js';

const cluster = startPostgres();
afterAll(async () => (await cluster).stop());

/** A second folder with the same content as `dir` (its own dist/ and journal/ stay its own). */
function twin(dir: string): string {
  const other = emptyDir();
  for (const part of ['issues', 'images', 'templates', 'subscribers.csv'])
    cpSync(path.join(dir, part), path.join(other, part), { recursive: true });
  return other;
}

function serveIn(dir: string, env: Record<string, string>): Promise<{ base: string; stop: () => void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd: dir, env: cleanEnv(env) });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) resolve({ base: m[1]!, stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`enews serve exited with ${code}`)));
  });
}

describe('two machines sharing one database', () => {
  it('serve on one, send on the other: unsubscribes honoured, a killed send resumed elsewhere, returns attributed, one report', async () => {
    const pg = await cluster;
    const STATE_URL = await pg.database();
    const list = people(60);
    const b = await builtProject(csv(list));
    const a = twin(b);
    expect((await enews(['build', '3'], a)).code).toBe(0);
    const server = await smtpServer({ delayMs: 5 });
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, STATE_URL };

    // A (the web host) records a one-click unsubscribe of subscriber 1, from a link of an earlier issue.
    const web = await serveIn(a, env);
    try {
      const { sealToken } = await import('../src/personalize/token.js');
      const post = await fetch(
        `${web.base}/coop/enews/unsubscribe?t=${sealToken(SECRET, 'enews.coop.example.org', list[0]!.email.toLowerCase(), 2)}`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        },
      );
      expect(post.status).toBe(200);
    } finally {
      web.stop();
    }

    // B (a laptop) sends issue 3 and is killed half-way.
    const sending = spawn(process.execPath, [BIN, 'send', '3', '--subscribers', 'subscribers.csv', '--yes'], {
      cwd: b,
      env: cleanEnv(env),
    });
    let stderr = '';
    sending.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    while (server.received.length < 20) await new Promise((r) => setTimeout(r, 5));
    sending.kill('SIGKILL');
    await new Promise((r) => sending.on('close', r));
    expect(stderr).toMatch(/59 subscribers/);
    expect(stderr).toContain('1 unsubscribed');

    // A resumes it: nobody missed, the unsubscribed one not mailed, at most the messages in flight twice.
    const resumed = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json'], { cwd: a, env });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout).skipped).toMatchObject({ unsubscribed: 1 });
    expect(server.countFor(list[0]!.email)).toBe(0);
    for (const p of list.slice(1)) expect(server.countFor(p.email), p.email).toBeGreaterThanOrEqual(1);
    expect(server.received.length - 59).toBeLessThanOrEqual(4);

    // A bounce of B's send, read by enews inbox in A: attributed to its subscriber and issue by the VERP address.
    const m = server.received.find((r) => r.to.includes(list[5]!.email.toLowerCase()))!;
    const parsed = await simpleParser(m.raw);
    const dsn = Buffer.from(
      `Return-Path: <>\nDelivered-To: ${m.from}\nFrom: MAILER-DAEMON@mx.example.net\nTo: ${m.from}\n` +
        `Subject: Undelivered Mail Returned to Sender\nMessage-Id: <dsn1@mx.example.net>\nMIME-Version: 1.0\n` +
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n\n' +
        '--b\nContent-Type: text/plain\n\nfailed\n\n--b\nContent-Type: message/delivery-status\n\n' +
        `Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; ${list[5]!.email}\nAction: failed\n` +
        `Status: 5.1.1\n\n--b--\n`,
    );
    expect(parsed.messageId).toBeTruthy();
    const mbox = path.join(a, 'bounces.mbox');
    writeMbox(mbox, [dsn]);
    const inbox = await runCli(['inbox', '--mbox', mbox, '--json'], { cwd: a, env });
    expect(inbox.code, inbox.stderr).toBe(0);
    expect(JSON.parse(inbox.stdout).matched).toEqual([
      { message: 'message 1', type: 'bounced', email: list[5]!.email.toLowerCase(), issue: 3, via: 'verp' },
    ]);

    // The same report from either folder.
    const [ra, rb] = await Promise.all([
      runCli(['report', '3', '--json'], { cwd: a, env }),
      runCli(['report', '3', '--json'], { cwd: b, env }),
    ]);
    const ja = JSON.parse(ra.stdout);
    const jb = JSON.parse(rb.stdout);
    expect(ja).toMatchObject({ sent: 59, failed: 0, notSentYet: 0, events: { attributed: { bounced: 1 } } });
    for (const key of ['sent', 'failed', 'notSentYet', 'possibleDuplicates', 'events', 'alerts'])
      expect(jb[key], key).toEqual(ja[key]);
  });

  it('a database that cannot be reached: no send, no "done", nothing marked, and no password shown', async () => {
    const pg = await cluster;
    const good = await pg.database();
    const dir = await builtProject(csv(people(3)));
    const server = await smtpServer();
    // A port where nothing listens, with a password that must never be printed.
    const bad = `postgres://enews:S3cret-pw@127.0.0.1:1/${good.split('/').pop()}`;
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, STATE_URL: bad };
    const send = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], { cwd: dir, env });
    expect(send.code).toBe(4);
    expect(send.stderr).toContain('The list state in postgres://enews@127.0.0.1:1/');
    expect(send.stderr).toContain('cannot be used: the connection was refused');
    expect(server.mailFroms).toEqual([]);
    const mbox = path.join(dir, 'x.mbox');
    writeMbox(mbox, [Buffer.from('From: a@b.org\nSubject: hi\n\nhello\n')]);
    const inbox = await runCli(['inbox', '--mbox', mbox], { cwd: dir, env });
    expect(inbox.code).toBe(4);
    for (const out of [send.stdout, send.stderr, inbox.stdout, inbox.stderr]) expect(out).not.toContain('S3cret-pw');
    // enews serve starts (the web host must answer), says 503 and why, and records nothing.
    const web = await serveIn(dir, env);
    try {
      const health = await fetch(`${web.base}/healthz`);
      expect(health.status).toBe(503);
      const { sealToken } = await import('../src/personalize/token.js');
      const post = await fetch(
        `${web.base}/coop/enews/unsubscribe?t=${sealToken(SECRET, 'enews.coop.example.org', 'a@b.org', 3)}`,
        {
          method: 'POST',
          body: 'List-Unsubscribe=One-Click',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
      );
      expect(post.status).toBe(503);
    } finally {
      web.stop();
    }
    expect(read(dir, 'issues/newsletter.yaml')).toContain('list_id');
  });

  it('enews state import moves a project that used files: the same numbers after, and a second import copies nothing', async () => {
    const pg = await cluster;
    const STATE_URL = await pg.database();
    const dir = await builtProject(csv(people(12)));
    const server = await smtpServer({
      rcpt: (a) => (a === 'reader00004@example.org' ? { code: 550, message: '5.1.1 User unknown' } : undefined),
    });
    const files = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
    expect(
      (await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], { cwd: dir, env: files })).code,
    ).toBe(3);
    const before = JSON.parse((await runCli(['report', '3', '--json'], { cwd: dir, env: files })).stdout);
    const exportedBefore = (await runCli(['events', '--jsonl'], { cwd: dir, env: files })).stdout;

    const db = { ...files, STATE_URL };
    const first = await runCli(['state', 'import'], { cwd: dir, env: db });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('events          1 copied, 0 already there');
    expect(first.stdout).toMatch(/journal 003 +14 records copied, 0 already there/);
    const again = await runCli(['state', 'import'], { cwd: dir, env: db });
    expect(again.stdout).toContain('events          0 copied, 1 already there');
    expect(again.stdout).toMatch(/journal 003 +0 records copied, 14 already there/);

    const after = JSON.parse((await runCli(['report', '3', '--json'], { cwd: dir, env: db })).stdout);
    for (const key of ['sent', 'failed', 'notSentYet', 'failedByCode', 'events']) {
      expect(after[key], key).toEqual(key === 'events' ? { ...before[key], file: after.events.file } : before[key]);
    }
    expect((await runCli(['events', '--jsonl'], { cwd: dir, env: db })).stdout).toBe(exportedBefore);
    // The send goes on from the database: nobody is mailed again, the refused one is not retried.
    const resend = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json'], {
      cwd: dir,
      env: db,
    });
    expect(JSON.parse(resend.stdout)).toMatchObject({
      toSend: 0,
      skipped: { 'already-sent': 11, 'already-failed': 1 },
    });
    expect(server.received).toHaveLength(11);
  });
});
