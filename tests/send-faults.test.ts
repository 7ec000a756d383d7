/**
 * Faults injected by a real SMTP server: each test asserts what arrived,
 * what the journal recorded and what the summary and exit code say.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { read, write } from './helpers/project.js';
import { journalRecordsSoFar, SECRET, sendSetup, smtpServer } from './helpers/send-setup.js';
import { people } from './helpers/subscribers.js';
import { itNeedsRoot, mountTmpfs } from './helpers/tools.js';

describe('fault handling', () => {
  it(
    '550 for some recipients: recorded as failed, not ' + 'retried, exit 3; --retry-failed sends to them only',
    async () => {
      const bad = new Set(['reader00002@example.org', 'reader00005@example.org']);
      let reject = true;
      const { dir, server, send } = await sendSetup(6, {
        // A refusal that says nothing final about the address (a content filter): retried on request.
        rcpt: (a) => (reject && bad.has(a) ? { code: 550, message: '5.7.1 Message rejected as spam' } : undefined),
      });
      const r = await send();
      expect(r.code).toBe(3);
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ sent: 4, failed: 2, deferred: 0, notAttempted: 0, rows: 6 });
      expect(s.failures).toEqual(
        expect.arrayContaining([
          { email: 'reader00002@example.org', code: 550, response: '550 5.7.1 Message rejected as spam' },
        ]),
      );
      for (const a of bad) expect(server.rcptAttempts.filter((x) => x === a)).toHaveLength(1);
      const failed = journalRecordsSoFar(dir).filter((x) => x.type === 'failed');
      expect(failed.map((x) => x.email).sort()).toEqual([...bad].sort());
      expect(failed[0]).toMatchObject({ code: 550, response: '550 5.7.1 Message rejected as spam' });

      reject = false;
      const again = await send();
      expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, toSend: 0 });
      const retry = await send(['--retry-failed']);
      expect(retry.code).toBe(0);
      expect(JSON.parse(retry.stdout)).toMatchObject({ sent: 2, failed: 0 });
      for (const p of people(6)) expect(server.countFor(p.email)).toBe(1);
    },
  );

  it('451 a few times then accepted: retried with backoff and delivered once', async () => {
    const { dir, server, send } = await sendSetup(4, {
      rcpt: (a, n) =>
        a === 'reader00003@example.org' && n <= 3 ? { code: 451, message: '4.7.1 Try again later' } : undefined,
    });
    const r = await send();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 4, failed: 0, deferred: 0 });
    expect(server.rcptAttempts.filter((a) => a === 'reader00003@example.org')).toHaveLength(4);
    expect(server.countFor('reader00003@example.org')).toBe(1);
    expect(journalRecordsSoFar(dir).filter((x) => x.type === 'sent')).toHaveLength(4);
  });

  it('a throttling relay answering 454 is retried and never ends a recipient as failed', async () => {
    const { dir, send } = await sendSetup(3, {
      rcpt: () => ({ code: 454, message: '4.7.0 Relay access temporarily throttled' }),
    });
    const r = await send(['--retries', '2', '--max-failures', '0']);
    expect(r.code).toBe(4);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ sent: 0, failed: 0, deferred: 3 });
    expect(journalRecordsSoFar(dir).filter((x) => x.type === 'failed')).toEqual([]);
  });

  it('a connection dropped after DATA is retried and the message delivered once', async () => {
    const { server, send } = await sendSetup(5, { data: (_to, n) => (n === 2 ? 'drop' : undefined) });
    const r = await send();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 5, failed: 0 });
    expect(server.dataAttempts).toBe(6);
    for (const p of people(5)) expect(server.countFor(p.email)).toBe(1);
  });

  it('421 "slow down" lowers the rate and everyone is still delivered once', async () => {
    const { server, send } = await sendSetup(8, {
      data: (_to, n) => (n === 3 ? { code: 421, message: '4.7.0 Too many messages, slow down' } : undefined),
    });
    const r = await send(['--concurrency', '2']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.slowDowns).toBeGreaterThanOrEqual(1);
    expect(s).toMatchObject({ sent: 8, failed: 0, deferred: 0 });
    for (const p of people(8)) expect(server.countFor(p.email)).toBe(1);
  });

  it('refused login: exit 4, nothing sent, and the password appears nowhere', async () => {
    const { dir, server } = await sendSetup(3, { auth: { user: 'enews', pass: 'right-password' } });
    const password = 'Wr0ng-Pa55word-XYZ';
    const r = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--debug'], {
      cwd: dir,
      env: { SMTP_URL: server.url('enews', password), UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      `Nothing was sent: the SMTP server 127.0.0.1:${server.port} ` +
        `refused the login (535 Authentication credentials invalid)`,
    );
    expect(r.stderr).toContain('Check the user name and password in SMTP_URL.');
    expect(r.stdout + r.stderr).not.toContain(password);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(server.received).toEqual([]);
    expect(journalRecordsSoFar(dir)).toEqual([]);
  });

  it('a server that stops answering: timeout, exit 4, and the same command resumes without resending', async () => {
    const { dir, server, send } = await sendSetup(12, { stallAfter: 5 });
    const r = await send(['--concurrency', '1', '--max-failures', '3']);
    expect(r.code).toBe(4);
    const s = JSON.parse(r.stdout);
    expect(s.stop.reason).toBe('threshold');
    expect(s.sent).toBe(5);
    expect(s.sent + s.failed + s.deferred + s.notAttempted).toBe(12);
    expect(journalRecordsSoFar(dir).filter((x) => x.type === 'sent')).toHaveLength(5);
    expect(journalRecordsSoFar(dir).at(-1)).toMatchObject({ type: 'end', sent: 5, stopped: 'threshold' });

    const healthy = await smtpServer();
    const again = await send([], healthy.url());
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 7, skipped: { 'already-sent': 5 } });
    for (const p of people(12)) expect(server.countFor(p.email) + healthy.countFor(p.email)).toBe(1);
  });

  it('too many failures in a row stop the run instead of burning through the list', async () => {
    const { dir, server, send } = await sendSetup(50, { rcpt: () => ({ code: 550, message: '5.7.1 Rejected' }) });
    const r = await send(['--concurrency', '1', '--max-failures', '5']);
    expect(r.code).toBe(4);
    const s = JSON.parse(r.stdout);
    expect(s.stop.message).toContain('Stopped after 5 failures in a row (last: 550 5.7.1 Rejected)');
    expect(s).toMatchObject({ sent: 0, failed: 5, notAttempted: 45 });
    expect(server.rcptAttempts).toHaveLength(5);
    expect(journalRecordsSoFar(dir).filter((x) => x.type === 'failed')).toHaveLength(5);
  });
});

describe('journal integrity', () => {
  it(
    'a truncated last line (crash while writing) is cut off ' +
      'before appending; a damaged line in the middle is refused',
    async () => {
      const { dir, server, send } = await sendSetup(4);
      expect((await send()).code).toBe(0);
      const file = path.join(dir, 'journal/003.jsonl');
      const lines = read(dir, 'journal/003.jsonl').split('\n').filter(Boolean);
      // Cut the last "sent" record in half and drop what followed: as if killed mid-write.
      const lastSent = lines.map((l) => JSON.parse(l).type).lastIndexOf('sent');
      write(dir, 'journal/003.jsonl', lines.slice(0, lastSent).join('\n') + '\n' + lines[lastSent]!.slice(0, 30));
      const resumed = await send();
      expect(resumed.code).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ sent: 1, skipped: { 'already-sent': 3 } });
      expect(server.received).toHaveLength(5);
      // The fragment is gone: the record before it is followed directly by the next run's.
      expect(readFileSync(file, 'utf8')).toMatch(/\n\{"type":"sent","at":"[^\n]*\}\n\{"type":"run"/);
      expect(readFileSync(file, 'utf8')).not.toContain(lines[lastSent]!.slice(0, 30) + '\n');

      write(dir, 'journal/003.jsonl', '{"type":"run"\n' + readFileSync(file, 'utf8'));
      const damaged = await send();
      expect(damaged.code).toBe(1);
      expect(damaged.stderr).toContain('journal/003.jsonl is damaged at line 1');
      expect(server.received).toHaveLength(5);
    },
  );

  it(
    'a journal that cannot be written (file size limit ' + 'reached) stops the send with exit 4 and a clear message',
    async () => {
      const { dir, server } = await sendSetup(40);
      // RLIMIT_FSIZE with SIGXFSZ ignored: the kernel refuses writes past 4 KiB with EFBIG, a real write error.
      const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        {
          const child = spawn(
            'bash',
            [
              '-c',
              `trap '' XFSZ; ulimit -f 8; exec "${process.execPath}" "${path.resolve('bin/enews.js')}" ` +
                `send 3 --subscribers subscribers.csv --yes --concurrency 1`,
            ],
            { cwd: dir, env: { PATH: process.env.PATH, SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET } },
          );
          let stderr = '';
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => resolve({ code, stderr }));
        }
      });
      expect(out.code).toBe(4);
      expect(out.stderr).toContain('Cannot write the journal journal/003.jsonl: the file is too large for this system');
      expect(out.stderr).toContain('Sending stopped so that no outcome goes unrecorded.');
      const journalled = journalRecordsSoFar(dir).filter((x) => x.type === 'sent').length;
      // Everything the journal holds was delivered; at most the message whose record failed was sent unrecorded.
      expect(server.received.length).toBeGreaterThanOrEqual(journalled);
      expect(server.received.length).toBeLessThanOrEqual(journalled + 1);
      expect(server.received.length).toBeLessThan(40);
    },
  );
});

describe('a rate-limited relay', () => {
  it('is met by slowing down: everyone delivered once, the 421s stay few (no retry storm)', async () => {
    const accepted: number[] = [];
    let throttled = 0;
    const LIMIT = 50; // messages per second the relay allows
    const { server, send } = await sendSetup(150, {
      data: () => {
        const now = Date.now();
        while (accepted.length && now - accepted[0]! > 1000) accepted.shift();
        if (accepted.length >= LIMIT) {
          throttled++;
          return { code: 421, message: '4.7.0 Rate limit exceeded, slow down' };
        }
        accepted.push(now);
      },
    });
    const r = await send(['--concurrency', '4', '--retries', '8']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ sent: 150, failed: 0, deferred: 0 });
    expect(s.slowDowns).toBeGreaterThanOrEqual(1);
    for (const p of people(150)) expect(server.countFor(p.email)).toBe(1);
    console.log(`rate-limited relay: ${throttled} throttled replies, ${s.slowDowns} slow-downs`);
    // No retry storm: fewer "slow down" replies than messages. The exact slow-down behaviour (cuts,
    // recovery, throttled replies) is pinned on a simulated clock in src/delivery/engine.test.ts.
    expect(throttled).toBeLessThan(150);
  });
});

describe('a full disk', () => {
  itNeedsRoot('stops the send with exit 4 and "the disk is full", never a silent loss', async () => {
    // Room for the recipient spool (about 30 KB for 200 rows), not for the journal as well.
    const tiny = mountTmpfs('48k');
    try {
      const { server, dir } = await sendSetup(200);
      const journalFile = path.join(tiny, '003.jsonl');
      const r = await runCli(
        ['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', '1', '--journal', journalFile],
        {
          cwd: dir,
          env: { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET },
        },
      );
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(
        `Cannot write the journal ${journalFile}: the disk is full. ` +
          `Sending stopped so that no outcome goes unrecorded.`,
      );
      const journalled = readFileSync(journalFile, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"type":"sent"') && l.endsWith('}')).length;
      expect(journalled).toBeGreaterThan(0);
      expect(server.received.length).toBeLessThanOrEqual(journalled + 1);
      expect(server.received.length).toBeLessThan(200);
    } finally {
      execFileSync('umount', [tiny]);
    }
  });

  itNeedsRoot('a recipient spool that cannot be written is a clean exit 4 before anything is sent', async () => {
    const tiny = mountTmpfs('16k');
    try {
      const { server, dir } = await sendSetup(200);
      const journalFile = path.join(tiny, '003.jsonl');
      const r = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--journal', journalFile], {
        cwd: dir,
        env: { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET },
      });
      expect(r.code).toBe(4);
      expect(r.stderr).toContain(
        `Cannot write the list of recipients to ${journalFile}.spool: the disk is full. Nothing was sent.`,
      );
      expect(r.stderr).not.toContain('unexpected failure');
      expect(server.rcptAttempts).toEqual([]);
      expect(readdirSync(tiny)).toEqual([]);
    } finally {
      execFileSync('umount', [tiny]);
    }
  });
});

describe('TLS', () => {
  const tls = {
    key: readFileSync(path.join(import.meta.dirname, 'fixtures/tls/self-signed.key')),
    cert: readFileSync(path.join(import.meta.dirname, 'fixtures/tls/self-signed.crt')),
  };

  it(
    'verifies the server certificate: a self-signed one ' + 'stops the send before the first message (exit 4)',
    async () => {
      const { dir, server, send } = await sendSetup(2, { tls });
      const r = await send();
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(
        /Nothing was sent: cannot reach the SMTP server 127\.0\.0\.1:\d+ \(.*self-signed certificate.*\)/,
      );
      expect(server.rcptAttempts).toEqual([]);
      expect(existsSync(path.join(dir, 'journal'))).toBe(false);
    },
  );

  it('--insecure-tls accepts it when the user explicitly opts out', async () => {
    const { server, send } = await sendSetup(2, { tls });
    const r = await send(['--insecure-tls']);
    expect(r.code).toBe(0);
    expect(server.received).toHaveLength(2);
  });
});
