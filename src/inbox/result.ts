/**
 * What a run of `enews inbox` found, message by message, and how it adds up.
 */
import type { EventType, SubscriberEvent } from '../events/events.js';
import type { Classified, IgnoredReason, UnmatchedReason } from './classify.js';
import type { JournalIndex } from './journal-index.js';
import type { MailboxMessage, MailSource } from './message.js';
import { resolve, type Candidate, type MatchedBy } from './resolve.js';

export interface Unmatched {
  /** Where it is in the mailbox: "UID 42", "message 12" (its place in an mbox file), "new/1493…". */
  message: string;
  /** The Message-ID of the return itself, to find it in a mail program. */
  messageId?: string;
  subject: string;
  why: UnmatchedReason;
  detail?: string;
}

export interface Matched {
  message: string;
  type: EventType;
  email: string;
  issue?: number;
  via: MatchedBy;
}

export interface InboxResult {
  source: string;
  sourceKind: MailSource['kind'];
  dryRun: boolean;
  eventsFile: string;
  /** Messages in the mailbox. */
  messages: number;
  alreadyProcessed: number;
  outcomes: Record<EventType, number>;
  ignored: number;
  ignoredBy: Partial<Record<IgnoredReason, number>>;
  unmatched: Unmatched[];
  matched: Matched[];
  /** The events recorded (or, in a dry run, that would be). */
  events: SubscriberEvent[];
  alreadyRecorded: number;
  fromSoftBounces: number;
  /** Unsubscribe requests read without UNSUBSCRIBE_SECRET (matched by From address only). */
  requestsWithoutSecret: number;
  journals: string[];
  notices: string[];
}

/** What is kept of each message between reading the mailbox and recording: a few hundred bytes. */
export interface Pending {
  msg: Pick<MailboxMessage, 'ref' | 'fingerprint' | 'uid'>;
  messageId?: string;
  subject: string;
  c: Classified;
}

export function emptyResult(source: MailSource, eventsFile: string, dryRun: boolean): InboxResult {
  return {
    source: source.label,
    sourceKind: source.kind,
    dryRun,
    eventsFile,
    messages: 0,
    alreadyProcessed: 0,
    outcomes: { bounced: 0, 'soft-bounced': 0, complained: 0, unsubscribed: 0 },
    ignored: 0,
    ignoredBy: {},
    unmatched: [],
    matched: [],
    events: [],
    alreadyRecorded: 0,
    fromSoftBounces: 0,
    requestsWithoutSecret: 0,
    journals: [],
    notices: [],
  };
}

/**
 * Resolves every message and counts it once: as the event type it was matched to, ignored or unmatched.
 * Returns the candidate events and the messages dealt with (the unmatched are not: they are listed again
 * next run, until a person deals with them or a journal that names them turns up).
 */
export function tally(
  pending: Pending[],
  index: JournalIndex,
  r: InboxResult,
): { candidates: Candidate[]; done: Pending[] } {
  const candidates: Candidate[] = [];
  const done: Pending[] = [];
  for (const p of pending) {
    const res = resolve(p.c, index);
    if (res.outcome === 'unmatched') {
      r.unmatched.push({
        message: p.msg.ref,
        ...(p.messageId ? { messageId: p.messageId } : {}),
        subject: p.subject,
        why: res.why,
        ...(res.detail ? { detail: res.detail } : {}),
      });
      continue;
    }
    done.push(p);
    if (res.outcome === 'ignored') {
      r.ignored++;
      r.ignoredBy[res.why] = (r.ignoredBy[res.why] ?? 0) + 1;
      continue;
    }
    r.outcomes[res.outcome]++;
    for (const c of res.candidates) {
      candidates.push(c);
      const issue = c.issue ? { issue: c.issue } : {};
      r.matched.push({ message: p.msg.ref, type: c.type, email: c.email, ...issue, via: c.via });
    }
  }
  return { candidates, done };
}
