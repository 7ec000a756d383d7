/**
 * enews report against a real send: a list sent through a real SMTP server
 * that refuses some recipients for good (550, 554, an address it cannot
 * take) and one for the time being, then events after delivery. Exact
 * numbers in the terminal, the JSON and the HTML page, and the page in
 * headless Chromium.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { enews } from './helpers/inproc.js';
import { copyProject, write } from './helpers/project.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import { csv, people } from './helpers/subscribers.js';
import { requireTool } from './helpers/tools.js';

const SECRET = 'sxJfm3c8h07XmIRzz6x5PLVzXhYiwhdjqFIsC4+nvfQ=';
const FAST = ['--retry-delay', '0.05', '--timeout', '1', '--retries', '1'];
const REFUSED: Record<string, { code: number; message: string }> = {
  'reader00002@example.org': { code: 550, message: '5.1.1 No such user' },
  'reader00005@example.org': { code: 550, message: '5.1.1 No such user' },
  'reader00007@example.org': { code: 554, message: '5.7.1 Message refused' },
};
const DEFERRED = 'reader00011@example.org';
const servers: TestSmtp[] = [];
let dir: string;

function jsonl(rows: object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** Minutes (UTC) with at least one `sent` record in a journal, and how many. */
function sentMinutes(file: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    if (r.type === 'sent') m.set(r.at.slice(0, 16), (m.get(r.at.slice(0, 16)) ?? 0) + 1);
  }
  return m;
}

