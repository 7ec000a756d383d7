/**
 * The audience rules of a send, made the same way for `send` and `status`,
 * so that status's "not sent yet" means exactly what the next send would do.
 */
import path from 'node:path';
import type { Newsletter } from '../content/schema.js';
import { readOptOuts } from '../events/events.js';
import type { EventStore } from '../events/store.js';
import { loadSuppressions } from '../subscribers/suppression.js';
import type { Shard } from '../util/shard.js';
import type { PlanRules } from './plan.js';

export interface RuleInputs {
  /** Suppression lists, absolute paths. */
  suppress: string[];
  /** The subscriber events (a missing events file has none). */
  events: Pick<EventStore, 'each'>;
  shard: Shard | null;
  /** Final outcomes already recorded (the journal). */
  done: PlanRules['done'];
  retryFailed: boolean;
}

export async function audienceRules(i: RuleInputs): Promise<PlanRules> {
  return {
    events: await readOptOuts(i.events),
    suppressed: await loadSuppressions(i.suppress),
    shard: i.shard,
    done: i.done,
    retryFailed: i.retryFailed,
  };
}

/**
 * newsletter.yaml's `suppress:` (relative to issues/) and the
 * command line's --suppress (relative to the working folder).
 */
export function suppressionFiles(issuesDir: string, newsletter: Newsletter, extra: string[], cwd: string): string[] {
  return [...newsletter.suppress.map((f) => path.resolve(issuesDir, f)), ...extra.map((f) => path.resolve(cwd, f))];
}
