/**
 * enews events: the subscriber events exported for a CRM, exactly, with
 * every filter; CSV that survives commas, quotes, line breaks and formulas;
 * and a million-line file streamed in a process that could not hold it.
 */
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { csvField, parseSince } from '../src/events/export.js';
import { BIN } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { emptyDir, REPO, write } from './helpers/project.js';

const EVENTS = [
  { at: '2026-05-01T08:00:00.000Z', type: 'unsubscribed', email: 'a@example.org', source: 'one-click', issue: 3 },
  {
    at: '2026-05-02T09:30:00.000Z',
    type: 'bounced',
    email: 'b@example.org',
    source: 'dsn',
    issue: 3,
    detail: '550 5.1.1 "unknown", user',
  },
  {
    at: '2026-05-03T10:00:00.000Z',
    type: 'complained',
    email: 'c@example.org',
    source: 'arf',
    detail: '=HYPERLINK("x")',
  },
  {
    at: '2026-05-03T23:59:59.999Z',
    type: 'soft-bounced',
    email: 'd@example.org',
    source: 'dsn',
    issue: 2,
    detail: 'line one\nline two',
  },
  { at: '2026-05-04T00:00:00.000Z', type: 'unsubscribed', email: 'zoë@xn--exmple-cua.org', source: 'page', issue: 2 },
];
const HEADER = 'at,type,email,source,issue,detail';
const CSV = [
  '2026-05-01T08:00:00.000Z,unsubscribed,a@example.org,one-click,3,',
  '2026-05-02T09:30:00.000Z,bounced,b@example.org,dsn,3,"550 5.1.1 ""unknown"", user"',
  `2026-05-03T10:00:00.000Z,complained,c@example.org,arf,,"'=HYPERLINK(""x"")"`,
  '2026-05-03T23:59:59.999Z,soft-bounced,d@example.org,dsn,2,"line one\nline two"',
  '2026-05-04T00:00:00.000Z,unsubscribed,zoë@xn--exmple-cua.org,page,2,',
];
let dir: string;

beforeAll(() => {
  dir = emptyDir();
  write(dir, 'events.jsonl', EVENTS.map((e) => JSON.stringify(e) + '\n').join(''));
});

const events = (...args: string[]) => enews(['events', '--events', 'events.jsonl', ...args], dir);
const csvOf = (rows: number[]) => [HEADER, ...rows.map((i) => CSV[i])].join('\n') + '\n';

describe('enews events --csv', () => {
  it('exports every event, quoted where needed, a formula made harmless', async () => {
    const r = await events('--csv');
    expect(r).toEqual({ code: 0, stdout: csvOf([0, 1, 2, 3, 4]), stderr: '' });
    // A CSV reader gets the fields back (the formula with its apostrophe).
    const rows = parse(r.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => x.detail)).toEqual([
      '',
      '550 5.1.1 "unknown", user',
      `'=HYPERLINK("x")`,
      'line one\nline two',
      '',
    ]);
    expect(rows.map((x) => x.email)).toEqual(EVENTS.map((e) => e.email));
  });

  it('filters by type (repeatable), issue and time', async () => {
    expect((await events('--csv', '--type', 'bounced', '--type', 'complained')).stdout).toBe(csvOf([1, 2]));
    expect((await events('--csv', '--issue', '3')).stdout).toBe(csvOf([0, 1]));
    expect((await events('--csv', '--issue', '003', '--type', 'unsubscribed')).stdout).toBe(csvOf([0]));
    // A day starts at midnight UTC.
    expect((await events('--csv', '--since', '2026-05-03')).stdout).toBe(csvOf([2, 3, 4]));
    expect((await events('--csv', '--since', '2026-05-03T23:59:59.999Z')).stdout).toBe(csvOf([3, 4]));
    // Without a zone a time is UTC; with one, it is that zone's.
    expect((await events('--csv', '--since', '2026-05-02T09:30')).stdout).toBe(csvOf([1, 2, 3, 4]));
    expect((await events('--csv', '--since', '2026-05-04T02:00:00+02:00')).stdout).toBe(csvOf([4]));
    expect((await events('--csv', '--since', '2026-06-01')).stdout).toBe(`${HEADER}\n`);
  });
});

describe('enews events --json and --jsonl', () => {
  it('--json: an array of the events, fields in a fixed order', async () => {
    const r = await events('--json', '--issue', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`[\n  ${JSON.stringify(EVENTS[3])},\n  ${JSON.stringify(EVENTS[4])}\n]\n`);
    expect(JSON.parse(r.stdout)).toEqual([EVENTS[3], EVENTS[4]]);
    expect((await events('--json', '--type', 'complained', '--issue', '3')).stdout).toBe('[]\n');
    expect(JSON.parse((await events('--json')).stdout)).toEqual(EVENTS);
  });

  it('--jsonl: one event per line', async () => {
    const r = await events('--jsonl', '--since', '2026-05-02', '--type', 'bounced', '--type', 'soft-bounced');
    expect(r.stdout).toBe(`${JSON.stringify(EVENTS[1])}\n${JSON.stringify(EVENTS[3])}\n`);
  });
});

