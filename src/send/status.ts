/**
 * `enews status`: what the journal says of a send, and, when the subscriber
 * file it was written for is still there, who is left.
 */
import { existsSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import { displayPath } from '../content/yaml-file.js';
import { readJournal } from '../journal/journal.js';
import { parseShard, type SkipReason } from '../plan/audience.js';
import { openSubscriberFile, planAudience } from '../plan/plan.js';
import { KeySet } from '../util/key-set.js';

export interface SendStatus {
  journal: string;
  runs: number;
  sent: number;
  failed: number;
  lastRun: { stopped: string | null; at: string } | null;
  /** From re-planning against the subscriber file; null when it is gone. */
  list: { file: string; rows: number; remaining: number; skipped: Record<SkipReason, number> } | null;
}

export async function sendStatus(journalFile: string): Promise<SendStatus> {
  if (!existsSync(journalFile)) {
    throw new EnewsError('no-journal', `No journal at ${displayPath(journalFile)}: nothing has been sent for this issue yet (or it used another --journal).`);
  }
  const state = await readJournal(journalFile);
  const { sent, failed } = state.outcomes;
  const status: SendStatus = {
    journal: journalFile,
    runs: state.runs,
    sent,
    failed,
    lastRun: state.lastEnd ? { stopped: state.lastEnd.stopped, at: state.lastEnd.at } : null,
    list: null,
  };
  const id = state.identity;
  if (id && existsSync(id.subscribers)) {
    const plan = await planAudience(openSubscriberFile(id.subscribers), {
      suppressed: new KeySet(),
      shard: id.shard ? parseShard(id.shard) : null,
      done: state.outcomes,
      retryFailed: false,
    });
    status.list = { file: id.subscribers, rows: plan.rows, remaining: plan.toSend, skipped: plan.skipped };
  }
  return status;
}
