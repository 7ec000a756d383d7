/**
 * What a team meets on its first sends (issue 22, items 1, 7, 8, 9, 12, 18):
 * a dry run of a test send contacts no server, a test send needs no list, a
 * mistyped option is named as one, a send without a terminal says it needs
 * --yes, a send of an issue that does not exist says so, and the relay is
 * greeted with a name it can accept.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { edit } from './helpers/project.js';
import { SECRET, sendSetup } from './helpers/send-setup.js';
import { csv, people } from './helpers/subscribers.js';

describe('a dry run of a test send', () => {
  it('--test A --dry-run DIR writes the [TEST] message into DIR; the listening server sees no connection', async () => {
    let connections = 0;
    const { dir, server, env } = await sendSetup(csv(people(3)), { connect: () => void connections++ });
    const r = await enews(
      ['send', '3', '--subscribers', 'subscribers.csv', '--test', 'reviewer@example.net', '--dry-run', 'test-out'],
      dir,
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(connections).toBe(0);
    expect(server.received).toHaveLength(0);
    expect(readdirSync(path.join(dir, 'test-out'))).toEqual(['1.eml']);
    const mail = await simpleParser(readFileSync(path.join(dir, 'test-out/1.eml')));
    expect(mail.subject).toBe('[TEST] ILO COOP eNewsUpdate No. 3');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : '').toBe('reviewer@example.net');
    expect(r.stderr).toContain("Write '[TEST] ILO COOP eNewsUpdate No. 3' for 1 subscriber into test-out/.");
    expect(r.stderr).toContain("Written '[TEST] ILO COOP eNewsUpdate No. 3' (test-out):");
    expect(r.stderr).not.toContain('via 127.0.0.1');
    // No journal: a test is not a send.
    expect(existsSync(path.join(dir, 'journal'))).toBe(false);
  });

  it('needs no SMTP_URL, as no server is contacted', async () => {
    const { dir } = await sendSetup(2);
    const r = await enews(['send', '3', '--test', 'reviewer@example.net', '--dry-run', '--json'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'test', dryRun: true, sent: 1 });
    expect(readdirSync(path.join(dir, 'out'))).toEqual(['1.eml']);
  });
});

describe('--subscribers', () => {
  it('is not needed for --test without --as: the message reads as a subscriber without a name', async () => {
    const { dir, server, env } = await sendSetup(2);
    const r = await enews(['send', '3', '--test', 'reviewer@example.net'], dir, env);
    expect(r.code, r.stderr).toBe(0);
    expect(server.received.map((m) => m.to)).toEqual([['reviewer@example.net']]);
    const mail = await simpleParser(server.received[0]!.raw);
    expect(mail.subject).toBe('[TEST] ILO COOP eNewsUpdate No. 3');
    expect(mail.text).toContain('Dear reader,');
  });

  it('is required for a send, and for --as, with an error that names it (exit 2)', async () => {
    const { dir, server, env } = await sendSetup(2);
    const send = await enews(['send', '3', '--yes'], dir, env);
    expect(send.code).toBe(2);
    expect(send.stderr).toContain(
      'error: --subscribers FILE is required: the subscriber CSV to send to. Only a --test send can go without one.',
    );
    const as = await enews(
      ['send', '3', '--test', 'reviewer@example.net', '--as', 'reader00001@example.org'],
      dir,
      env,
    );
    expect(as.code).toBe(2);
    expect(as.stderr).toContain('--as needs --subscribers: the list that holds the row the test message reads as.');
    expect(server.rcptAttempts).toEqual([]);
  });
});

describe('a mistyped option', () => {
  it('is reported as unknown, with a "did you mean" and the help of the command typed', async () => {
    const { dir, server, env } = await sendSetup(2);
    const r = await enews(['send', '3', '--subscriber', 'subscribers.csv', '--yes'], dir, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: unknown option '--subscriber'\n(Did you mean --subscribers?)\n(run enews send --help for usage)\n",
    );
    expect(server.rcptAttempts).toEqual([]);
    const nested = await enews(['templates', 'eject', '--forse'], dir);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain('(run enews templates eject --help for usage)');
  });
});

describe('a send without a terminal', () => {
  it('says plainly that it needs --yes (exit 2) and sends nothing', async () => {
    const { dir, server, env } = await sendSetup(3);
    const r = await runCli(['send', '3', '--subscribers', 'subscribers.csv'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'error: A send without a terminal needs --yes: there is nobody to ask ' +
        `"Send 'ILO COOP eNewsUpdate No. 3' to 3 subscribers via 127.0.0.1:${server.port}?" ` +
        '(stdin is not a terminal). Nothing was sent.\n  - Add --yes to send from a script, cron or CI.',
    );
    expect(r.stderr).not.toContain("error: Send '");
    expect(server.rcptAttempts).toEqual([]);
  });
});

describe('a send of an issue that does not exist', () => {
  it('says the issue file is missing, lists the issues there are, and how to make it', async () => {
    const { dir, server, env } = await sendSetup(2);
    const r = await enews(['send', '9', '--subscribers', 'subscribers.csv', '--yes'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: There is no issue 9: expected issues/009.yaml (issues present: 1, 2, 3).\n' +
        '  - Create it with: enews new --number 9\n',
    );
    expect(server.rcptAttempts).toEqual([]);
  });

  it('an issue that exists but was not built is still told to build', async () => {
    const { dir, env } = await sendSetup(2);
    const r = await enews(['send', '2', '--subscribers', 'subscribers.csv', '--yes'], dir, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Issue 2 has not been built');
    expect(r.stderr).toContain('Run: enews build 2, review the result, then send again.');
  });
});

describe('the greeting (EHLO)', () => {
  it("names the machine when it has a full name, else the envelope sender's domain; never [127.0.0.1]", async () => {
    const { dir, server, env } = await sendSetup(2);
    edit(
      dir,
      'issues/newsletter.yaml',
      'bounce_address: coop-enews-bounces@example.org',
      'bounce_address: b@Returns.Example.net',
    );
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, env);
    expect(r.code, r.stderr).toBe(0);
    const host = os.hostname().toLowerCase();
    const named = host.includes('.') && !/^localhost|\.(localdomain|local|internal|lan|home|localhost)$/.test(host);
    const expected = named ? host : 'returns.example.net';
    expect(server.mailFroms.map((m) => m.greeting)).toEqual([expected, expected]);
  });

  it('is the ?name= of SMTP_URL when it has one', async () => {
    const { dir, server, env } = await sendSetup(2);
    const url = `${server.url()}?name=relay-client.example.com`;
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, { ...env, SMTP_URL: url });
    expect(r.code, r.stderr).toBe(0);
    expect(server.mailFroms.map((m) => m.greeting)).toEqual(['relay-client.example.com', 'relay-client.example.com']);
  });
});
