/**
 * What a run of `enews inbox` found, message by message, and how it adds up:
 * every message is counted once, as already processed, ignored, unreadable
 * ("unmatched": it cannot be read as a return), unproved (a return that does
 * not prove whom it is about), or as the event type it was proved to be.
 */
import type { EventType, SubscriberEvent } from '../events/events.js';
import type { ProvedBy } from '../returns/prove.js';
import type { IgnoredReason, UnmatchedReason } from './classify.js';
import type { MailSource } from './message.js';
import type { ResultSpool, SpooledList } from './result-spool.js';

/** A message listed for a person: where it is and what it looks like. */
interface Listed {
  /** Where it is in the mailbox: "UID 42", "message 12" (its place in an mbox file), "new/1493…". */
  message: string;
  /** The Message-ID of the message itself, to find it in a mail program. */
  messageId?: string;
  subject: string;
}

export interface Unmatched extends Listed {
  why: UnmatchedReason;
  detail?: string;
}

/** A return that proves nothing about whom it is about: a forgery, or one that quotes nothing of the message. */
export interface Unproved extends Listed {
  /** What it claims happened. */
  type: EventType;
  /** The addresses it names (never acted on). */
  names: string[];
}

export interface Matched {
  message: string;
  type: EventType;
  email: string;
  issue?: number;
  via: ProvedBy;
}

/**
 * A list of the result that grows with the mailbox: counted, its first entries at hand (what a report shows),
 * every entry read back in order from where it was spooled (result-spool.ts).
 */
export interface ResultList<T> {
  readonly count: number;
  /** The first entries, up to result-spool.ts FIRST (100). */
  readonly first: readonly T[];
  all(): AsyncIterable<T>;
}

export interface InboxResult {
  source: string;
  sourceKind: MailSource['kind'];
  dryRun: boolean;
  /** Where the events are recorded (the events file, or the database). */
  eventsFile: string;
  /** Messages in the mailbox. */
  messages: number;
  alreadyProcessed: number;
  /** Proved returns by type. */
  outcomes: Record<EventType, number>;
  ignored: number;
  ignoredBy: Partial<Record<IgnoredReason, number>>;
  unmatched: ResultList<Unmatched>;
  unproved: ResultList<Unproved>;
  matched: ResultList<Matched>;
  /** The events recorded (or, in a dry run, that would be). */
  events: ResultList<SubscriberEvent>;
  alreadyRecorded: number;
  fromSoftBounces: number;
  /** Whether UNSUBSCRIBE_SECRET was there to check tokens and VERP ids. */
  secret: boolean;
  journals: string[];
  notices: string[];
  /** Removes the spooled lists: call it once the result is printed (a function, so JSON leaves it out). */
  close(): void;
}

/** The result as the run fills it: its lists are appended to batch by batch. */
export type SpooledResult = Omit<InboxResult, 'unmatched' | 'unproved' | 'matched' | 'events'> & {
  unmatched: SpooledList<Unmatched>;
  unproved: SpooledList<Unproved>;
  matched: SpooledList<Matched>;
  events: SpooledList<SubscriberEvent>;
};

/** A result with nothing counted yet, its lists spooled to `spool`, which `close()` removes. */
export function emptyResult(
  source: MailSource,
  eventsFile: string,
  dryRun: boolean,
  secret: boolean,
  spool: ResultSpool,
): SpooledResult {
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
    unmatched: spool.list('unmatched'),
    unproved: spool.list('unproved'),
    matched: spool.list('matched'),
    events: spool.list('events'),
    alreadyRecorded: 0,
    fromSoftBounces: 0,
    secret,
    journals: [],
    notices: [],
    close: () => spool.remove(),
  };
}
