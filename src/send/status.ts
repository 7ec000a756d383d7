/**
 * `enews status`: what the journal says of a send, and, against the
 * subscriber file, who is left, decided by the same audience rules the send
 * used (its suppression lists and shard, read from the journal), so the
 * rows add up to the file and "not sent yet" is what the next send would do.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EnewsError } from '../errors.js';
import { readJournalState } from '../journal/journal.js';
import { EventsFile } from '../events/events-file.js';
import type { ListState } from '../state/open.js';
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
  /** --events: the events file the state was opened with (default: the one the send named, else journal/events.jsonl). */
  events: string | null;
  /** The keys of erased addresses' hashes (config/unsubscribe-secret.ts, hashKeys). */
  secrets?: readonly string[];
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
    /** Of the rows, the confirmed sign-ups the file does not have; of `remaining`, those not mailed yet. */
    signups: { rows: number; toSend: number };
    remaining: number;
    skipped: Record<SkipReason, number>;
    shard: string | null;
  } | null;
  /** Suppression lists the send used that no longer exist (their addresses count as not sent yet). */
  missingSuppressions: string[];
}

export async function sendStatus(req: StatusRequest, list: ListState): Promise<SendStatus> {
  const ref = list.journals.journalOf(req.number, req.shard, req.journal);
  if (!(await list.journals.exists(ref))) {
    throw new EnewsError(
      'no-journal',
      `No ${list.journals.kind === 'files' ? `journal at ${ref.label}` : ref.label}: nothing has been sent for ` +
        `issue ${req.number} yet (or it used another --journal or --shard).`,
    );
  }
  const state = await readJournalState(list.journals, ref);
  const status: SendStatus = {
    journal: ref.label,
    runs: state.runs,
    sent: state.outcomes.sent,
    failed: state.outcomes.failed,
    possibleDuplicates: state.possibleDuplicates,
    lastRun: state.lastEnd ? { stopped: state.lastEnd.stopped, at: state.lastEnd.at } : null,
    list: null,
    missingSuppressions: state.suppress.filter((f) => !existsSync(f)),
  };
  const id = state.identity;
  // A journal in the database names its list by its path in the project (prepare.ts, listIdentity).
  const subscribers = req.subscribers ?? (id ? path.resolve(req.root, id.subscribers) : null);
  if (subscribers && existsSync(subscribers)) {
    const shard = req.shard ?? (id?.shard ? parseShard(id.shard) : null);
    const rules = await audienceRules({
      suppress: state.suppress.filter((f) => existsSync(f)),
      // In files, the events file the send honoured unless another is named; the database has one.
      events:
        list.kind === 'files' && !req.events && state.events ? new EventsFile(state.events, list.listId) : list.events,
      upTo: state.eventsUpTo,
      secrets: req.secrets ?? [],
      listId: list.listId,
      shard,
      done: state.outcomes,
      retryFailed: false,
    });
    const plan = await planAudience(openSubscriberFile(subscribers), rules);
    status.list = {
      file: subscribers,
      rows: plan.rows,
      signups: plan.signups,
      remaining: plan.toSend,
      skipped: plan.skipped,
      shard: shardLabel(shard),
    };
  }
  return status;
}