beforeAll(async () => {
  dir = copyProject();
  // 20 readers, one that the server cannot take (no SMTPUTF8), an unsubscribed row and a duplicate: 23 rows.
  const rows = [
    ...people(20),
    { email: 'jörg@example.org', name: 'Jörg' },
    { email: 'gone@example.org', name: 'Gone', status: 'unsubscribed' },
    { email: 'READER00001@example.org', name: 'Again' },
  ];
  write(dir, 'subscribers.csv', csv(rows));
  expect((await enews(['build', '3'], dir)).code).toBe(0);
  const server = await startSmtp({
    noSmtpUtf8: true,
    rcpt: (a) => REFUSED[a] ?? (a === DEFERRED ? { code: 451, message: '4.7.1 Try again later' } : undefined),
  });
  servers.push(server);
  const send = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST], dir, {
    SMTP_URL: server.url(),
    UNSUBSCRIBE_SECRET: SECRET,
  });
  // Deferred recipients make it exit 4 (run again to resume).
  expect(send.code).toBe(4);
  expect(JSON.parse(send.stdout)).toMatchObject({ sent: 16, failed: 4, deferred: 1 });
  const now = new Date().toISOString();
  write(
    dir,
    'journal/events.jsonl',
    jsonl([
      { at: now, type: 'unsubscribed', email: 'reader00001@example.org', source: 'one-click', issue: 3 },
      { at: now, type: 'bounced', email: 'reader00003@example.org', source: 'dsn', issue: 3, detail: '5.1.1' },
      { at: now, type: 'complained', email: 'reader00004@example.org', source: 'arf', issue: 3 },
      { at: now, type: 'soft-bounced', email: 'reader00006@example.org', source: 'dsn', issue: 3 },
      { at: now, type: 'soft-bounced', email: 'reader00006@example.org', source: 'dsn', issue: 3 },
      // No issue number: not attributed (it got issue 3, and the event came after its send).
      { at: now, type: 'unsubscribed', email: 'reader00008@example.org', source: 'mailto' },
      // Another issue's complaint, and an old bounce from before this send: neither counts here.
      { at: now, type: 'complained', email: 'reader00009@example.org', source: 'arf', issue: 2 },
      { at: '2020-01-01T00:00:00.000Z', type: 'bounced', email: 'reader00010@example.org', source: 'dsn' },
    ]),
  );
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('enews report', () => {
  it('--json: exact counts from the journal, the list and the events', async () => {
    const r = await enews(['report', '3', '--json'], dir);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({
      issue: 3,
      subject: 'ILO COOP eNewsUpdate No. 3',
      sent: 16,
      possibleDuplicates: 0,
      failed: 4,
      failedByCode: [
        { code: 550, count: 2 },
        { code: 554, count: 1 },
        { code: null, count: 1 },
      ],
      deferred: 1,
      notSentYet: 1,
      missingShards: [],
      alerts: [
        { type: 'complained', ratePercent: 6.25, limitPercent: 0.3 },
        { type: 'bounced', ratePercent: 6.25, limitPercent: 2 },
      ],
    });
    // The rows add up: an address that opted out after it got the issue still counts as sent.
    expect(j.list).toEqual({
      known: true,
      file: path.join(dir, 'subscribers.csv'),
      shard: null,
      rows: 23,
      sent: 16,
      failed: 4,
      notSentYet: 1,
      skipped: {
        invalid: 0,
        duplicate: 1,
        unsubscribed: 1,
        bounced: 0,
        complained: 0,
        suppressed: 0,
        'other-shard': 0,
      },
    });
    expect(j.events.attributed).toEqual({ unsubscribed: 1, bounced: 1, 'soft-bounced': 1, complained: 1 });
    expect(j.events.ratePercent).toEqual({ unsubscribed: 6.25, bounced: 6.25, 'soft-bounced': 6.25, complained: 6.25 });
    expect(j.events.notAttributed).toEqual({ unsubscribed: 1, bounced: 0, 'soft-bounced': 0, complained: 0 });
    const minutes = sentMinutes(path.join(dir, 'journal/003.jsonl'));
    expect(j.perMinute).toEqual([...minutes].sort().map(([minute, sent]) => ({ minute, sent })));
    expect(j.journals).toHaveLength(1);
    expect(j.journals[0]).toMatchObject({ shard: null, runs: 1, deferred: 1, finished: true });
    expect(j.addresses).toBeUndefined();
    expect(r.stdout).not.toContain('reader00002');
  });

  it('terminal: a table whose rows add up, with what each number means, and warnings over the limits', async () => {
    const r = await enews(['report', '3'], dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const row = (label: string, n: string, note = '', indent = 2) => {
      const start = `${' '.repeat(indent)}${label.padEnd(26 - indent)}${n.padStart(9)}`;
      const line = lines.find((l) => l.startsWith(start));
      expect(line, `a line starting "${start}"`).toBeDefined();
      if (note) expect(line!.slice(start.length)).toMatch(new RegExp(`^ {3}${note}`));
      else expect(line).toBe(start);
    };
    expect(lines[0]).toBe('Issue 3 (ILO COOP eNewsUpdate No. 3): 1 run, journal journal/003.jsonl');
    row('sent', '16', 'accepted by the receiving mail server$');
    row('failed', '4', 'refused for good');
    row('550', '2', 'mailbox unavailable', 4);
    row('554', '1', 'refused', 4);
    row('none', '1', 'no reply code', 4);
    row('not sent yet', '1', 'on the list, not reached yet');
    row('of them deferred', '1', 'put off at the last run', 4);
    row('skipped', '2', 'on the list but never mailed: 1 duplicate, 1 unsubscribed$');
    row('rows in the list', '23', 'subscribers.csv: sent \\+ failed \\+ not sent yet \\+ skipped$');
    row('bounced', '1', '  6.25 % {3}hard bounce');
    row('soft-bounced', '1', '  6.25 % {3}not delivered this time');
    row('complained', '1', '  6.25 % {3}marked as spam');
    row('unsubscribed', '1', '  6.25 % {3}left the list');
    expect(lines).toContain('Not attributed (no issue number; addresses that got issue 3, since its send began)');
    // The last line: reader00008's unsubscribe without an issue number.
    expect(lines.at(-2)).toBe(`  ${'unsubscribed'.padEnd(24)}${'1'.padStart(9)}`);
    expect(r.stderr).toContain('warning: The complaint rate 6.25 % is above 0.30 %');
    expect(r.stderr).toContain('warning: The hard bounce rate 6.25 % is above 2.00 %');
    for (const a of Object.keys(REFUSED)) expect(r.stdout + r.stderr).not.toContain(a);
  });

  it('not sent yet is unknown without the subscriber file, and counted again with --subscribers', async () => {
    renameSync(path.join(dir, 'subscribers.csv'), path.join(dir, 'moved.csv'));
    try {
      const r = await enews(['report', '3', '--json'], dir);
      expect(JSON.parse(r.stdout)).toMatchObject({
        sent: 16,
        deferred: 1,
        notSentYet: null,
        list: { known: false, reason: 'missing' },
      });
      const t = await enews(['report', '3'], dir);
      expect(t.stdout).toMatch(/^ {2}deferred {16} {8}1 {3}put off at the last run/m);
      expect(t.stdout).toMatch(/not sent yet +unknown {3}the subscriber file subscribers\.csv is not there/);
      const again = await enews(['report', '3', '--json', '--subscribers', 'moved.csv'], dir);
      expect(JSON.parse(again.stdout)).toMatchObject({ notSentYet: 1, list: { rows: 23 } });
    } finally {
      renameSync(path.join(dir, 'moved.csv'), path.join(dir, 'subscribers.csv'));
    }
  });

  it('no journal for the issue: exit 1 and what to do; a journal of another issue is refused', async () => {
    const r = await enews(['report', '4'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: No send journal for issue 4 in journal (004.jsonl or 004-shard-K-of-N.jsonl)');
    expect(r.stderr).toContain('give the same file: enews report N --journal FILE');
    const other = await enews(['report', '4', '--journal', 'journal/003.jsonl'], dir);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('journal/003.jsonl is the journal of issue 3, not issue 4.');
  });

  describe('--html', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser(requireTool('chromium'));
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('one self-contained page: no URL, no script, one bar per minute with sends, no address', async () => {
      const r = await enews(['report', '3', '--html', 'report.html'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('Wrote report.html.');
      const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
      expect(html).toMatch(/^<!DOCTYPE html>/);
      expect(html).not.toMatch(/https?:/i);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|\shref=|url\(|@import/i);
      const minutes = sentMinutes(path.join(dir, 'journal/003.jsonl'));
      const bars = [...html.matchAll(/<rect class="bar"[^>]*><title>([^<]*) UTC: (\d+) sent<\/title>/g)];
      expect(bars).toHaveLength(minutes.size);
      expect(bars.map((b) => Number(b[2])).reduce((a, b) => a + b, 0)).toBe(16);
      expect(bars.map((b) => b[1])).toEqual([...minutes.keys()].sort().map((m) => m.slice(11)));
      // Counts only: no address of any kind.
      expect(html).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]/i);
      expect(html).not.toContain('jörg');
      expect(html).toContain('Failures by reply code');
      expect(html).toMatch(/<th scope="row">550<\/th><td class="num">2<\/td>/);
      expect(html).toMatch(/<th scope="row">none<\/th><td class="num">1<\/td>/);
      expect(html).toContain('The complaint rate 6.25 % is above 0.30 %');
      expect(statSync(path.join(dir, 'report.html')).mode & 0o777).toBe(0o644);
    });

    it('--with-addresses lists failed, bounced and complained addresses, readable by its owner only', async () => {
      const file = path.join(dir, 'private.html');
      // Over a page without addresses (readable by all): the file becomes its owner's alone.
      expect((await enews(['report', '3', '--html', 'private.html'], dir)).code).toBe(0);
      expect(statSync(file).mode & 0o777).toBe(0o644);
      const r = await enews(['report', '3', '--html', 'private.html', '--with-addresses'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('Wrote private.html (with addresses: share it with care).');
      const html = readFileSync(file, 'utf8');
      for (const a of Object.keys(REFUSED)) expect(html).toContain(a);
      expect(html).toContain('reader00002@example.org (550)');
      expect(html).toContain('jörg@example.org (none)');
      expect(html).toContain('reader00003@example.org'); // bounced
      expect(html).toContain('reader00004@example.org'); // complained
      // Not those who only unsubscribed or soft-bounced, nor those who got it without trouble.
      for (const a of ['reader00001@', 'reader00006@', 'reader00008@', 'reader00012@']) expect(html).not.toContain(a);
      expect(statSync(file).mode & 0o777).toBe(0o600);
    });

    it('renders in Chromium without console errors, requests or horizontal scrolling at 375 px', async () => {
      for (const name of ['report.html', 'private.html']) {
        const file = path.join(dir, name);
        expect(existsSync(file)).toBe(true);
        const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
        });
        page.on('pageerror', (e) => problems.push(String(e)));
        page.on('request', (req) => requests.push(req.url()));
        await page.goto(`file://${file}`, { waitUntil: 'load' });
        const size = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          bars: document.querySelectorAll('svg rect.bar').length,
          chartWidth: document.querySelector('svg')!.getBoundingClientRect().width,
          widest: Math.max(...[...document.querySelectorAll('body *')].map((e) => e.getBoundingClientRect().right)),
        }));
        expect(problems).toEqual([]);
        expect(requests).toEqual([`file://${file}`]);
        expect(size.clientWidth).toBe(375);
        expect(size.scrollWidth).toBeLessThanOrEqual(375);
        expect(size.widest).toBeLessThanOrEqual(375);
        expect(size.bars).toBe(sentMinutes(path.join(dir, 'journal/003.jsonl')).size);
        expect(size.chartWidth).toBeGreaterThan(300);
        await page.close();
      }
    });
  });
});

