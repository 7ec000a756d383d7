import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verpId } from '../personalize/return-path.js';
import { journalFiles, scanJournals } from './journal-index.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-journals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const line = (r: object) => `${JSON.stringify(r)}\n`;
const run = (issue: number) => line({ type: 'run', at: 'x', issue, inputsHash: 'h', subscribers: 's', shard: null });
const sent = (email: string, messageId: string) =>
  line({ type: 'sent', at: 'x', key: email.toLowerCase(), email, messageId, response: '250 ok' });

describe('scanJournals', () => {
  it('answers only what is asked, from every journal, and skips files that are not journals', async () => {
    writeFileSync(
      path.join(dir, '002.jsonl'),
      run(2) + sent('Ana@Example.org', '<a2@x>') + sent('ben@example.org', '<b2@x>'),
    );
    writeFileSync(
      path.join(dir, '003-shard-1-of-2.jsonl'),
      run(3) + sent('ana@example.org', '<a3@x>') + 'not json\n' + sent('cy@example.org', '<c3@x>') + '{"type":"se',
    );
    writeFileSync(
      path.join(dir, 'events.jsonl'),
      line({ at: 'x', type: 'bounced', email: 'ana@example.org', source: 'x' }),
    );
    writeFileSync(path.join(dir, 'notes.jsonl'), line({ hello: 1 }));
    const files = journalFiles(dir, [path.join(dir, 'events.jsonl')]);
    expect(files.map((f) => path.basename(f))).toEqual(['002.jsonl', '003-shard-1-of-2.jsonl', 'notes.jsonl']);
    const index = await scanJournals(files, {
      messageIds: new Set(['<b2@x>', '<nope@x>']),
      verpIds: new Set([verpId('<a3@x>')]),
      addresses: new Set(['ana@example.org', 'cy@example.org', 'dee@example.org']),
    });
    expect([...index.byMessageId]).toEqual([['<b2@x>', { email: 'ben@example.org', issue: 2 }]]);
    expect([...index.byVerpId]).toEqual([[verpId('<a3@x>'), { email: 'ana@example.org', issue: 3 }]]);
    expect([...index.onList].sort()).toEqual(['ana@example.org', 'cy@example.org']);
    expect(index.files.map((f) => path.basename(f))).toEqual(['002.jsonl', '003-shard-1-of-2.jsonl']);
  });
});
