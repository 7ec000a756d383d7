/**
 * `enews status`: what the journal says of a send, and, against the
 * subscriber file, who is left, decided by the same audience rules the send
 * used (its suppression lists and shard, read from the journal), so the
 * rows add up to the file and "not sent yet" is what the next send would do.
 */
import { existsSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import { readJournal } from '../journal/journal.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { defaultEventsPath } from '../events/events.js';
import { EventsFile } from '../events/events-file.js';
import { defaultJournalPath } from '../journal/paths.js';
import type { SkipReason } from '../plan/audience.js';
import { parseShard, shardLabel, type Shard } from '../util/shard.js';
import { planAudience } from '../plan/plan.js';
import { audienceRules } from '../plan/rules.js';
import { openSubscriberFile } from '../subscribers/read.js';

export interface StatusRequest {
  root: string;
  number: number;
  journal: string | null;
  shard: Shard | null;
  /** Another subscriber file to count against (default: the one the journal was written for). */
  subscribers: string | null;
  /** The events file (default: the one the send named, else journal/events.jsonl). */
  events: string | null;
}

export interface SendStatus {
  journal: string;
  runs: number;
  sent: number;
  failed: number;
  /** Sent, but an earlier attempt was handed over in full and never answered: it may have arrived twice. */
  possibleDuplicates: number;
  lastRun: { stopped: string | null; at: string } | null;
  /** From planning against the subscriber file; null when it is gone. */
  list: {
    file: string;
    rows: number;
    remaining: number;
    skipped: Record<SkipReason, number>;
    shard: string | null;
  } | null;
  /** Suppression lists the send used that no longer exist (their addresses count as not sent yet). */
  missingSuppressions: string[];
}

export async function sendStatus(req: StatusRequest): Promise<SendStatus> {
  const file = req.journal ?? defaultJournalPath(req.root, req.number, req.shard);
  if (!existsSync(file)) {
    throw new EnewsError(
      'no-journal',
      `No journal at ${file}: nothing has been sent for issue ` +
        `${req.number} yet (or it used another --journal or --shard).`,
    );
  }
  const state = await readJournal(file);
  const status: SendStatus = {
    journal: file,
    runs: state.runs,
    sent: state.outcomes.sent,
    failed: state.outcomes.failed,
    possibleDuplicates: state.possibleDuplicates,
    lastRun: state.lastEnd ? { stopped: state.lastEnd.stopped, at: state.lastEnd.at } : null,
    list: null,
    missingSuppressions: state.suppress.filter((f) => !existsSync(f)),
  };
  const id = state.identity;
  const subscribers = req.subscribers ?? id?.subscribers ?? null;
  if (subscribers && existsSync(subscribers)) {
    const shard = req.shard ?? (id?.shard ? parseShard(id.shard) : null);
    const rules = await audienceRules({
      suppress: state.suppress.filter((f) => existsSync(f)),
      events: new EventsFile(
        req.events ?? state.events ?? defaultEventsPath(req.root),
        loadNewsletter(contentPaths(req.root)).newsletter.list_id,
      ),
      shard,
      done: state.outcomes,
      retryFailed: false,
    });
    const plan = await planAudience(openSubscriberFile(subscribers), rules);
    status.list = {
      file: subscribers,
      rows: plan.rows,
      remaining: plan.toSend,
      skipped: plan.skipped,
      shard: shardLabel(shard),
    };
  }
  return status;
}
