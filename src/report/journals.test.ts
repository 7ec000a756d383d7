import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileJournals } from '../journal/file-journals.js';
import { DeliveryTally, readIssueJournal } from './journals.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, object[]>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'enews-report-'));
  dirs.push(root);
  mkdirSync(path.join(root, 'journal'));
  for (const [name, records] of Object.entries(files)) {
    writeFileSync(path.join(root, 'journal', name), records.map((r) => JSON.stringify(r) + '\n').join(''));
  }
  return root;
}

const run = (at: string, shard: string | null = null, issue = 3) => ({
  type: 'run',
  at,
  issue,
  inputsHash: 'h',
  subscribers: '/list.csv',
  shard,
});
const sent = (key: string, at: string, possibleDuplicate?: boolean) => ({
  type: 'sent',
  at,
  key,
  email: key,
  messageId: `<${key}>`,
  response: '250 ok',
  ...(possibleDuplicate ? { possibleDuplicate } : {}),
});
const failed = (key: string, code: number | null, at = '2026-05-30T09:00:00.000Z') => ({
  type: 'failed',
  at,
  key,
  email: key.toUpperCase(),
  code,
  response: `${code} no`,
});
const end = (at: string, deferred: number, stopped: string | null = null) => ({
  type: 'end',
  at,
  sent: 0,
  failed: 0,
  deferred,
  stopped,
});

describe('DeliveryTally', () => {
  it('keeps the final outcome per address: a later sent wins, the latest refusal gives the code', async () => {
    const root = project({
      '003.jsonl': [
        run('2026-05-30T09:00:00.000Z'),
        sent('a@x.org', '2026-05-30T09:00:10.000Z'),
        failed('b@x.org', 550),
        failed('c@x.org', 550),
        failed('d@x.org', null),
        end('2026-05-30T09:01:00.000Z', 2),
        // --retry-failed: b gets it, c is refused again with another code, d again without one.
        run('2026-05-30T10:00:00.000Z'),
        sent('b@x.org', '2026-05-30T10:00:01.000Z'),
        failed('c@x.org', 554),
        failed('d@x.org', null),
        // A failure never undoes a delivery.
        failed('a@x.org', 552),
        sent('e@x.org', '2026-05-30T10:00:59.999Z', true),
        end('2026-05-30T10:01:00.000Z', 0, 'interrupted'),
      ],
    });
    const t = new DeliveryTally(true);
    const store = fileJournals(root);
    const s = await readIssueJournal(store, store.journalOf(3, null), 3, t);
    expect(s).toMatchObject({ runs: 2, deferred: 0, finished: true, shard: null, subscribers: '/list.csv' });
    expect(s.lastEnd).toEqual({ at: '2026-05-30T10:01:00.000Z', stopped: 'interrupted' });
    expect({ sent: t.sent, failed: t.failed, possibleDuplicates: t.possibleDuplicates }).toEqual({
      sent: 3,
      failed: 2,
      possibleDuplicates: 1,
    });
    expect(t.failuresByCode()).toEqual([
      { code: 554, count: 1 },
      { code: null, count: 1 },
    ]);
    expect([...t.failedAddresses!.values()]).toEqual([
      { email: 'C@X.ORG', code: 554 },
      { email: 'D@X.ORG', code: null },
    ]);
    expect(t.perMinute()).toEqual([
      { minute: '2026-05-30T09:00', sent: 1 },
      { minute: '2026-05-30T10:00', sent: 2 },
    ]);
    expect(t.firstRunAt).toBe('2026-05-30T09:00:00.000Z');
    expect(t.lastSentAt).toBe('2026-05-30T10:00:59.999Z');
    expect([t.gotIt('a@x.org'), t.gotIt('c@x.org'), t.outcome('c@x.org'), t.outcome('z@x.org')]).toEqual([
      true,
      false,
      'failed',
      undefined,
    ]);
  });

  it('shards add up; an address two journals both sent counts once and as possibly twice', async () => {
    const root = project({
      '003-shard-1-of-2.jsonl': [run('2026-05-30T09:00:00.000Z', '1/2'), sent('a@x.org', '2026-05-30T09:00:01Z')],
      '003-shard-2-of-2.jsonl': [
        run('2026-05-30T08:59:00.000Z', '2/2'),
        sent('b@x.org', '2026-05-30T09:01:00Z'),
        end('2026-05-30T09:02:00.000Z', 3),
        run('2026-05-30T09:03:00.000Z', '2/2'),
      ],
      '003.jsonl': [run('2026-05-30T11:00:00.000Z'), sent('a@x.org', '2026-05-30T11:00:00Z')],
      '033.jsonl': [run('2026-05-30T09:00:00.000Z', null, 33)],
      '003-shard-1-of-2.jsonl.lock': [],
    });
    const store = fileJournals(root);
    const files = await store.issueJournals(3);
    expect(files.map((f) => path.basename(f.name))).toEqual([
      '003-shard-1-of-2.jsonl',
      '003-shard-2-of-2.jsonl',
      '003.jsonl',
    ]);
    const t = new DeliveryTally(false);
    const summaries = [];
    for (const f of files) summaries.push(await readIssueJournal(store, f, 3, t));
    expect(summaries.map((s) => [s.shard, s.deferred, s.finished])).toEqual([
      ['1/2', 0, false],
      // The run after the last end never ended: killed, or still running.
      ['2/2', 3, false],
      [null, 0, false],
    ]);
    expect({ sent: t.sent, possibleDuplicates: t.possibleDuplicates, first: t.firstRunAt }).toEqual({
      sent: 2,
      possibleDuplicates: 1,
      first: '2026-05-30T08:59:00.000Z',
    });
    expect(t.failedAddresses).toBeNull();
    expect(t.perMinute().reduce((a, m) => a + m.sent, 0)).toBe(2);
  });

  it('refuses a journal of another issue, and a missing one', async () => {
    const root = project({ 'x.jsonl': [run('2026-05-30T09:00:00.000Z', null, 2)] });
    const store = fileJournals(root);
    const x = store.journalOf(3, null, path.join(root, 'journal/x.jsonl'));
    await expect(readIssueJournal(store, x, 3, new DeliveryTally(false))).rejects.toThrow(
      'is the journal of issue 2, not issue 3.',
    );
    const nope = store.journalOf(3, null, path.join(root, 'nope.jsonl'));
    await expect(readIssueJournal(store, nope, 3, new DeliveryTally(false))).rejects.toThrow('No journal at');
    expect(await fileJournals(path.join(root, 'nowhere')).issueJournals(3)).toEqual([]);
  });
});
