/**
 * "Not sent yet", planned against the subscriber file with the rules of
 * `send` and `status` (suppression lists, events, shard, journal outcomes),
 * so it is what the next send would do, and every row is counted as they
 * count it: sent + failed + not sent yet + skipped = rows in the file.
 */
import { existsSync } from 'node:fs';
import type { SkipReason } from '../plan/audience.js';
import { parseShard } from '../util/shard.js';
import { planAudience } from '../plan/plan.js';
import type { EventStore } from '../events/store.js';
import { audienceRules } from '../plan/rules.js';
import { openSubscriberFile } from '../subscribers/read.js';
import type { JournalSummary } from './journals.js';

export type OtherSkipReason = Exclude<SkipReason, 'already-sent' | 'already-failed'>;

export interface ListCount {
  known: true;
  file: string;
  /** The shard planned ("2/4") when every journal is of that one shard; null: the whole list. */
  shard: string | null;
  rows: number;
  /** Addresses of the file the journals record as sent, or as failed. */
  sent: number;
  failed: number;
  notSentYet: number;
  /** Rows never mailed, by reason (invalid, duplicate, opted out, suppressed, other shards). */
  skipped: Record<OtherSkipReason, number>;
}

export interface ListUnknown {
  known: false;
  /** missing: the file is not there; several: the journals name different files (give --subscribers). */
  reason: 'missing' | 'several' | 'unnamed';
  files: string[];
}

export interface ListInputs {
  journals: JournalSummary[];
  /** --subscribers, absolute. */
  subscribers: string | null;
  events: Pick<EventStore, 'each'>;
  done: { outcome(key: string): 'sent' | 'failed' | undefined };
  /** The keys of erased addresses' hashes (plan/rules.ts), and the list. */
  secrets: readonly string[];
  listId: string;
}

export async function planList(i: ListInputs): Promise<ListCount | ListUnknown> {
  const named = [...new Set(i.journals.flatMap((j) => (j.subscribers ? [j.subscribers] : [])))];
  const file = i.subscribers ?? (named.length === 1 ? named[0]! : null);
  if (!file) return { known: false, reason: named.length ? 'several' : 'unnamed', files: named };
  if (!existsSync(file)) return { known: false, reason: 'missing', files: [file] };

  const shards = [...new Set(i.journals.map((j) => j.shard))];
  // One shard's journals: that shard, as status counts it. Several, or a mix: the whole list.
  const shard = shards.length === 1 && shards[0] ? parseShard(shards[0]) : null;
  const done = { get: (k: string) => i.done.outcome(k) };
  // The very decisions of send and status (plan/audience.ts): the journal first, so who got it counts as sent.
  const rules = await audienceRules({
    suppress: [...new Set(i.journals.flatMap((j) => j.suppress))].filter((f) => existsSync(f)),
    events: i.events,
    // The sign-ups the sends took: of a split, every shard's (the one that started last found the most).
    upTo: Math.max(0, ...i.journals.map((j) => j.eventsUpTo)),
    secrets: i.secrets,
    listId: i.listId,
    shard,
    done,
    retryFailed: false,
  });
  const plan = await planAudience(openSubscriberFile(file), rules);
  const { 'already-sent': sent, 'already-failed': failed, ...others } = plan.skipped;
  return {
    known: true,
    file,
    shard: shard ? `${shard.k}/${shard.n}` : null,
    rows: plan.rows,
    sent,
    failed,
    notSentYet: plan.toSend,
    skipped: others,
  };
}
