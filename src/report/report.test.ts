import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reportPage } from './html.js';
import { gatherReport, percent } from './report.js';
import { fileState, type ListState } from '../state/open.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');

/** A project with a subscriber file of `n` readers and the given journal and events files. */
function project(n: number, journals: Record<string, object[]>, events: object[] = []): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'enews-report-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'journal'));
  const emails = Array.from({ length: n }, (_, i) => `r${i + 1}@x.org`);
  writeFileSync(path.join(root, 'list.csv'), `email\n${emails.join('\n')}\n`);
  for (const [name, records] of Object.entries(journals)) {
    // A run record with an empty subscribers field names this project's list.
    const withList = records.map((r) =>
      'subscribers' in r && r.subscribers === '' ? { ...r, subscribers: path.join(root, 'list.csv') } : r,
    );
    writeFileSync(path.join(root, 'journal', name), lines(withList));
  }
  writeFileSync(path.join(root, 'journal/events.jsonl'), lines(events));
  return root;
}

const T0 = '2026-05-30T09:00:00.000Z';
const run = (shard: string | null, suppress?: string[]) => ({
  type: 'run',
  at: T0,
  issue: 3,
  inputsHash: 'h',
  subscribers: '',
  shard,
  ...(suppress ? { suppress } : {}),
});
const sent = (key: string) => ({ type: 'sent', at: T0, key, email: key, messageId: '<m>', response: '250 ok' });
const failed = (key: string, code: number) => ({ type: 'failed', at: T0, key, email: key, code, response: 'no' });
const ev = (type: string, email: string, issue?: number, at = '2026-05-30T12:00:00.000Z') => ({
  at,
  type,
  email,
  source: 'test',
  ...(issue === undefined ? {} : { issue }),
});
const request = (root: string) => ({
  root,
  number: 3,
  journals: null,
  events: null,
  subscribers: null,
  withAddresses: false,
});
/** The list state of a project: its files (the same report from the database is tests/state-*.test.ts's). */
const files = (root: string): ListState => fileState({ root, listId: 'enews.coop.example.org' });

describe('gatherReport', () => {
  it('two shards of three: the whole list is counted and the missing shard named', async () => {
    const root = project(10, {
      '003-shard-1-of-3.jsonl': [run('1/3'), sent('r1@x.org'), failed('r2@x.org', 550)],
      '003-shard-2-of-3.jsonl': [run('2/3'), sent('r3@x.org')],
    });
    const r = await gatherReport(request(root), files(root));
    expect(r).toMatchObject({ sent: 2, failed: 1, notSentYet: 7, missingShards: ['3/3'] });
    expect(r.list).toMatchObject({ known: true, shard: null, rows: 10, sent: 2, failed: 1, notSentYet: 7 });
  });

  it('rows add up when people opted out after they got it; the opt-out keeps them off the next send', async () => {
    const root = project(6, { '003.jsonl': [run(null), sent('r1@x.org'), sent('r2@x.org'), failed('r3@x.org', 554)] }, [
      ev('complained', 'r1@x.org', 3),
      ev('bounced', 'r3@x.org', 3),
      // Not sent: the opt-out skips them.
      ev('unsubscribed', 'r4@x.org'),
      // Without an issue number: attributed to nobody, counted apart when it got the issue and came after the send.
      ev('unsubscribed', 'r2@x.org'),
      ev('bounced', 'r2@x.org', undefined, '2020-01-01T00:00:00.000Z'),
      ev('soft-bounced', 'r5@x.org'),
      ev('complained', 'r2@x.org', 2),
    ]);
    const r = await gatherReport(request(root), files(root));
    expect(r.list).toMatchObject({ rows: 6, sent: 2, failed: 1, notSentYet: 2 });
    if (!r.list.known) throw new Error('list expected');
    expect(r.list.skipped).toMatchObject({ unsubscribed: 1, complained: 0, bounced: 0 });
    expect(r.events.attributed).toEqual({ unsubscribed: 0, bounced: 1, 'soft-bounced': 0, complained: 1 });
    expect(r.events.notAttributed).toEqual({ unsubscribed: 1, bounced: 0, 'soft-bounced': 0, complained: 0 });
    expect(r.events.ratePercent.complained).toBe(50);
    expect(r.alerts.map((a) => a.type)).toEqual(['complained', 'bounced']);
  });

  it('with addresses: failed, bounced and complained, for the page only when asked', async () => {
    const root = project(3, { '003.jsonl': [run(null), sent('r1@x.org'), failed('r2@x.org', 550)] }, [
      ev('complained', 'r1@x.org', 3),
    ]);
    const r = await gatherReport({ ...request(root), withAddresses: true }, files(root));
    expect(r.addresses?.failed).toEqual([{ email: 'r2@x.org', code: 550 }]);
    expect(r.addresses?.events.attributed.complained).toEqual(['r1@x.org']);
    const page = reportPage(r, { generatedAt: T0 });
    expect(page).toContain('r2@x.org (550)');
    const without = await gatherReport(request(root), files(root));
    expect(without.addresses).toBeUndefined();
    expect(reportPage(without, { generatedAt: T0 })).not.toContain('@x.org');
  });

  it('names suppression lists that are gone, and has no list to count against when the journals disagree', async () => {
    const root = project(2, {
      '003.jsonl': [run(null, ['/gone/suppress.csv']), sent('r1@x.org')],
      '003-shard-1-of-2.jsonl': [{ ...run('1/2'), subscribers: '/elsewhere.csv' }],
    });
    const r = await gatherReport(request(root), files(root));
    expect(r.missingSuppressions).toEqual(['/gone/suppress.csv']);
    expect(r.list).toEqual({ known: false, reason: 'several', files: ['/elsewhere.csv', path.join(root, 'list.csv')] });
    expect(r.notSentYet).toBeNull();
  });

  it('no journal: a clear error', async () => {
    const root = project(1, {});
    await expect(gatherReport(request(root), files(root))).rejects.toThrow('No send journal for issue 3 in');
  });
});

describe('percent', () => {
  it('rounds to two decimals and has no rate without sends', () => {
    expect([percent(1, 800), percent(3, 1000), percent(2, 3), percent(0, 0)]).toEqual([0.13, 0.3, 66.67, null]);
  });
});
