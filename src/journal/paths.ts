import path from 'node:path';
import { padded } from '../content/issue-number.js';
import type { Shard } from '../util/shard.js';

/** journal/003.jsonl, or journal/003-shard-2-of-4.jsonl: outside dist/, one per issue and shard. */
export function defaultJournalPath(root: string, number: number, shard: Shard | null): string {
  const name = padded(number) + (shard ? `-shard-${shard.k}-of-${shard.n}` : '');
  return path.join(root, 'journal', `${name}.jsonl`);
}
