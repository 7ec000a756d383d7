/**
 * Plan, then send. The planning pass reads the whole subscriber file once,
 * validates every row and counts who will get the issue and who is skipped
 * and why; nothing is sent until it has finished cleanly. The recipients it
 * chooses go to a spool (spool.ts) that the sending pass streams.
 */
import type { Problem } from '../errors.js';
import { readSubscribers, type SubscriberFile } from '../subscribers/read.js';
import { KeyMap } from '../util/key-set.js';
import { decide, emptyCounts, SKIP_REASONS, type AudienceRules, type SkipReason } from './audience.js';
import type { SpoolWriter } from './spool.js';

export interface Plan {
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  toSend: number;
  skipped: Record<SkipReason, number>;
  /** The first invalid rows, for the report (all are counted in skipped.invalid). */
  invalid: Problem[];
  optedOut: Map<string, 'unsubscribed' | 'bounced'>;
}

const MAX_LISTED_INVALID = 200;

export type PlanRules = Omit<AudienceRules, 'optedOut'>;

export async function planAudience(src: SubscriberFile, rules: PlanRules, spool?: SpoolWriter): Promise<Plan> {
  const skipped = emptyCounts();
  const invalid: Problem[] = [];
  const optedOut = new Map<string, 'unsubscribed' | 'bounced'>();
  // The decision for each address, made at its first row without the opt-outs, which are only
  // known at the end of the file; a compact map because a list can hold a million addresses.
  const firstSeen = new KeyMap();
  const noOptOuts: AudienceRules = { ...rules, optedOut: new Map() };
  let rows = 0;
  let toSend = 0;
  for await (const r of readSubscribers(src)) {
    rows++;
    if (!r.ok) {
      skipped.invalid++;
      if (invalid.length < MAX_LISTED_INVALID) invalid.push(r.problem);
      continue;
    }
    const { key, status } = r.subscriber;
    if (status !== 'subscribed' && optedOut.get(key) !== 'bounced') optedOut.set(key, status);
    if (firstSeen.has(key)) {
      skipped.duplicate++;
      continue;
    }
    const reason = decide(key, noOptOuts);
    firstSeen.set(key, reason ? SKIP_REASONS.indexOf(reason) + 1 : SEND);
    if (reason) skipped[reason]++;
    else {
      toSend++;
      const wait = spool?.write(r.subscriber);
      if (wait) await wait;
    }
  }
  await spool?.end();
  // An opt-out anywhere in the file outranks every other decision for that address.
  for (const [key, status] of optedOut) {
    const code = firstSeen.get(key);
    if (code === SEND) toSend--;
    else skipped[SKIP_REASONS[code - 1]!]--;
    skipped[status]++;
  }
  return { rows, toSend, skipped, invalid, optedOut };
}

const SEND = 255;
