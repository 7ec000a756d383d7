/**
 * enews send against a real SMTP server on 127.0.0.1: what arrives, what
 * the journal says, and what is refused before anything is sent.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { openToken, sealToken } from '../src/personalize/token.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { edit, write } from './helpers/project.js';
import { builtProject, journalRecords, SECRET, smtpServer } from './helpers/send-setup.js';
import type { TestSmtp } from './helpers/smtp.js';
import { csv, people } from './helpers/subscribers.js';

function header(mail: ParsedMail, key: string): string | undefined {
  return mail.headerLines.find((h) => h.key === key)?.line.replace(/^[^:]+:\s*/, '');
}

describe('enews send delivers', () => {
  it('exactly one personalised message to every subscriber, with both parts and the unsubscribe headers', async () => {
    const list = people(40);
    const rows = [
      ...list,
      { email: 'READER00003@EXAMPLE.ORG', name: 'Duplicate' },
      { email: 'gone@example.org', name: 'Gone', status: 'unsubscribed' },
    ];
    const dir = await builtProject(csv(rows));
    const server = await smtpServer();
    const r = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json'], {
      cwd: dir,
      env: { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(r.stderr).toContain("Send 'ILO COOP eNewsUpdate No. 3' to 40 subscribers via 127.0.0.1:");
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ sent: 40, failed: 0, deferred: 0, notAttempted: 0, rows: 42 });
    expect(summary.skipped).toMatchObject({ duplicate: 1, unsubscribed: 1 });

    expect(server.received).toHaveLength(40);
    const ids = new Set<string>();
    for (const person of list) {
      expect(server.countFor(person.email), person.email).toBe(1);
      const msg = server.received.find((m) => m.to.includes(person.email))!;
      const mail = await simpleParser(msg.raw);
      expect((mail.to as { value: Array<{ address: string; name: string }> }).value).toEqual([
        { address: person.email, name: person.name },
      ]);
      expect(mail.subject).toBe('ILO COOP eNewsUpdate No. 3');
      expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
      expect(mail.text).toContain(`Dear ${person.name},`);
      expect(mail.html).toContain(`Dear ${person.name.replace(/'/g, '&#39;')},`);
      // One opaque token in both links; only the secret opens it, to this list and address.
      const token = sealToken(SECRET, 'enews.coop.example.org', person.email.toLowerCase(), 3);
      expect(openToken(SECRET, token)).toEqual({
        listId: 'enews.coop.example.org',
        address: person.email.toLowerCase(),
        issue: 3,
      });
      const link = `https://www.example.org/coop/enews/unsubscribe?t=${token}`;
      expect(header(mail, 'list-unsubscribe')).toBe(
        `<${link}>,\r\n <mailto:coop-enews-unsubscribe@example.org?subject=unsubscribe%20${token}>`,
      );
      expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.html).toContain(`href="${link.replace(/&/g, '&amp;')}"`);
      expect(mail.text).toContain(`Unsubscribe: ${link}`);
      ids.add(mail.messageId!);
    }
    expect(ids.size).toBe(40);
    expect(server.countFor('gone@example.org')).toBe(0);

    const records = journalRecords(dir);
    expect(records[0]).toMatchObject({
      type: 'run',
      issue: 3,
      subscribers: path.join(dir, 'subscribers.csv'),
      shard: null,
    });
    const sent = records.filter((x) => x.type === 'sent');
    expect(sent).toHaveLength(40);
    // The server names its queue id ("250 Ok: queued as N", N counting what it received): the record keeps it.
    for (const x of sent) {
      expect(x.response).toBe(`250 Ok: queued as ${x.providerId}`);
      expect(server.received[Number(x.providerId) - 1]!.to).toEqual([x.email]);
    }
    expect(records.at(-1)).toMatchObject({ type: 'end', sent: 40, failed: 0, stopped: null });

    // The same command again: everyone is done, nothing more is sent.
    const again = await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], {
      cwd: dir,
      env: { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('40 already sent');
    expect(server.received).toHaveLength(40);

    const status = await enews(['status', '3'], dir);
    expect(status.stdout).toMatch(/sent\s+40\n\s+failed\s+0/);
    expect(status.stdout).toMatch(
      /not sent yet\s+0\n\s+skipped\s+2 {3}1 duplicate, 1 unsubscribed\n\s+total rows\s+42/,
    );
  });

  it('journals no provider id when the reply names none', async () => {
    const dir = await builtProject(csv(people(2)));
    const server = await smtpServer({ reply: () => 'OK: message queued' });
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(0);
    const lines = readFileSync(path.join(dir, 'journal/003.jsonl'), 'utf8').split('\n');
    const sent = lines.filter((l) => l.startsWith('{"type":"sent"'));
    expect(sent).toHaveLength(2);
    for (const l of sent) expect(l).toMatch(/,"messageId":"<[^"]+>","response":"250 OK: message queued"\}$/);
  });

  it(
    'signs with DKIM when configured; the signature verifies ' +
      'and covers From, Subject and both List-Unsubscribe headers',
    async () => {
      const dir = await builtProject(csv(people(2)));
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const keyFile = path.join(dir, 'dkim.pem');
      writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
      const server = await smtpServer();
      const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
        SMTP_URL: server.url(),
        UNSUBSCRIBE_SECRET: SECRET,
        DKIM_DOMAIN: 'example.org',
        DKIM_SELECTOR: 'enews',
        DKIM_PRIVATE_KEY_FILE: keyFile,
      });
      expect(r.code).toBe(0);
      const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      for (const m of server.received) {
        const result = await dkimVerify(m.raw, {
          resolver: async (name: string, type: string) => {
            if (name === 'enews._domainkey.example.org' && type === 'TXT') return [[`v=DKIM1; k=rsa; p=${pub}`]];
            throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
          },
        });
        expect(result.results[0]?.status.result).toBe('pass');
        const signed = String(result.results[0]?.signingHeaders?.keys ?? '').toLowerCase();
        for (const h of ['from', 'subject', 'list-unsubscribe', 'list-unsubscribe-post'])
          expect(signed.split(': ')).toContain(h);
      }
      expect(r.stderr + r.stdout).not.toContain('BEGIN PRIVATE KEY');
    },
  );

  it(
    '--test sends only to the given address, marked ' + '[TEST], personalised from the list, without a journal',
    async () => {
      const dir = await builtProject(csv(people(5)));
      const server = await smtpServer();
      const r = await enews(
        ['send', '3', '--subscribers', 'subscribers.csv', '--test', 'READER00002@example.org'],
        dir,
        {
          SMTP_URL: server.url(),
          UNSUBSCRIBE_SECRET: SECRET,
        },
      );
      expect(r.code).toBe(0);
      expect(server.received).toHaveLength(1);
      const mail = await simpleParser(server.received[0]!.raw);
      expect(mail.subject).toBe('[TEST] ILO COOP eNewsUpdate No. 3');
      expect(mail.text).toContain('Dear Karim Martin,');
      expect(existsSync(path.join(dir, 'journal'))).toBe(false);
    },
  );

  it('--dry-run DIR writes every complete message as DIR/<n>.eml and contacts no server', async () => {
    const dir = await builtProject(csv(people(3)));
    const server = await smtpServer();
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out'], dir, {
      SMTP_URL: server.url(),
    });
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['1.eml', '2.eml', '3.eml']);
    const mail = await simpleParser(readFileSync(path.join(dir, 'out/2.eml')));
    expect((mail.to as { value: Array<{ address: string }> }).value[0]!.address).toBe('reader00002@example.org');
    expect(server.rcptAttempts).toEqual([]);
    expect(existsSync(path.join(dir, 'journal'))).toBe(false);
    expect(r.stderr).toContain(
      'UNSUBSCRIBE_SECRET is not set, so the unsubscribe links in this dry run carry no token.',
    );
  });

  it('--shard K/N splits the list: the shards together reach everyone once, each with its own journal', async () => {
    const dir = await builtProject(csv(people(30)));
    const server = await smtpServer();
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
    const sizes: number[] = [];
    for (const k of [1, 2, 3]) {
      const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--shard', `${k}/3`], dir, env);
      expect(r.code).toBe(0);
      sizes.push(journalRecords(dir, `journal/003-shard-${k}-of-3.jsonl`).filter((x) => x.type === 'sent').length);
    }
    expect(sizes.reduce((a, b) => a + b)).toBe(30);
    expect(sizes.every((n) => n > 0)).toBe(true);
    for (const p of people(30)) expect(server.countFor(p.email)).toBe(1);
  });

  it('honours suppression lists from newsletter.yaml and --suppress', async () => {
    const dir = await builtProject(csv(people(6)));
    write(dir, 'issues/suppressed.csv', 'email\nreader00001@example.org\n');
    write(dir, 'complaints.txt', 'Reader00002@Example.org\n');
    edit(dir, 'issues/newsletter.yaml', 'suppress: []', 'suppress: [suppressed.csv]');
    await enews(['build', '3'], dir);
    const server = await smtpServer();
    const r = await enews(
      ['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--suppress', 'complaints.txt'],
      dir,
      { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('2 suppressed');
    expect(server.received.map((m) => m.to[0]).sort()).toEqual([
      'reader00003@example.org',
      'reader00004@example.org',
      'reader00005@example.org',
      'reader00006@example.org',
    ]);
  });
});

