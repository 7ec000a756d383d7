/**
 * The one way a return becomes an event, whatever brought it (the mailbox,
 * the SMTP reply of a send, a webhook): prove whom each is about (prove.ts),
 * drop what the list state already has, add a bounce where soft bounces add
 * up (decide.ts), and record the rest through the store, durably, once.
 */
import type { EventStore } from '../events/store.js';
import type { EventType, SubscriberEvent } from '../events/events.js';
import { neutralize } from '../util/safe-text.js';
import { decideEvents, readExisting, type Candidate } from './decide.js';
import { addWanted, prove, type ProofContext, type ProvedBy } from './prove.js';
import type { Return } from './return.js';
import { emptyIndex, emptyWanted, scanJournals } from './sent-index.js';
import type { JournalRef, JournalStore } from '../journal/store.js';

export interface RecordOptions extends ProofContext {
  store: EventStore;
  /** The send journals to look identifiers up in, and where they are. */
  journals: JournalRef[];
  journalStore: JournalStore | null;
  dryRun: boolean;
  /** The time written on the events (ISO). */
  at: string;
}

export interface ProvedReturn {
  ref: string;
  type: EventType;
  email: string;
  issue?: number;
  via: ProvedBy;
}

export interface RecordResult {
  /** Per return (in order): what it was proved to be about, or null when nothing proves it. */
  proved: Array<ProvedReturn | null>;
  /** The events recorded (in a dry run: that would be). */
  events: SubscriberEvent[];
  alreadyRecorded: number;
  fromSoftBounces: number;
  /** The journals read to look identifiers up. */
  journals: string[];
}

export async function recordReturns(returns: Return[], o: RecordOptions): Promise<RecordResult> {
  const wanted = emptyWanted();
  for (const r of returns) addWanted(r, wanted, o);
  const index = o.journalStore ? await scanJournals(o.journalStore, o.journals, wanted, o) : emptyIndex();
  const candidates: Candidate[] = [];
  const proved = returns.map((r): ProvedReturn | null => {
    const p = prove(r, index, o);
    if (!p) return null;
    const issue = p.issue !== undefined ? { issue: p.issue } : {};
    // The detail comes from strangers' mail: no control characters reach a terminal or the list state.
    const detail = neutralize(p.outcome.detail);
    candidates.push({
      type: p.outcome.type,
      email: p.email,
      source: r.source,
      via: p.via,
      ...issue,
      ...(detail ? { detail } : {}),
    });
    return { ref: r.ref, type: p.outcome.type, email: p.email, via: p.via, ...issue };
  });
  const existing = await readExisting(o.store, new Set(candidates.map((c) => c.email)));
  const decision = decideEvents(candidates, existing, o.at, o.listId);
  // The store decides again, under its lock: another process may have recorded some of them meanwhile.
  if (!o.dryRun) await o.store.record(decision.events);
  return {
    proved,
    events: decision.events,
    alreadyRecorded: decision.alreadyRecorded,
    fromSoftBounces: decision.fromSoftBounces,
    journals: index.files,
  };
}
