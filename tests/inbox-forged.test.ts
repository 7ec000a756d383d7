/**
 * enews inbox against strangers: returns that anyone could write, naming
 * subscribers they want off the list, beside one genuine return. Only the
 * genuine one is recorded; the forgeries are listed once as unproved. And
 * nothing a stranger writes reaches the terminal as a control character.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { verpMac } from '../src/personalize/return-path.js';
import {
  eventsIn,
  inbox,
  LIST,
  p,
  prepareScenario,
  runDir,
  SECRET,
  sentTo,
  world,
  writeMbox,
} from './helpers/inbox-scenario.js';
import { enews } from './helpers/inproc.js';
import { itNeedsRoot, mountTmpfs } from './helpers/tools.js';

beforeAll(prepareScenario, 120_000);

const BOUNCES = 'coop-enews-bounces@example.org';

/** A Postfix-style delivery report sent to `to`, about `recipients` (a block each), quoting nothing of the message. */
function dsn(
  to: string,
  recipients: string[],
  o: { id: string; status?: string; diagnostic?: string; subject?: string; returned?: string },
): Buffer {
  const blocks = recipients
    .map(
      (r) =>
        `Final-Recipient: rfc822; ${r}\nOriginal-Recipient: rfc822;${r}\n` +
        `Action: failed\nStatus: ${o.status ?? '5.1.1'}\n` +
        `Diagnostic-Code: ${o.diagnostic ?? `smtp; 550 5.1.1 <${r}>: Recipient address rejected: User unknown`}\n`,
    )
    .join('\n');
  return Buffer.from(
    `Return-Path: <>\nX-Original-To: ${to}\nDelivered-To: ${to}\n` +
      `Date: Wed, 26 Apr 2017 09:12:41 +0200\nFrom: MAILER-DAEMON@mx.attacker.example (Mail Delivery System)\n` +
      `Subject: ${o.subject ?? 'Undelivered Mail Returned to Sender'}\nTo: ${to}\nMIME-Version: 1.0\n` +
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\n' +
      `Message-Id: <${o.id}@mx.attacker.example>\n\n` +
      `--b\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n` +
      `--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.attacker.example\n\n${blocks}\n` +
      (o.returned ? `--b\nContent-Type: text/rfc822-headers\n\n${o.returned}\n\n` : '') +
      '--b--\n',
  );
}

/** An abuse report (RFC 5965) naming `recipients`, with no copy of any message. */
function arf(recipients: string[], id: string): Buffer {
  return Buffer.from(
    `From: fbl@attacker.example\nTo: ${BOUNCES}\nSubject: complaint\nDate: Wed, 26 Apr 2017 10:00:00 +0000\n` +
      `Message-Id: <${id}@attacker.example>\nMIME-Version: 1.0\n` +
      'Content-Type: multipart/report; report-type=feedback-report; boundary="b"\n\n' +
      '--b\nContent-Type: text/plain\n\nThis is an abuse report.\n\n' +
      '--b\nContent-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: Attacker/1\nVersion: 1\n' +
      recipients.map((r) => `Original-Rcpt-To: ${r}\n`).join('') +
      '\n--b--\n',
  );
}

function request(headers: string, id: string): Buffer {
  return Buffer.from(
    `${headers}\nSubject: unsubscribe\nDate: Wed, 26 Apr 2017 11:00:00 +0000\nMessage-Id: <${id}@attacker.example>\n` +
      'MIME-Version: 1.0\nContent-Type: text/plain\n\nPlease take me off.\n',
  );
}

const victims = Array.from({ length: 500 }, (_, i) => `victim${String(i).padStart(3, '0')}@example.net`);