describe('enews send refuses, and sends nothing, when', () => {
  let dir: string;
  let server: TestSmtp;
  beforeAll(async () => {
    dir = await builtProject(csv(people(3)));
  });

  async function refused(args: string[], env: Record<string, string>, code: number) {
    server = await smtpServer();
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', ...args], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
      ...env,
    });
    expect(r.code).toBe(code);
    expect(server.rcptAttempts).toEqual([]);
    return r.stderr;
  }

  it('stdin is not a terminal and --yes is missing (exit 2)', async () => {
    const r = await runCli(['send', '3', '--subscribers', 'subscribers.csv'], {
      cwd: dir,
      env: { SMTP_URL: 'smtp://127.0.0.1:9', UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: A send without a terminal needs --yes: there is nobody to ask');
  });

  it('an input changed since the build', async () => {
    const d = await builtProject(csv(people(2)));
    edit(d, 'issues/items.yaml', 'the eve of the symposium', 'the day before the symposium');
    server = await smtpServer();
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], d, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no longer matches what it was made from');
    expect(r.stderr).toContain('issues/items.yaml (item "coop-future-of-work") was edited since the build');
    expect(r.stderr).toContain('Run: enews build 3, review the result, then send again.');
    expect(server.rcptAttempts).toEqual([]);
  });

  it('SMTP_URL or UNSUBSCRIBE_SECRET is missing', async () => {
    const noUrl = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain('SMTP_URL is not set');
    // The hint shows the form it asks for: its placeholders are not mistaken for a password.
    expect(noUrl.stderr).toContain('SMTP_URL=smtp://USER:PASSWORD@smtp.example.org:587');
    const noSecret = await refused(['--yes'], { UNSUBSCRIBE_SECRET: '' }, 1);
    expect(noSecret).toContain('UNSUBSCRIBE_SECRET is not set');
  });

  it('the server is unreachable (exit 4, before the first message)', async () => {
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], dir, {
      SMTP_URL: 'smtp://127.0.0.1:9',
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('Nothing was sent: cannot reach the SMTP server 127.0.0.1:9');
    expect(existsSync(path.join(dir, 'journal'))).toBe(false);
  });

  it(
    'rows are invalid: every one listed with its line (exit 1); ' + '--skip-invalid sends to the rest and lists them',
    async () => {
      const d = await builtProject(
        'email,name\r\nok1@example.org,One\r\nnot-an-address,Two\r\nok2@example.org,"Line\r\nBreak"\r\n' +
          '"bcc@example.org\r\nBcc: x@evil.example",Four\r\nok3@example.org,Three\r\n',
      );
      server = await smtpServer();
      const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
      const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], d, env);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('3 of 5 rows in');
      expect(r.stderr).toContain(
        'subscribers.csv:3: email "not-an-address" is not a valid address: it needs the form name@domain',
      );
      expect(r.stderr).toContain('subscribers.csv:4: name "Line\\r\\nBreak" contains a line break');
      expect(r.stderr).toMatch(
        new RegExp(
          'subscribers\\.csv:6: email "bcc@example\\.org\\\\r\\\\nBcc: x@evil\\.example" ' +
            'is not a valid address: it contains a line break',
        ),
      );
      expect(server.rcptAttempts).toEqual([]);
      const skip = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--skip-invalid'], d, env);
      expect(skip.code).toBe(0);
      expect(server.received.map((m) => m.to[0])).toEqual(
        expect.arrayContaining(['ok1@example.org', 'ok3@example.org']),
      );
      expect(server.received).toHaveLength(2);
      expect(skip.stderr).toContain('Invalid rows (skipped):');
      expect(skip.stderr).toContain('subscribers.csv:3: email "not-an-address"');
    },
  );

  it('the journal belongs to another issue or another subscriber file', async () => {
    const d = await builtProject(csv(people(2)));
    write(d, 'other.csv', csv(people(2)));
    server = await smtpServer();
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
    expect((await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], d, env)).code).toBe(0);
    const other = await enews(['send', '3', '--subscribers', 'other.csv', '--yes'], d, env);
    expect(other.code).toBe(1);
    // Paths inside the project folder are printed relative to it.
    expect(other.stderr).toContain(
      'journal/003.jsonl was written for the subscriber file subscribers.csv, not other.csv.',
    );
    await enews(['build', '2'], d);
    const wrongIssue = await enews(
      ['send', '2', '--subscribers', 'subscribers.csv', '--yes', '--journal', 'journal/003.jsonl'],
      d,
      env,
    );
    expect(wrongIssue.code).toBe(1);
    expect(wrongIssue.stderr).toContain('journal/003.jsonl is the journal of issue 3, not issue 2.');
    expect(server.received).toHaveLength(2);
  });
});

