/**
 * "Not sent yet", planned against the subscriber file with the rules of
 * `send` and `status` (suppression lists, events, shard, journal outcomes),
 * so it is what the next send would do. One difference in the counting, not
 * in the decision: an address the journals record is counted as sent (or
 * failed) even if it has opted out since, so that sent + failed + not sent
 * yet + skipped = rows in the file.
 */
import { existsSync } from 'node:fs';
import type { SkipReason } from '../plan/audience.js';
import { parseShard } from '../util/shard.js';
import { planAudience, type PlanRules } from '../plan/plan.js';
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
  events: string;
  done: { outcome(key: string): 'sent' | 'failed' | undefined };
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
  const base = await audienceRules({
    suppress: [...new Set(i.journals.flatMap((j) => j.suppress))].filter((f) => existsSync(f)),
    events: i.events,
    shard,
    done,
    retryFailed: false,
  });
  // The same decisions; only addresses already done are counted as done before any opt-out.
  const rules: PlanRules = {
    ...base,
    events: { get: (k) => (done.get(k) ? undefined : base.events.get(k)) },
    suppressed: { has: (k) => !done.get(k) && base.suppressed.has(k) },
  };
  const plan = await planAudience(openSubscriberFile(file), rules);
  const skipped = { ...plan.skipped };
  // planAudience lets an unsubscribed/bounced row anywhere in the file outrank the journal; count it back.
  for (const [key, status] of plan.optedOut) {
    const outcome = done.get(key);
    if (!outcome) continue;
    skipped[status]--;
    skipped[outcome === 'sent' ? 'already-sent' : 'already-failed']++;
  }
  const { 'already-sent': sent, 'already-failed': failed, ...others } = skipped;
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
