/**
 * More of the README's promises under faults (issue 9, items 6, 8, 9, 10,
 * 11, 12): international addresses, secrets of any length, the recipient
 * spool, command-line manners, symlinked lists, dry and test runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, emptyDir, write } from './helpers/project.js';
import { FAST, journalRecords, SECRET, sendSetup } from './helpers/send-setup.js';
import { csv, people } from './helpers/subscribers.js';

describe('international addresses', () => {
  const rows = 'email,name\njörg@example.org,Jörg\nhans@müller.example,Hans\nplain@example.org,Plain\n';

  it(
    'without SMTPUTF8 on the server: domains go out as A-labels, a ' +
      'non-ASCII local part is failed with the reason, never sent raw',
    async () => {
      const { dir, server, send } = await sendSetup(rows, { noSmtpUtf8: true });
      const r = await send();
      expect(r.code).toBe(3);
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ sent: 2, failed: 1, heldBack: { 'no-smtputf8': 1 } });
      const refusal = {
        email: 'jörg@example.org',
        code: null,
        response: 'not sent: the address has non-ASCII characters before the @ and the server does not offer SMTPUTF8',
        reason: 'no-smtputf8',
      };
      expect(s.failures).toEqual([refusal]);
      expect(journalRecords(dir).filter((x) => x.type === 'failed')).toEqual([
        { type: 'failed', at: expect.any(String), key: 'jörg@example.org', ...refusal },
      ]);
      expect(server.wireRcpts.sort()).toEqual(['hans@xn--mller-kva.example', 'plain@example.org']);
      expect(server.mailFroms.every((m) => !m.smtpUtf8)).toBe(true);
    },
  );

  it("sums up enews's own refusal apart from a server's 5xx: no server replied to it", async () => {
    const { dir, server, env } = await sendSetup(rows, {
      noSmtpUtf8: true,
      rcpt: (a) => (a === 'plain@example.org' ? { code: 550, message: '5.1.1 User unknown' } : undefined),
    });
    const args = ['send', '3', '--subscribers', 'subscribers.csv', '--yes', ...FAST];
    const r = await enews(args, dir, env);
    expect(r.code).toBe(3);
    const held = 'not sent by enews, no server replied: non-ASCII before the @ and the server does not offer SMTPUTF8';
    expect(r.stderr).toContain(
      `  failed               2   1 permanently (5xx), not retried; 1 ${held}; --retry-failed sends again\n`,
    );
    // plain@ bounced (5.1.1 at RCPT TO) and is not mailed again; jörg@ is tried again and held back again.
    const again = await enews([...args, '--retry-failed'], dir, env);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain(`  failed               1   ${held}; --retry-failed sends again\n`);
    expect(again.stderr).not.toContain('5xx');
    expect(server.received).toHaveLength(1);
  });

  it('with SMTPUTF8: the non-ASCII local part is delivered, asked for with SMTPUTF8', async () => {
    const { server, send } = await sendSetup(rows);
    const r = await send();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 3, failed: 0 });
    expect(server.wireRcpts.sort()).toEqual(['hans@xn--mller-kva.example', 'jörg@example.org', 'plain@example.org']);
    expect(server.mailFroms.filter((m) => m.smtpUtf8)).toHaveLength(1);
    const hans = server.received.find((m) => m.to.includes('hans@müller.example'))!;
    expect(hans.raw.toString('utf8')).toMatch(/^To: "?Hans"? <hans@xn--mller-kva\.example>\r$/m);
  });
});

describe('secrets of any length', () => {
  it('a 4-character password echoed in a 535 reply is never printed', async () => {
    const { dir, server } = await sendSetup(csv(people(2)), {
      auth: { user: 'enews', pass: 'right-password' },
      authEcho: true,
    });
    const r = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--debug'], {
      cwd: dir,
      env: { SMTP_URL: server.url('enews', 'Qz9x'), UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('refused the login (535 Authentication failed for enews with password ***)');
    expect(r.stdout + r.stderr).not.toContain('Qz9x');
    expect(r.stdout + r.stderr).not.toMatch(/smtp:\/\/enews:/);
  });
});

describe('the recipient spool', () => {
  it(
    'lives beside the journal (owner-only), never in the ' + 'temp folder, survives a kill -9 only until the next run',
    async () => {
      const { dir, server } = await sendSetup(csv(people(40)), { delayMs: 50 });
      const tmp = emptyDir();
      const spool = path.join(dir, 'journal/003.jsonl.spool');
      const child = spawn(
        process.execPath,
        [BIN, 'send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', '1'],
        {
          cwd: dir,
          env: cleanEnv({ SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, TMPDIR: tmp }),
          stdio: 'ignore',
        },
      );
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (server.received.length >= 5) {
            clearInterval(check);
            resolve();
          }
        }, 20);
      });
      expect(existsSync(spool)).toBe(true);
      expect(statSync(spool).mode & 0o777).toBe(0o600);
      expect(statSync(path.join(dir, 'journal/003.jsonl')).mode & 0o777).toBe(0o600);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.on('close', resolve));
      expect(existsSync(spool)).toBe(true);
      expect(readdirSync(tmp)).toEqual([]);

      const again = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], {
        cwd: dir,
        env: { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, TMPDIR: tmp },
      });
      expect(again.code).toBe(0);
      expect(existsSync(spool)).toBe(false);
      expect(existsSync(path.join(dir, 'journal/003.jsonl.lock'))).toBe(false);
      expect(readdirSync(tmp)).toEqual([]);
      for (const p of people(40)) expect(server.countFor(p.email)).toBeGreaterThanOrEqual(1);
    },
  );
});

describe('command-line manners', () => {
  it(
    'a closed stdout (enews build 3 | head -1) ends ' + "quietly: no EPIPE, no stack, the command's own exit code",
    async () => {
      const dir = copyProject();
      const out = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'build', '3'], {
          cwd: dir,
          env: cleanEnv(),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        // The reader goes away before enews prints anything.
        child.stdout.destroy();
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(out.stderr).not.toMatch(/EPIPE|Error:|at .*\.js/);
      expect(out.code).toBe(0);
      expect(existsSync(path.join(dir, 'dist/003/manifest.json'))).toBe(true);
    },
  );

  it('smtps:// against a server without TLS says what to change instead of an OpenSSL error', async () => {
    const { dir, server } = await sendSetup(csv(people(2)));
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', ...FAST], dir, {
      SMTP_URL: `smtps://127.0.0.1:${server.port}`,
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(
      `Nothing was sent: the SMTP server 127.0.0.1:${server.port} does not speak TLS on this port.`,
    );
    expect(r.stderr).toContain('Use smtp:// (STARTTLS, port 587 or 25) or the port for TLS.');
    expect(r.stderr).not.toMatch(/wrong version number/i);
  });
});

describe('the list and its journal', () => {
  it('a list reached through a symlink is the same list: the journal goes on with it', async () => {
    const { dir, server, send } = await sendSetup(csv(people(4)));
    symlinkSync(path.join(dir, 'subscribers.csv'), path.join(dir, 'list-link.csv'));
    expect((await send(['--subscribers', 'list-link.csv'])).code).toBe(0);
    const again = await send();
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0, skipped: { 'already-sent': 4 } });
    expect(server.received).toHaveLength(4);
  });
});

describe('a dry run is for looking', () => {
  it(
    "with another subscriber file than the journal's, " + 'it warns and writes the messages instead of refusing',
    async () => {
      const { dir, send } = await sendSetup(csv(people(3)));
      expect((await send()).code).toBe(0);
      write(dir, 'other.csv', csv(people(5)));
      const r = await enews(['send', '3', '--subscribers', 'other.csv', '--dry-run', 'out', '--json'], dir, {
        UNSUBSCRIBE_SECRET: SECRET,
      });
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('warning: journal/003.jsonl was written for the subscriber file');
      expect(r.stderr).toContain('This dry run reads it anyway; a real send would refuse it.');
      // The journal still says who got it: only the two new addresses would be mailed.
      expect(JSON.parse(r.stdout)).toMatchObject({ sent: 2, skipped: { 'already-sent': 3 } });
      expect(readdirSync(path.join(dir, 'out')).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    },
  );

  it('--test ADDRESS --as EMAIL renders the test message as that subscriber of the list', async () => {
    const { dir, server } = await sendSetup(csv(people(5)));
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
    const who = people(5)[2]!;
    const r = await enews(
      [
        'send',
        '3',
        '--subscribers',
        'subscribers.csv',
        '--test',
        'reviewer@example.net',
        '--as',
        who.email.toUpperCase(),
      ],
      dir,
      env,
    );
    expect(r.code).toBe(0);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.to).toEqual(['reviewer@example.net']);
    const mail = await simpleParser(server.received[0]!.raw);
    expect(mail.subject).toBe('[TEST] ILO COOP eNewsUpdate No. 3');
    expect(mail.text).toContain(`Dear ${who.name},`);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : '').toBe('reviewer@example.net');

    const unknown = await enews(
      ['send', '3', '--subscribers', 'subscribers.csv', '--test', 'reviewer@example.net', '--as', 'nobody@example.org'],
      dir,
      env,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      '--as nobody@example.org: there is no valid row for that address in subscribers.csv.',
    );
    const alone = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--as', who.email], dir, env);
    expect(alone.code).toBe(2);
    expect(server.received).toHaveLength(1);
  });
});
