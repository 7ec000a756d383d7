/**
 * What each number of the report means, in a few words: the same words in
 * the terminal table and on the HTML page, which the core makes for people
 * and so owns its words. The skip labels are also the ones send and status
 * print (cli/words.ts), so a reason reads the same everywhere.
 */
import type { EventType } from '../events/events.js';
import type { SkipReason } from '../plan/audience.js';

/** Why a row was never mailed, as a count reads it: "3 unsubscribed, 1 in other shards". */
export const SKIP_LABELS: Record<SkipReason, string> = {
  invalid: 'invalid',
  duplicate: 'duplicate',
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  complained: 'complained',
  suppressed: 'suppressed',
  'other-shard': 'in other shards',
  'already-sent': 'already sent',
  'already-failed': 'failed before',
};

export const ROW_MEANINGS = {
  sent: 'accepted by the receiving mail server',
  failed: 'refused for good by the receiving server (by reply code below)',
  notSentYet: 'on the list, not reached yet: running the same send command again reaches them',
  deferred: 'put off at the last run by temporary refusals (4xx, timeouts); part of not sent yet',
  skipped: 'on the list but never mailed',
  notInList: 'sent or failed, but no longer in the subscriber file',
  rows: 'sent + failed + not sent yet + skipped',
} as const;

export const EVENT_MEANINGS: Record<EventType, string> = {
  bounced: 'hard bounce: returned as undeliverable after it was accepted',
  'soft-bounced': 'not delivered this time (mailbox full, refused by a filter, given up after retries…)',
  complained: 'marked as spam by the reader',
  unsubscribed: 'left the list',
};

/** The event types in the order the report lists them. */
export const REPORT_EVENT_ORDER: EventType[] = ['bounced', 'soft-bounced', 'complained', 'unsubscribed'];

export const NOT_ATTRIBUTED_MEANING =
  'events without an issue number, of addresses that got this issue, since its send began ' +
  '(they may answer this issue or another one)';

export function alertText(type: 'complained' | 'bounced', rate: string, limit: string): string {
  return type === 'complained'
    ? `The complaint rate ${rate} is above ${limit}, the spam-rate limit Gmail and Yahoo set for bulk senders.`
    : `The hard bounce rate ${rate} is above ${limit}, the bounce rate bulk senders must stay under ` +
        '(Gmail, Yahoo): clean the list before the next issue.';
}

/** 0.12 → "0.12 %"; null (nothing sent) → "–". */
export function formatPercent(p: number | null): string {
  return p === null ? '–' : `${p.toFixed(2)} %`;
}

/** 1234567 → "1,234,567" */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
