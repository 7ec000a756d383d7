/**
 * What the send itself learns and keeps: recipients refused during the send
 * become events like returned mail (one classification for both), who got
 * an issue stays "sent" in status, report and the dry run alike, another
 * list's events are refused, and Ctrl-C while planning leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { write } from './helpers/project.js';
import { FAST, SECRET, sendSetup } from './helpers/send-setup.js';
import { csv, people } from './helpers/subscribers.js';

const LIST = 'enews.coop.example.org';

function eventsOf(dir: string): Array<{ type: string; email: string; issue?: number; source: string; list?: string }> {
  const file = path.join(dir, 'journal/events.jsonl');
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

describe('refusals during the send', () => {
  it('"no such user" at RCPT keeps the address from the next issue; a content refusal does not', async () => {
    const refuse: Record<string, string> = {
      'reader00001@example.org': '5.1.1 <reader00001@example.org>: Recipient address rejected: User unknown',
      'reader00002@example.org': '5.7.1 Message rejected as spam',
      'reader00003@example.org': '5.2.2 Mailbox full',
      'reader00004@example.org': 'No such user here',
    };
    const { dir, server, send, env } = await sendSetup(6, {
      rcpt: (a) => (refuse[a] ? { code: 550, message: refuse[a] } : undefined),
    });
    const r = await send();
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 2, failed: 4 });
    expect(eventsOf(dir).map((e) => [e.type, e.email, e.issue, e.source, e.list])).toEqual([
      ['bounced', 'reader00001@example.org', 3, 'smtp', LIST],
      ['soft-bounced', 'reader00002@example.org', 3, 'smtp', LIST],
      ['soft-bounced', 'reader00003@example.org', 3, 'smtp', LIST],
      ['bounced', 'reader00004@example.org', 3, 'smtp', LIST],
    ]);
    // The next issue to the same list: the two gone addresses are not mailed, the other two are.
    expect((await enews(['build', '2'], dir)).code).toBe(0);
    const next = await enews(['send', '2', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST], dir, env);
    expect(JSON.parse(next.stdout)).toMatchObject({ rows: 6, toSend: 4, skipped: { bounced: 2 } });
    expect(server.rcptAttempts.filter((a) => a === 'reader00001@example.org')).toHaveLength(1);
    expect(server.rcptAttempts.filter((a) => a === 'reader00002@example.org')).toHaveLength(2);
  });

  it('a refusal journaled by a run killed before its end is recorded by the next run', async () => {
    const { dir, send } = await sendSetup(3, {
      rcpt: (a) => (a === 'reader00002@example.org' ? { code: 550, message: '5.1.1 User unknown' } : undefined),
    });
    expect((await send()).code).toBe(3);
    // As if the run had died between the journal's record and the event: no events file.
    const events = path.join(dir, 'journal/events.jsonl');
    write(dir, 'journal/events.jsonl', '');
    expect(readFileSync(events, 'utf8')).toBe('');
    const again = await send();
    expect(JSON.parse(again.stdout)).toMatchObject({ toSend: 0 });
    expect(eventsOf(dir).map((e) => [e.type, e.email])).toEqual([['bounced', 'reader00002@example.org']]);
    // Recorded once, however often the journal is read again.
    await send();
    expect(eventsOf(dir)).toHaveLength(1);
  });
});

describe('who got an issue', () => {
  it('stays "sent" for it after they unsubscribe: status, report and the dry run say the same', async () => {
    const { dir, send } = await sendSetup(8);
    expect((await send()).code).toBe(0);
    // Two of them unsubscribe afterwards.
    write(
      dir,
      'journal/events.jsonl',
      ['reader00002@example.org', 'reader00005@example.org']
        .map((email) =>
          JSON.stringify({ at: '2026-12-07T10:00:00Z', list: LIST, type: 'unsubscribed', email, source: 'page' }),
        )
        .join('\n') + '\n',
    );
    const status = await enews(['status', '3', '--json'], dir);
    expect(JSON.parse(status.stdout).list).toMatchObject({
      rows: 8,
      remaining: 0,
      skipped: { 'already-sent': 8, unsubscribed: 0 },
    });
    const report = await enews(['report', '3', '--json'], dir);
    expect(JSON.parse(report.stdout)).toMatchObject({
      sent: 8,
      notSentYet: 0,
      list: { sent: 8, skipped: { unsubscribed: 0 } },
    });
    const dry = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out', '--json'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(JSON.parse(dry.stdout)).toMatchObject({ toSend: 0, skipped: { 'already-sent': 8, unsubscribed: 0 } });
  });
});

describe('the events of another list', () => {
  it('are refused by name before anything is sent', async () => {
    const { dir, server, send } = await sendSetup(3);
    const foreign = {
      at: '2026-12-07T10:00:00Z',
      list: 'other.example.net',
      type: 'unsubscribed',
      email: 'x@y.org',
      source: 'page',
    };
    mkdirSync(path.join(dir, 'journal'));
    write(dir, 'journal/events.jsonl', `${JSON.stringify(foreign)}\n`);
    const r = await send();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('holds events of the list other.example.net (line 1), not of enews.coop.example.org');
    expect(server.received).toHaveLength(0);
  });
});

describe('Ctrl-C while planning', () => {
  it('stops with exit 4 and leaves no lock, no spool and nothing sent', async () => {
    const { dir, server, env } = await sendSetup(3);
    // A list long enough that planning is still under way when the interrupt comes.
    write(dir, 'big.csv', csv(people(200_000)));
    const child = spawn(process.execPath, [BIN, 'send', '3', '--subscribers', 'big.csv', '--yes'], {
      cwd: dir,
      env: cleanEnv(env),
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const lock = path.join(dir, 'journal/003.jsonl.lock');
    // The lock is taken just before planning starts: the interrupt lands while it runs.
    for (let i = 0; i < 2000 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 5));
    expect(existsSync(lock)).toBe(true);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(4);
    expect(stderr).toContain('Stopped while planning (Ctrl-C): nothing was sent.');
    // The journal folder it made for the lock is gone with it.
    expect(existsSync(path.join(dir, 'journal')) ? readdirSync(path.join(dir, 'journal')) : []).toEqual([]);
    expect(server.mailFroms).toEqual([]);
  });

  it('plans a long list without piling up listeners (no MaxListenersExceededWarning)', async () => {
    const { dir } = await sendSetup(3);
    write(dir, 'long.csv', csv(people(5000)));
    // In its own process, where Node prints its warnings.
    const r = await runCli(['send', '3', '--subscribers', 'long.csv', '--dry-run', 'out', '--json'], {
      cwd: dir,
      env: { UNSUBSCRIBE_SECRET: SECRET },
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: 5000 });
    expect(r.stderr).not.toContain('MaxListenersExceededWarning');
  });
});