describe('enews events as a table', () => {
  it('one line per event and a count; line breaks in a detail do not break the table', async () => {
    const r = await events('--type', 'soft-bounced', '--type', 'unsubscribed');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `${'at                        type          issue  source     email'.padEnd(90)}  detail`,
      '2026-05-01T08:00:00.000Z  unsubscribed      3  one-click  a@example.org',
      `${'2026-05-03T23:59:59.999Z  soft-bounced      2  dsn        d@example.org'.padEnd(90)}  line one line two`,
      '2026-05-04T00:00:00.000Z  unsubscribed      2  page       zoë@xn--exmple-cua.org',
      '3 events',
      '',
    ]);
    expect((await events('--issue', '9')).stdout).toContain('No events match.');
  });
});

describe('enews events: mistakes', () => {
  it('an unknown type is a usage error that lists the types', async () => {
    const r = await events('--csv', '--type', 'bounced', '--type', 'spam');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: Unknown event type "spam" in --type: use one of unsubscribed, bounced, soft-bounced, complained, signup-requested, subscribed, resubscribed, preferences, forgotten.\n',
    );
  });

  it('a date that is not one, two formats at once, a bad issue number: usage errors', async () => {
    for (const since of ['2026-02-30', 'yesterday', '2026-05-03T24:00', '2026-05-03 10:00', '3/5/2026']) {
      const r = await events('--csv', '--since', since);
      expect(r.code, since).toBe(2);
      expect(r.stderr).toContain(`--since "${since}" is not a date: give YYYY-MM-DD`);
    }
    const both = await events('--csv', '--json');
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('Choose one output format: --csv or --json.');
    expect((await events('--issue', 'three')).code).toBe(2);
  });

  it('a missing --events file is an error; no events file yet is an empty export', async () => {
    const r = await enews(['events', '--csv', '--events', 'nope.jsonl'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('error: No events file at nope.jsonl.\n');
    const fresh = await enews(['events', '--csv'], emptyDir());
    expect(fresh).toEqual({
      code: 0,
      stdout: `${HEADER}\n`,
      stderr: 'note: no events recorded yet (journal/events.jsonl does not exist).\n',
    });
  });
});

describe('csvField and parseSince', () => {
  it('quotes what RFC 4180 needs quoted and defuses formulas', () => {
    expect(
      ['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\r', ' lead', 'trail ', '', 7, undefined].map(csvField),
    ).toEqual(['plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '"cr\r"', '" lead"', '"trail "', '', '7', '']);
    expect(['=1+1', '+1', '-1', '@SUM(A1)', '\tx', 'a=b'].map(csvField)).toEqual([
      "'=1+1",
      "'+1",
      "'-1",
      "'@SUM(A1)",
      "'\tx",
      'a=b',
    ]);
  });

  it('reads days and ISO times, and nothing else', () => {
    expect(parseSince('2026-05-03')).toBe(Date.UTC(2026, 4, 3));
    expect(parseSince('2026-05-03T10:20')).toBe(Date.UTC(2026, 4, 3, 10, 20));
    expect(parseSince('2026-05-03T10:20:30.5Z')).toBe(Date.UTC(2026, 4, 3, 10, 20, 30, 500));
    expect(parseSince('2026-05-03T10:20:30-05:30')).toBe(Date.UTC(2026, 4, 3, 15, 50, 30));
    for (const bad of ['2026-13-01', '2026-05-03T10:60', '2026-05-03T10:00+25:00', '20260503', '2026-05-03Z', ''])
      expect(parseSince(bad), bad).toBeNull();
  });
});

describe('a million events', () => {
  it('--csv streams them through a process whose memory could not hold the file', async () => {
    const big = emptyDir();
    const file = path.join(big, 'events.jsonl');
    const N = 1_000_000;
    const out = createWriteStream(file);
    let chunk = '';
    for (let i = 0; i < N; i++) {
      const type = i % 3 === 0 ? 'bounced' : 'unsubscribed';
      chunk +=
        `{"at":"2026-05-01T00:00:00.000Z","type":"${type}","email":"r${i}@example.org",` +
        `"source":"dsn","issue":${1 + (i % 4)}}\n`;
      if (chunk.length > 1 << 20) {
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        chunk = '';
      }
    }
    await new Promise<void>((r) => out.end(chunk, () => r()));
    expect(statSync(file).size).toBeGreaterThan(80_000_000);

    // The CLI in a child with a 64 MB heap, output to a file: loading the events at once would not fit.
    const csvFile = path.join(big, 'out.csv');
    const fd = openSync(csvFile, 'w');
    const code = await new Promise<number | null>((resolve, reject) => {
      const args = ['events', '--csv', '--type', 'bounced', '--events', file];
      const child = spawn(process.execPath, ['--max-old-space-size=64', BIN, ...args], {
        cwd: REPO,
        stdio: ['ignore', fd, 'inherit'],
      });
      child.on('error', reject);
      child.on('close', resolve);
    });
    closeSync(fd);
    expect(code).toBe(0);
    const lines = readFileSync(csvFile, 'utf8').split('\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines).toHaveLength(1 + Math.ceil(N / 3) + 1);
    expect(lines[1]).toBe('2026-05-01T00:00:00.000Z,bounced,r0@example.org,dsn,1,');
    expect(lines.at(-2)).toBe('2026-05-01T00:00:00.000Z,bounced,r999999@example.org,dsn,4,');
  }, 120_000);
});
