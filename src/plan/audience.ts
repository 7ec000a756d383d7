/**
 * Who gets the issue. One decision per CSV row, the same in the planning
 * pass and the sending pass: invalid, duplicate, opted out, suppressed,
 * another shard's, already done, or send.
 */
import type { Shard } from '../util/shard.js';

export const SKIP_REASONS = [
  'invalid',
  'duplicate',
  'unsubscribed',
  'bounced',
  'complained',
  'suppressed',
  'other-shard',
  'already-sent',
  'already-failed',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** FNV-1a: stable across machines and Node versions, so N machines agree on the split. */
export function shardOf(key: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h >>> 0) % n) + 1;
}

export interface AudienceRules {
  /** Addresses with an unsubscribed/bounced row anywhere in the file: never mailed. */
  optedOut: ReadonlyMap<string, 'unsubscribed' | 'bounced'>;
  /** What the subscriber events say (unsubscribed through the endpoint, bounced, complained): never mailed again. */
  events: { get(key: string): 'unsubscribed' | 'bounced' | 'complained' | undefined };
  suppressed: { has(key: string): boolean };
  shard: Shard | null;
  /** Outcomes already in the journal. */
  done: { get(key: string): 'sent' | 'failed' | undefined };
  retryFailed: boolean;
}

/**
 * The reason an address (first occurrence in the file) is not mailed, or null to mail it. What the journal
 * records comes first: whoever received the issue stays "already sent" for it whatever happens later (an
 * unsubscribe after it, say), so send, status and report count every row the same way. A failed address that
 * has opted out since is not retried, even with --retry-failed.
 */
export function decide(key: string, rules: AudienceRules): SkipReason | null {
  const done = rules.done.get(key);
  if (done === 'sent') return 'already-sent';
  if (done === 'failed' && !rules.retryFailed) return 'already-failed';
  const out = rules.optedOut.get(key) ?? rules.events.get(key);
  if (out) return out;
  if (rules.suppressed.has(key)) return 'suppressed';
  if (rules.shard && shardOf(key, rules.shard.n) !== rules.shard.k) return 'other-shard';
  return null;
}

export function emptyCounts(): Record<SkipReason, number> {
  return Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
}
