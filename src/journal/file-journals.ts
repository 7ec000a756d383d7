/**
 * The send journals as files under journal/ (the embedded default: nothing
 * to install): journal/003.jsonl, journal/003-shard-2-of-4.jsonl, or the
 * file --journal names. The lock is the kernel's, on journal/003.jsonl.lock
 * (lock.ts); appends go straight to the kernel and fsync in groups
 * (jsonl-log.ts), so a kill loses nothing appended.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { padded } from '../content/issue-number.js';
import type { Shard } from '../util/shard.js';
import { openJournalWriter, readJournalRecords } from './journal.js';
import { acquireLock } from './lock.js';
import { defaultJournalPath } from './paths.js';
import type { JournalRef, JournalStore } from './store.js';

const ref = (file: string): JournalRef => ({ name: file, label: file });

export function fileJournals(root: string): JournalStore {
  const dir = path.join(root, 'journal');
  const filesIn = (keep: (name: string) => boolean) =>
    existsSync(dir) && statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter(keep)
          .sort()
          .map((n) => path.join(dir, n))
          .filter((f) => statSync(f).isFile())
      : [];
  return {
    kind: 'files',
    journalOf: (issue: number, shard: Shard | null, file?: string | null) =>
      ref(file ?? defaultJournalPath(root, issue, shard)),
    async issueJournals(issue) {
      const named = new RegExp(`^${padded(issue)}(-shard-\\d+-of-\\d+)?\\.jsonl$`);
      return filesIn((n) => named.test(n)).map(ref);
    },
    async allJournals(extra = []) {
      // Every .jsonl file: readers pass over those whose first record is no run (the events, the inbox's memory).
      const all = [...filesIn((n) => n.endsWith('.jsonl')), ...extra.map((f) => path.resolve(f))];
      return [...new Set(all)].map(ref);
    },
    async exists(ref) {
      return existsSync(ref.name);
    },
    read: (ref, onRecord, damaged = 'refuse') => readJournalRecords(ref.name, onRecord, damaged),
    async lock(ref, who) {
      return acquireLock(ref.name, who);
    },
    async appender(ref, tail) {
      return openJournalWriter(ref.name, tail);
    },
  };
}
