/**
 * Who got which message: the send journals, read once, line by line, for
 * only what the mailbox asks about. A journal can hold a million lines;
 * what is kept is the answers (a few per returned message), so memory does
 * not grow with the journals.
 */
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { verpId } from '../personalize/return-path.js';
import { addressKey } from '../util/email-address.js';

export interface Wanted {
  messageIds: Set<string>;
  verpIds: Set<string>;
  /** Address keys to check against the lists: are they in a journal as sent? */
  addresses: Set<string>;
}

export interface SentMessage {
  /** The recipient's address key. */
  email: string;
  issue: number;
}

export interface JournalIndex {
  byMessageId: Map<string, SentMessage>;
  byVerpId: Map<string, SentMessage>;
  /** The wanted addresses that some journal records as sent to. */
  onList: Set<string>;
  /** The journals read. */
  files: string[];
}

/** The send journals of a project: journal/*.jsonl, less the files that are not journals. */
export function journalFiles(dir: string, exclude: string[]): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const skip = new Set(exclude.map((f) => path.resolve(f)));
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl'))
    .map((n) => path.join(dir, n))
    .filter((f) => !skip.has(path.resolve(f)) && statSync(f).isFile())
    .sort();
}

export async function scanJournals(files: string[], wanted: Wanted): Promise<JournalIndex> {
  const index: JournalIndex = { byMessageId: new Map(), byVerpId: new Map(), onList: new Set(), files: [] };
  const nothingWanted = wanted.messageIds.size + wanted.verpIds.size + wanted.addresses.size === 0;
  if (nothingWanted) {
    index.files = files;
    return index;
  }
  for (const file of [...new Set(files.map((f) => path.resolve(f)))]) {
    if (await scanOne(file, wanted, index)) index.files.push(file);
  }
  return index;
}

interface SentLine {
  type?: string;
  issue?: unknown;
  key?: unknown;
  email?: unknown;
  messageId?: unknown;
}

/** Reads one journal; false when the file is not one (its first record is not a run). */
async function scanOne(file: string, wanted: Wanted, index: JournalIndex): Promise<boolean> {
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let issue: number | null = null;
  let first = true;
  const wantVerp = wanted.verpIds.size > 0;
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let r: SentLine;
      try {
        r = JSON.parse(line) as SentLine;
      } catch {
        if (first) return false;
        continue; // A torn last line, or damage that `send` and `status` report; this reader only looks things up.
      }
      if (first) {
        first = false;
        if (r?.type !== 'run') return false;
      }
      if (r.type === 'run' && typeof r.issue === 'number') issue = r.issue;
      else if ((r.type === 'sent' || r.type === 'uncertain') && issue !== null && typeof r.email === 'string') {
        const email = typeof r.key === 'string' ? r.key : addressKey(r.email);
        if (r.type === 'sent' && wanted.addresses.has(email)) index.onList.add(email);
        if (typeof r.messageId !== 'string') continue;
        const sent = { email, issue };
        if (wanted.messageIds.has(r.messageId)) index.byMessageId.set(r.messageId, sent);
        if (wantVerp) {
          const id = verpId(r.messageId);
          if (wanted.verpIds.has(id)) index.byVerpId.set(id, sent);
        }
      }
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return !first;
}
