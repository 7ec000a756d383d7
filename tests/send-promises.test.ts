/**
 * The README's promises about the send, each under the fault that broke it
 * (issue 9, items 1–5): one run per journal, torn journals repaired, sender
 * refusals never blamed on subscribers, reply codes before error codes, and
 * replies lost after the final dot counted as possible duplicates.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../src/journal/lock.js';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { edit, read, write } from './helpers/project.js';
import { FAST, journalRecords, SECRET, sendSetup } from './helpers/send-setup.js';
import type { Behaviour } from './helpers/smtp.js';
import { csv, people } from './helpers/subscribers.js';

/** Cuts the journal in the middle of its last `sent` record and drops what followed: a power cut mid-write. */
function tear(dir: string): void {
  const lines = read(dir, 'journal/003.jsonl').split('\n').filter(Boolean);
  const last = lines.map((l) => JSON.parse(l).type).lastIndexOf('sent');
  write(dir, 'journal/003.jsonl', lines.slice(0, last).join('\n') + '\n' + lines[last]!.slice(0, 40));
}

describe('one run at a time per journal', () => {
  it('two sends started together: one delivers, the other refuses at once (exit 4) and sends nothing', async () => {
    const { dir, server, env } = await sendSetup(60, { delayMs: 100 });
    const args = ['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', '4'];
    const [a, b] = await Promise.all([runCli(args, { cwd: dir, env }), runCli(args, { cwd: dir, env })]);
    expect([a.code, b.code].sort()).toEqual([0, 4]);
    const loser = a.code === 4 ? a : b;
    expect(loser.stderr).toContain('Another enews send is using journal/003.jsonl (process ');
    expect(loser.stderr).toContain('Nothing was sent.');
    expect(loser.stderr).toContain('Wait for the other run to finish');
    expect(server.received).toHaveLength(60);
    for (const p of people(60)) expect(server.countFor(p.email)).toBe(1);
    expect(existsSync(path.join(dir, 'journal/003.jsonl.lock'))).toBe(false);
  });

  it('a lock held by a running process is respected; one left by a dead process is taken over', async () => {
    const { dir, server, send } = await sendSetup(3);
    const lock = path.join(dir, 'journal/003.jsonl.lock');
    mkdirSync(path.join(dir, 'journal'));
    // Held by this test's own process, alive: it must be respected.
    const holding = acquireLock(path.join(dir, 'journal/003.jsonl'));
    const since = JSON.parse(readFileSync(lock, 'utf8')).started;
    const held = await send();
    holding.release();
    expect(held.code).toBe(4);
    expect(held.stderr).toContain(`(process ${process.pid} on ${os.hostname()}, since ${since})`);
    // Nothing to delete by hand: the lock ends with its process.
    expect(held.stderr).toContain('there is nothing to delete');
    expect(server.received).toHaveLength(0);

    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '']);
      child.on('exit', () => resolve(child.pid!));
    });
    writeFileSync(
      lock,
      JSON.stringify({ pid: dead, host: os.hostname(), started: '2026-11-29T10:00:00.000Z', procStart: null }),
    );
    const taken = await send();
    expect(taken.code).toBe(0);
    expect(taken.stderr).toContain(
      `note: took over the lock of a send that is no longer running (process ${dead} on ${os.hostname()}`,
    );
    expect(server.received).toHaveLength(3);
    expect(existsSync(lock)).toBe(false);
  });

  it(
    'a second journal over the same list and issue is ' + 'warned about loudly, naming what the first one holds',
    async () => {
      const { send } = await sendSetup(5);
      expect((await send()).code).toBe(0);
      const again = await send(['--journal', 'journal/other.jsonl']);
      expect(again.stderr).toContain('WARNING: other journals of this issue and list already record messages sent:');
      expect(again.stderr).toContain('journal/003.jsonl: 5 messages sent');
      expect(again.stderr).toContain('those subscribers would get the issue again');
    },
  );

  it('the refusal of a foreign journal never advises starting a new journal', async () => {
    const { dir, send } = await sendSetup(3);
    expect((await send()).code).toBe(0);
    write(dir, 'other.csv', csv(people(2)));
    const r = await send(['--subscribers', 'other.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('journal/003.jsonl was written for the subscriber file');
    expect(r.stderr).toContain('This journal records who already got which issue from which list.');
    expect(r.stderr).not.toContain('give a new file with --journal');
  });
});

