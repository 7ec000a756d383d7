import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileJournals } from '../journal/file-journals.js';
import { verpMac } from '../personalize/return-path.js';
import { emptyWanted, scanJournals } from './sent-index.js';

const LIST = 'enews.coop.example.org';
const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-sent-index-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A journal of issue 3 that sent to these addresses. */
function journal(addresses: string[]): string {
  const at = '2026-12-01T10:00:00.000Z';
  const lines = [
    { type: 'run', at, issue: 3, inputsHash: 'h', subscribers: '/list.csv', shard: null },
    ...addresses.map((a, i) => ({ type: 'sent', at, key: a, email: a, messageId: `<m${i}@x>`, response: '250 ok' })),
  ];
  mkdirSync(path.join(dir, 'journal'), { recursive: true });
  const file = path.join(dir, 'journal', '003.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

describe('scanJournals', () => {
  it('finds the recipient of a VERP id made with any of the secrets, the old ones too', async () => {
    journal(['ana@x.org', 'ben@x.org']);
    const store = fileJournals(dir);
    const refs = await store.allJournals();
    const mac = verpMac('the-old-secret', LIST, 3, 'ben@x.org');
    const wanted = emptyWanted();
    wanted.verpMacs.set(3, new Set([mac]));
    const found = await scanJournals(store, refs, wanted, {
      secrets: ['the-new-secret', 'the-old-secret'],
      listId: LIST,
    });
    expect(found.byVerp.get(`3-${mac}`)).toEqual({ email: 'ben@x.org', issue: 3 });
    const current = await scanJournals(store, refs, wanted, { secrets: ['the-new-secret'], listId: LIST });
    expect(current.byVerp.size).toBe(0);
  });
});