describe('enews report of a sharded send', () => {
  it('combines every shard journal of the issue; one shard alone is counted as that shard', async () => {
    const d = copyProject();
    write(d, 'subscribers.csv', csv(people(12)));
    expect((await enews(['build', '3'], d)).code).toBe(0);
    const server = await startSmtp({
      rcpt: (a) => (a === 'reader00004@example.org' ? { code: 550, message: '5.1.1 No such user' } : undefined),
    });
    servers.push(server);
    for (const shard of ['1/2', '2/2']) {
      await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--shard', shard, ...FAST], d, {
        SMTP_URL: server.url(),
        UNSUBSCRIBE_SECRET: SECRET,
      });
    }
    const both = JSON.parse((await enews(['report', '3', '--json'], d)).stdout);
    expect(both).toMatchObject({ sent: 11, failed: 1, deferred: 0, notSentYet: 0, missingShards: [] });
    expect(both.journals.map((j: { shard: string }) => j.shard)).toEqual(['1/2', '2/2']);
    expect(both.list).toMatchObject({ shard: null, rows: 12, sent: 11, failed: 1, notSentYet: 0 });
    expect(both.list.skipped['other-shard']).toBe(0);

    const one = JSON.parse(
      (await enews(['report', '3', '--json', '--journal', 'journal/003-shard-1-of-2.jsonl'], d)).stdout,
    );
    const inShard1 = one.sent + one.failed;
    expect(inShard1).toBeGreaterThan(0);
    expect(one.list).toMatchObject({ shard: '1/2', rows: 12, notSentYet: 0 });
    expect(one.list.skipped['other-shard']).toBe(12 - inShard1);

    // Shard 2's journal gone: only shard 1's, found by name, is counted as shard 1 (as status does).
    rmSync(path.join(d, 'journal/003-shard-2-of-2.jsonl'));
    const left = JSON.parse((await enews(['report', '3', '--json'], d)).stdout);
    expect(left).toMatchObject({ sent: one.sent, failed: one.failed, list: { shard: '1/2' } });
  });
});