describe('a torn journal', () => {
  it(
    'is cut back to its last complete record, as often ' + 'as it happens; status and later sends keep working',
    async () => {
      const { dir, server, send } = await sendSetup(6, {});
      expect((await send()).code).toBe(0);
      for (let round = 1; round <= 2; round++) {
        tear(dir);
        const r = await send();
        expect(r.code).toBe(0);
        expect(JSON.parse(r.stdout)).toMatchObject({ sent: 1, skipped: { 'already-sent': 5 } });
        expect(r.stderr).toContain('note: journal/003.jsonl ends in a record cut short (40 bytes');
        // No fragment stays behind: every line is a whole record.
        expect(() => journalRecords(dir)).not.toThrow();
      }
      expect(server.received).toHaveLength(8);
      const status = await enews(['status', '3', '--json'], dir);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ sent: 6, failed: 0, list: { remaining: 0 } });
      const further = await send();
      expect(further.code).toBe(0);
      expect(JSON.parse(further.stdout)).toMatchObject({ sent: 0, toSend: 0 });
    },
  );
});

describe('refusals that are about the sender', () => {
  const cases: Array<[string, Behaviour]> = [];
  let refuse = true;
  cases.push([
    '530 to MAIL FROM (a relay that wants a login)',
    { mail: () => (refuse ? { code: 530, message: '5.7.0 Authentication required' } : undefined) },
  ]);
  cases.push([
    '554 5.7.1 relay access denied at RCPT TO',
    { rcpt: (a) => (refuse ? { code: 554, message: `5.7.1 <${a}>: Relay access denied` } : undefined) },
  ]);
  cases.push([
    '550 5.1.8 sender address rejected at RCPT TO',
    {
      rcpt: () =>
        refuse
          ? { code: 550, message: '5.1.8 <news@example.org>: Sender address rejected: Domain not found' }
          : undefined,
    },
  ]);

  it.each(cases)(
    '%s: the run stops (exit 4) with nobody marked failed; fixed, the same command reaches everyone once',
    async (_name, behaviour) => {
      refuse = true;
      const { dir, server, send } = await sendSetup(20, behaviour);
      const r = await send(['--max-failures', '10', '--concurrency', '4']);
      expect(r.code).toBe(4);
      const s = JSON.parse(r.stdout);
      expect(s).toMatchObject({ sent: 0, failed: 0 });
      expect(s.stop.reason).toBe('fatal');
      expect(s.stop.message).toContain('Stopped: the server refuses this sender or cannot be used');
      expect(journalRecords(dir).filter((x) => x.type === 'failed')).toEqual([]);

      refuse = false;
      const fixed = await send();
      expect(fixed.code).toBe(0);
      expect(JSON.parse(fixed.stdout)).toMatchObject({ sent: 20, failed: 0, skipped: { 'already-failed': 0 } });
      for (const p of people(20)) expect(server.countFor(p.email)).toBe(1);
    },
  );

  it(
    'a run that sends nothing new while the journal holds ' + 'permanent failures exits 3 and says how to retry',
    async () => {
      const bad = new Set(['reader00002@example.org', 'reader00004@example.org']);
      const { dir, server, send } = await sendSetup(5, {
        rcpt: (a) => (bad.has(a) ? { code: 550, message: '5.1.1 No such user' } : undefined),
      });
      expect((await send()).code).toBe(3);
      const again = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', ...FAST], dir, {
        SMTP_URL: server.url(),
        UNSUBSCRIBE_SECRET: SECRET,
      });
      expect(again.code).toBe(3);
      expect(again.stderr).toContain(
        '2 recipients failed permanently in earlier runs and did ' +
          'not get the issue; add --retry-failed to try them again.',
      );
    },
  );

  it('a failed recipient is shown with the server reply once, never with a doubled code', async () => {
    const { dir, server } = await sendSetup(3, {
      rcpt: (a) => (a === 'reader00002@example.org' ? { code: 550, message: '5.1.1 No such user' } : undefined),
    });
    const r = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', ...FAST], dir, {
      SMTP_URL: server.url(),
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('failed: reader00002@example.org  550 5.1.1 No such user');
    expect(r.stderr).not.toMatch(/\b(\d{3}) \1\b/);
  });
});

