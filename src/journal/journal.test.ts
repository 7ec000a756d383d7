/** The one reader of send journals: checked records, a torn tail tolerated, damage refused or passed over. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JournalRecord, readJournal, readJournalRecords } from './journal.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (r: object) => `${JSON.stringify(r)}\n`;
const run = line({ type: 'run', at: 'x', issue: 3, inputsHash: 'h', subscribers: 's', shard: null });
const sent = (key: string) => line({ type: 'sent', at: 'x', key, email: key, messageId: `<${key}>`, response: '250' });
let n = 0;
function journal(text: string): string {
  const file = path.join(dir, `${++n}.jsonl`);
  writeFileSync(file, text);
  return file;
}
async function keysOf(file: string, damaged?: 'refuse' | 'skip'): Promise<string[]> {
  const seen: string[] = [];
  await readJournalRecords(file, (r: JournalRecord) => void seen.push(r.type === 'sent' ? r.key : r.type), damaged);
  return seen;
}

describe('readJournalRecords', () => {
  it('reads every record in order and leaves a torn last line out, whichever the mode', async () => {
    const file = journal(run + sent('a') + sent('b') + '{"type":"sent","at":"x","ke');
    expect(await keysOf(file)).toEqual(['run', 'a', 'b']);
    expect(await keysOf(file, 'skip')).toEqual(['run', 'a', 'b']);
    expect((await readJournal(file)).tail.tornBytes).toBe('{"type":"sent","at":"x","ke'.length);
  });

  it('refuses a damaged line before the last by default, with its line number', async () => {
    const file = journal(run + sent('a') + 'not json\n' + sent('b'));
    await expect(keysOf(file)).rejects.toThrow(/damaged at line 3: it is not a record of the send journal/);
  });

  it('refuses a line that is JSON but not a journal record (the schema decides)', async () => {
    const file = journal(run + line({ type: 'sent', key: 'a' }) + sent('b'));
    await expect(keysOf(file)).rejects.toThrow(/damaged at line 2/);
  });

  it('passes over damaged lines when asked to skip them', async () => {
    const file = journal(run + sent('a') + 'not json\n' + line({ type: 'sent', key: 'x' }) + sent('b'));
    expect(await keysOf(file, 'skip')).toEqual(['run', 'a', 'b']);
  });

  it('skipping, reads nothing of a file whose first line is no record: nothing says what it is', async () => {
    expect(await keysOf(journal('not json\n' + run + sent('a')), 'skip')).toEqual([]);
    expect(await keysOf(journal(line({ hello: 1 }) + run + sent('a')), 'skip')).toEqual([]);
  });

  it("stops where the reader says 'stop'", async () => {
    const file = journal(run + sent('a') + sent('b') + sent('c'));
    const seen: string[] = [];
    await readJournalRecords(file, (r) => {
      seen.push(r.type);
      return seen.length === 2 ? 'stop' : undefined;
    });
    expect(seen).toEqual(['run', 'sent']);
  });
});