describe('enews inbox records only what a return proves', () => {
  it('forged DSNs, ARFs and requests record nothing; the genuine VERP’d DSN beside them records 1', async () => {
    const ana = sentTo('ana', 3);
    const forged = [
      // 1. To the plain bounce address, naming a subscriber.
      dsn(BOUNCES, [p('ben')], { id: 'f1' }),
      // 2. To a VERP address with a made-up id, naming a subscriber.
      dsn(`coop-enews-bounces+3-${'a'.repeat(20)}@example.org`, [p('ben')], { id: 'f2' }),
      // 3. One report naming 500 addresses.
      dsn(BOUNCES, victims, { id: 'f3' }),
      // 4. Quoting a Message-ID no journal holds.
      dsn(BOUNCES, [p('dan')], { id: 'f5', returned: 'Message-ID: <made-up@example.org>\nTo: dan' }),
      // 5. A complaint naming 500 addresses.
      arf(victims, 'f6'),
      // 6. A request with a forged From (no token, nothing authenticated).
      request(`From: ${p('eve')}\nTo: coop-enews-unsubscribe@example.org`, 'f7'),
      // 7. A request that only copies the unsubscribe address.
      request(`From: ${p('fay')}\nTo: friend@example.net\nCc: coop-enews-unsubscribe@example.org`, 'f8'),
      // 8. An Authentication-Results field claiming the mailbox server's name, but below the one it really added.
      request(
        'Authentication-Results: mail.example.org; dmarc=fail header.from=example.org\n' +
          'Authentication-Results: mail.example.org; dmarc=pass header.from=example.org\n' +
          `From: ${p('kim')}\nTo: coop-enews-unsubscribe@example.org`,
        'f9',
      ),
    ];
    const genuine = dsn(ana.verp, [p('ana')], { id: 'g1' });
    const run = runDir('forged');
    writeMbox(path.join(run, 'mbox'), [...forged, genuine]);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'mbox'), '--events', events, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(eventsIn(events).map((e) => [e.type, e.email, e.issue, e.list])).toEqual([['bounced', p('ana'), 3, LIST]]);
    expect(r.json.matched).toEqual([{ message: 'message 9', type: 'bounced', email: p('ana'), issue: 3, via: 'verp' }]);
    expect(r.json.unproved).toHaveLength(7);
    expect(r.json.ignoredBy).toEqual({ reply: 1 });
    // Remembered: the next run lists none of them again.
    const again = await inbox(['--mbox', path.join(run, 'mbox'), '--events', events, '--json']);
    expect(again.json).toMatchObject({ alreadyProcessed: 9, unproved: [], events: [] });
  });

  it('a VERP id proves a return whose report names another address (an alias) through the journals', async () => {
    const ana = sentTo('ana', 3);
    // Forwarded: the report names where the alias led, not the address the newsletter was sent to.
    const run = runDir('alias');
    writeMbox(path.join(run, 'mbox'), [dsn(ana.verp, ['ana.forwarded@elsewhere.example'], { id: 'a1' })]);
    const r = await inbox(['--mbox', path.join(run, 'mbox'), '--events', path.join(run, 'e.jsonl'), '--json']);
    expect(r.json.matched).toEqual([
      { message: 'message 1', type: 'bounced', email: p('ana'), issue: 3, via: 'verp+journal' },
    ]);
    // And the id cannot be moved to another issue: the same mac under issue 2 proves nothing.
    const moved = ana.verp.replace('+3-', '+2-');
    expect(moved).not.toBe(ana.verp);
    expect(ana.verp).toContain(verpMac(SECRET, LIST, 3, p('ana')));
    writeMbox(path.join(run, 'mbox2'), [dsn(moved, [p('ana')], { id: 'a2' })]);
    const m = await inbox(['--mbox', path.join(run, 'mbox2'), '--events', path.join(run, 'e2.jsonl'), '--json']);
    expect(m.json.matched).toEqual([]);
    expect(m.json.unproved).toHaveLength(1);
  });

  it('shows no control character from a stranger on the terminal, nor stores one', async () => {
    const ana = sentTo('ana', 2);
    const evil = '\u001b[2J\u001b]52;c;cm0gLXJmIH4=\u0007\u202e';
    const run = runDir('controls');
    writeMbox(path.join(run, 'mbox'), [
      dsn(ana.verp, [p('ana')], {
        id: 'c1',
        subject: `Undelivered ${evil}`,
        diagnostic: `smtp; 550 5.1.1 gone ${evil}`,
      }),
      dsn(BOUNCES, [p('ben')], { id: 'c2', subject: `Hi ${evil}` }),
    ]);
    const events = path.join(run, 'e.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'mbox'), '--events', events]);
    expect(r.code, r.stderr).toBe(0);
    for (const out of [r.stdout, r.stderr, readFileSync(events, 'utf8')]) {
      expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    }
    expect(r.stdout).toContain('gone ␛[2J␛]52;c;cm0gLXJmIH4=␇\uFFFD');
    expect(r.stdout).toContain('"Hi ␛[2J␛]52;c;cm0gLXJmIH4=␇\uFFFD": claims bounced');
    expect(eventsIn(events)[0]!.detail).toContain('gone ␛[2J');
    const table = await enews(['events', '--events', events], world.dir);
    expect(table.stdout).toContain('␛[2J');
    expect(table.stdout).not.toContain('\u001b');
  });
});

describe('enews inbox on a full disk', () => {
  itNeedsRoot('exits 4, records nothing half-way, and leaves no temporary file', async () => {
    const disk = mountTmpfs('64k');
    try {
      const ana = sentTo('ana', 3);
      const run = runDir('full');
      writeMbox(path.join(run, 'mbox'), [dsn(ana.verp, [p('ana')], { id: 'd1' })]);
      // Fill the disk to the last block.
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${path.join(disk, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
      } catch {
        // dd stops when the disk is full: that is the point.
      }
      mkdirSync(path.join(disk, 'journal'), { recursive: true });
      const r = await inbox(['--mbox', path.join(run, 'mbox'), '--events', path.join(disk, 'journal', 'events.jsonl')]);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('the disk is full');
      expect(r.stderr).not.toContain('unexpected failure');
      expect(readdirSync(path.join(disk, 'journal')).filter((f) => f.includes('.tmp'))).toEqual([]);
      expect(existsSync(path.join(disk, 'journal', 'events.jsonl'))).toBe(false);
    } finally {
      execFileSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });
});
