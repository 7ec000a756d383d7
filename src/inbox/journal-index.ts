/**
 * Who got which message: the send journals, read once, line by line, for
 * only what the mailbox asks about. A journal can hold a million lines;
 * what is kept is the answers (a few per returned message), so memory does
 * not grow with the journals.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readJournalRecords } from '../journal/journal.js';
import { verpId } from '../personalize/return-path.js';

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

/** Reads one journal; false when the file is not one (its first record is not a run). */
async function scanOne(file: string, wanted: Wanted, index: JournalIndex): Promise<boolean> {
  let issue: number | null = null;
  const wantVerp = wanted.verpIds.size > 0;
  // Damage is passed over: `send` and `status` report it; this reader only looks things up. Checking each
  // record with the journal's schema costs little beside JSON.parse: 200,000 sent records scan in about
  // 0.8 s either way (2026-12-07, within the noise of that machine).
  await readJournalRecords(
    file,
    (r) => {
      if (r.type === 'run') issue = r.issue;
      else if (issue === null) return 'stop';
      else if (r.type === 'sent' || r.type === 'uncertain') {
        if (r.type === 'sent' && wanted.addresses.has(r.key)) index.onList.add(r.key);
        const sent = { email: r.key, issue };
        if (wanted.messageIds.has(r.messageId)) index.byMessageId.set(r.messageId, sent);
        if (wantVerp) {
          const id = verpId(r.messageId);
          if (wanted.verpIds.has(id)) index.byVerpId.set(id, sent);
        }
      }
    },
    'skip',
  );
  return issue !== null;
}