describe('the confirmation prompt on a real terminal', () => {
  // `script` (util-linux) gives the CLI a pseudo-terminal, as when staff type the command.
  async function onTerminal(dir: string, url: string, answer: string) {
    const { spawn } = await import('node:child_process');
    const cmd = `"${process.execPath}" "${path.resolve('bin/enews.js')}" send 3 --subscribers subscribers.csv`;
    return new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], {
        cwd: dir,
        env: { PATH: process.env.PATH, SMTP_URL: url, UNSUBSCRIBE_SECRET: SECRET, TERM: 'dumb' },
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('[y/N]') && answer) {
          child.stdin.write(`${answer}\n`);
          answer = '';
        }
      });
      child.on('close', (code) => resolve({ code, out }));
    });
  }

  it('asks with the plan, sends nothing on "n", sends on "y"', async () => {
    const dir = await builtProject(
      csv([...people(3), { email: 'gone@example.org', name: 'Gone', status: 'unsubscribed' }]),
    );
    const server = await smtpServer();
    const no = await onTerminal(dir, server.url(), 'n');
    expect(no.out).toContain("Send 'ILO COOP eNewsUpdate No. 3' to 3 subscribers via 127.0.0.1:");
    expect(no.out).toContain('1 skipped (1 unsubscribed) [y/N]');
    expect(no.out).toContain('Cancelled: nothing was sent.');
    expect(no.code).toBe(0);
    expect(server.rcptAttempts).toEqual([]);
    const yes = await onTerminal(dir, server.url(), 'y');
    expect(yes.code).toBe(0);
    expect(server.received).toHaveLength(3);
  });
});