describe('a reply code decides before an error code', () => {
  it('a 421 greeting on a new connection mid-run is "slow down", not the end of the run', async () => {
    const { server, send } = await sendSetup(12, {
      connect: (n) => (n === 2 ? { code: 421, message: '4.7.0 Too many connections, try again later' } : undefined),
    });
    const r = await send(['--concurrency', '2']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 12, failed: 0, deferred: 0, stop: null });
    for (const p of people(12)) expect(server.countFor(p.email)).toBe(1);
  });
});

describe('the reply to the final dot', () => {
  it('gets its own, longer timeout (--data-timeout): a slow acceptance is waited for, not retried', async () => {
    const { server, send } = await sendSetup(4, { data: (_to, n) => (n === 2 ? { delayMs: 1500 } : undefined) });
    const r = await send(['--concurrency', '1', '--timeout', '1', '--data-timeout', '5']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 4, possibleDuplicates: 0 });
    expect(server.dataAttempts).toBe(4);
    for (const p of people(4)) expect(server.countFor(p.email)).toBe(1);
  });

  it('never coming is counted and journaled as a possible duplicate when the message is sent again', async () => {
    const { dir, server, send } = await sendSetup(4, { data: (_to, n) => (n === 2 ? 'stall' : undefined) });
    const r = await send(['--concurrency', '1', '--data-timeout', '1']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ sent: 4, failed: 0, possibleDuplicates: 1 });
    expect(server.dataAttempts).toBe(5);
    const uncertain = journalRecords(dir).filter((x) => x.type === 'uncertain');
    expect(uncertain).toHaveLength(1);
    const flagged = journalRecords(dir).filter((x) => x.type === 'sent' && x.possibleDuplicate);
    expect(flagged.map((x) => x.email)).toEqual([uncertain[0].email]);
    const status = await enews(['status', '3'], dir);
    expect(status.stdout).toMatch(/sent\s+4\s+1 of them possibly twice/);
    const human = await enews(['status', '3', '--json'], dir);
    expect(JSON.parse(human.stdout)).toMatchObject({ sent: 4, possibleDuplicates: 1 });
  });
});

describe('status', () => {
  it("applies the send's suppression lists and shard, so its rows equal the send's summary", async () => {
    const { dir, send } = await sendSetup(12);
    write(dir, 'blocked.csv', 'email\nreader00003@example.org\nreader00007@example.org\n');
    write(dir, 'issues/never.csv', 'email\nreader00011@example.org\n');
    edit(dir, 'issues/newsletter.yaml', 'suppress: []', 'suppress:\n  - never.csv');
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const r = await send(['--suppress', 'blocked.csv', '--shard', '1/2']);
    const s = JSON.parse(r.stdout);
    const status = await enews(['status', '3', '--shard', '1/2', '--json'], dir);
    expect(status.code).toBe(0);
    const st = JSON.parse(status.stdout);
    expect(st.list.skipped).toEqual({ ...s.skipped, 'already-sent': s.sent });
    expect(st.list.remaining).toBe(0);
    expect(st.list.rows).toBe(s.rows);
    expect(st.list.shard).toBe('1/2');
    expect(s.skipped.suppressed).toBeGreaterThan(0);
  });
});
