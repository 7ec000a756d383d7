/**
 * The audience rules of a send, made the same way for `send` and `status`,
 * so that status's "not sent yet" means exactly what the next send would do.
 */
import path from 'node:path';
import type { Newsletter } from '../content/schema.js';
import { EnewsError } from '../errors.js';
import { readRoster } from '../events/roster.js';
import type { EventStore } from '../events/store.js';
import { hashMatches } from '../personalize/address-hash.js';
import { loadSuppressions } from '../subscribers/suppression.js';
import type { Shard } from '../util/shard.js';
import type { PlanRules } from './plan.js';

export interface RuleInputs {
  /** Suppression lists, absolute paths. */
  suppress: string[];
  /** The subscriber events (a missing events file has none). */
  events: Pick<EventStore, 'each'>;
  /**
   * How many events may add subscribers, bring them back or change their language (events/roster.ts): the
   * number the send's first run found, so its resumptions mail exactly its plan; null for all (a new send).
   */
  upTo: number | null;
  /** The keys of the erased addresses' hashes (UNSUBSCRIBE_SECRET, then the old ones). */
  secrets: readonly string[];
  listId: string;
  shard: Shard | null;
  /** Final outcomes already recorded (the journal). */
  done: PlanRules['done'];
  retryFailed: boolean;
}

export interface Rules extends PlanRules {
  /** The number of events the rules took sign-ups from: what a send's first run writes in its run record. */
  eventsUpTo: number;
}

export async function audienceRules(i: RuleInputs): Promise<Rules> {
  const roster = await readRoster(i.events, i.upTo);
  const lists = await loadSuppressions(i.suppress);
  if (roster.erased.size > 0 && i.secrets.length === 0) throw erasedWithoutSecret(roster.erased.size);
  // An erased address is known by its keyed hash only: a row is hashed when there are erased addresses at all.
  const erased = (key: string) => roster.erased.size > 0 && hashMatches(i.secrets, i.listId, key, roster.erased);
  return {
    events: roster.optOuts,
    suppressed: { has: (key) => lists.has(key) || erased(key) },
    signups: roster.signups,
    preferences: roster.preferences,
    eventsUpTo: i.upTo ?? roster.events,
    shard: i.shard,
    done: i.done,
    retryFailed: i.retryFailed,
  };
}

function erasedWithoutSecret(n: number): EnewsError {
  return new EnewsError(
    'erased-without-secret',
    `The list state holds ${n} erased address${n === 1 ? '' : 'es'} (enews subscriber forget), known only by a ` +
      'hash keyed with UNSUBSCRIBE_SECRET, which is not set: nobody could tell whether a row is one of them.',
    { problems: [{ message: 'Set UNSUBSCRIBE_SECRET (the one forget used, or put it in UNSUBSCRIBE_SECRET_OLD).' }] },
  );
}

/**
 * newsletter.yaml's `suppress:` (relative to issues/) and the
 * command line's --suppress (relative to the working folder).
 */
export function suppressionFiles(issuesDir: string, newsletter: Newsletter, extra: string[], cwd: string): string[] {
  return [...newsletter.suppress.map((f) => path.resolve(issuesDir, f)), ...extra.map((f) => path.resolve(cwd, f))];
}
