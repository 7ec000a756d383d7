/**
 * Which events to record: each fact once (an event the list state already
 * has, by eventKey, is not written again), and a `bounced` for an address
 * whose soft bounces span SOFT_BOUNCE_ISSUES different issues: a mailbox that
 * was full or refused the newsletter for three issues in a row is as good as
 * gone, while one full mailbox is not.
 */
import { EnewsError, ExitCode } from '../errors.js';
import { eventKey, type EventType, type SubscriberEvent } from '../events/events.js';
import type { EventStore } from '../events/store.js';
import type { ReturnSource } from './return.js';
import type { ProvedBy } from './prove.js';

export const SOFT_BOUNCE_ISSUES = 3;

/** A proved return, as the event it asks for. */
export interface Candidate {
  type: EventType;
  email: string;
  issue?: number;
  source: ReturnSource;
  detail?: string;
  via: ProvedBy;
}

/** What the list state already says about the addresses of this run. */
export interface ExistingEvents {
  keys: Set<string>;
  /** Issues each address soft-bounced in. */
  softIssues: Map<string, Set<number>>;
  /** Addresses with a `bounced` event. */
  bounced: Set<string>;
  /** How many times each address came back after unsubscribing (events/roster.ts): the round of its next unsubscribe. */
  rounds: Map<string, number>;
}

export function emptyExisting(): ExistingEvents {
  return { keys: new Set(), softIssues: new Map(), bounced: new Set(), rounds: new Map() };
}

/**
 * Keeps the events of `emails` only (the list can name a million people), but reads them all, even for no
 * one: a damaged store stops the run (exit 4) before anything is recorded, whether or not it has anything to add.
 */
export async function readExisting(store: Pick<EventStore, 'each'>, emails: Set<string>): Promise<ExistingEvents> {
  const out = emptyExisting();
  try {
    await store.each((e) => {
      if (!emails.has(e.email)) return;
      out.keys.add(eventKey(e));
      if ((e.type === 'subscribed' || e.type === 'resubscribed') && (e.round ?? 0) > (out.rounds.get(e.email) ?? 0))
        out.rounds.set(e.email, e.round!);
      if (e.type === 'bounced') out.bounced.add(e.email);
      if (e.type === 'soft-bounced' && e.issue !== undefined) {
        let s = out.softIssues.get(e.email);
        if (!s) out.softIssues.set(e.email, (s = new Set()));
        s.add(e.issue);
      }
    });
  } catch (err) {
    if (err instanceof EnewsError)
      throw new EnewsError(err.code, `${err.message} Nothing was recorded.`, {
        exitCode: ExitCode.stopped,
        problems: err.problems,
        cause: err,
      });
    throw err;
  }
  return out;
}

export interface Decision {
  /** New events, in the order of the returns. */
  events: SubscriberEvent[];
  /** Candidates the list state (or an earlier return of this run) already had. */
  alreadyRecorded: number;
  /** The `bounced` events added for soft bounces in SOFT_BOUNCE_ISSUES issues. */
  fromSoftBounces: number;
}

export function decideEvents(candidates: Candidate[], existing: ExistingEvents, at: string, list: string): Decision {
  const keys = new Set(existing.keys);
  const bounced = new Set(existing.bounced);
  const soft = new Map<string, Set<number>>();
  for (const [email, issues] of existing.softIssues) soft.set(email, new Set(issues));
  const events: SubscriberEvent[] = [];
  let alreadyRecorded = 0;
  const softEmails: string[] = [];
  for (const c of candidates) {
    // An unsubscribe after the subscriber came back is a new fact: it belongs to their current round.
    const round = c.type === 'unsubscribed' ? (existing.rounds.get(c.email) ?? 0) : 0;
    const key = eventKey({ ...c, round });
    if (c.type === 'soft-bounced') softEmails.push(c.email);
    if (keys.has(key)) {
      alreadyRecorded++;
      continue;
    }
    keys.add(key);
    events.push({
      at,
      list,
      type: c.type,
      email: c.email,
      source: c.source,
      ...(c.issue !== undefined ? { issue: c.issue } : {}),
      ...(c.detail ? { detail: c.detail } : {}),
      ...(round ? { round } : {}),
    });
    if (c.type === 'bounced') bounced.add(c.email);
    if (c.type === 'soft-bounced' && c.issue !== undefined) {
      let s = soft.get(c.email);
      if (!s) soft.set(c.email, (s = new Set()));
      s.add(c.issue);
    }
  }
  let fromSoftBounces = 0;
  for (const email of new Set(softEmails)) {
    const issues = [...(soft.get(email) ?? [])].sort((a, b) => a - b);
    if (issues.length < SOFT_BOUNCE_ISSUES || bounced.has(email)) continue;
    bounced.add(email);
    fromSoftBounces++;
    events.push({
      at,
      list,
      type: 'bounced',
      email,
      source: 'dsn',
      detail: `soft-bounced in issues ${listed(issues)}`,
    });
  }
  return { events, alreadyRecorded, fromSoftBounces };
}

/** 1, 2 and 3 */
function listed(ns: number[]): string {
  return ns.length === 1 ? String(ns[0]) : `${ns.slice(0, -1).join(', ')} and ${ns[ns.length - 1]}`;
}
