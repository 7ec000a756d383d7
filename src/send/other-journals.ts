/**
 * Other journals of the same issue and list. A send with a second journal
 * (a new --journal file, or an unsharded run beside sharded ones) knows
 * nothing of what the first recorded, and would mail those people again:
 * the confirmation must say so loudly.
 */
import { closeSync, createReadStream, existsSync, openSync, readdirSync, readSync } from 'node:fs';
import path from 'node:path';
import type { JournalIdentity } from '../journal/journal.js';

export interface OtherJournal {
  file: string;
  shard: string | null;
  /** `sent` records in it. */
  sent: number;
}

export async function otherJournals(folders: string[], ours: string, id: JournalIdentity): Promise<OtherJournal[]> {
  const found: OtherJournal[] = [];
  const seen = new Set([path.resolve(ours)]);
  for (const dir of new Set(folders.map((f) => path.resolve(f)))) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)
      .filter((n) => n.endsWith('.jsonl'))
      .sort()) {
      const file = path.join(dir, name);
      if (seen.has(file)) continue;
      seen.add(file);
      const run = firstRecord(file);
      if (run?.type !== 'run' || run.issue !== id.issue || run.subscribers !== id.subscribers) continue;
      // Two shards of one split never share a recipient; anything else can.
      if (run.shard != null && id.shard !== null && run.shard !== id.shard) continue;
      const sent = await countSent(file);
      if (sent > 0) found.push({ file, shard: run.shard ?? null, sent });
    }
  }
  return found;
}

function firstRecord(
  file: string,
): { type?: string; issue?: number; subscribers?: string; shard?: string | null } | null {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const line = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
    return JSON.parse(line);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

async function countSent(file: string): Promise<number> {
  let n = 0;
  let carry = '';
  for await (const chunk of createReadStream(file, 'utf8')) {
    const lines = (carry + chunk).split('\n');
    carry = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{"type":"sent"')) n++;
  }
  return n;
}
