/**
 * Subscriber events: one append-only JSON-lines file (journal/events.jsonl
 * by default) of every change to who may be mailed, whoever learnt it: the
 * unsubscribe endpoint, the returned-mail reader, a person. `send`, `status`
 * and the preview honour it: an address that unsubscribed, bounced or
 * complained is never mailed again.
 *
 * `{at, list, type, email, source, issue?, detail?}`; `email` is the address
 * key (lower case, ASCII domain), so every source names a person the same
 * way; `list` is the newsletter's list id, so one list's events are never
 * applied to another (events written before it was recorded have none, and
 * count as the list's whose file they are in).
 *
 * Subscribers who manage themselves (enews serve's sign-up and preferences
 * pages) add the types of SUBSCRIPTION_TYPES: `subscribed` (a confirmed
 * sign-up, with its consent record), `resubscribed` (back after an
 * unsubscribe, from the preferences page), `preferences` (a new name or
 * language), and two that never hold an address in clear, only its keyed
 * hash (personalize/address-hash.ts): `signup-requested` (a confirmation was
 * mailed: the cooldown) and `forgotten` (erased: never mailed again).
 * Coming back makes the order of events matter: `round` counts an address's
 * returns, so its next unsubscribe is a new fact (roster.ts folds them).
 */
import { accessSync, constants, existsSync, type Stats, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnewsError } from '../errors.js';
import { KeyMap } from '../util/key-set.js';
import { readLog, type LogTail } from '../journal/jsonl-log.js';
import { consentSchema } from './consent.js';
import type { EventStore } from './store.js';

/** What comes back from a message or its reader: the events `report` rates per issue. */
export const EVENT_TYPES = ['unsubscribed', 'bounced', 'soft-bounced', 'complained'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What subscribers do on enews serve's sign-up and preferences pages, and what forget leaves. */
export const SUBSCRIPTION_TYPES = [
  'signup-requested',
  'subscribed',
  'resubscribed',
  'preferences',
  'forgotten',
] as const;
export type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];

export const ALL_EVENT_TYPES = [...EVENT_TYPES, ...SUBSCRIPTION_TYPES] as const;
export type AnyEventType = (typeof ALL_EVENT_TYPES)[number];

export const eventSchema = z.strictObject({
  at: z.string(),
  /** The list id (newsletter.yaml's list_id) the event belongs to. */
  list: z.string().min(1).optional(),
  type: z.enum(ALL_EVENT_TYPES),
  /** The address key; for signup-requested and forgotten, its keyed hash (h:…). */
  email: z.string().min(3),
  /** Who learnt it: one-click, page, mailto, dsn, arf, reply, import, form, preferences… */
  source: z.string(),
  /** The issue the event belongs to, when known (the message it answers). */
  issue: z.number().int().positive().optional(),
  detail: z.string().optional(),
  /** How many times the address came back after unsubscribing before this event (absent: 0). */
  round: z.number().int().min(0).optional(),
  /** subscribed, preferences: the name and language the subscriber gave (a language of the newsletter). */
  name: z.string().max(200).optional(),
  language: z.string().max(35).optional(),
  /** subscribed, resubscribed: what the subscriber agreed to, when and how (consent.ts). */
  consent: consentSchema.optional(),
});
export type SubscriberEvent = z.infer<typeof eventSchema>;

/** The reasons an address is never mailed again, as the plan counts them (more serious first). */
export type OptOutReason = 'complained' | 'bounced' | 'unsubscribed';
const CODE: Record<OptOutReason, number> = { unsubscribed: 1, bounced: 2, complained: 3 };
const REASON: Record<number, OptOutReason> = { 1: 'unsubscribed', 2: 'bounced', 3: 'complained' };

export function defaultEventsPath(root: string): string {
  return path.join(root, 'journal', 'events.jsonl');
}

/**
 * What makes two events the same fact, recorded once: an unsubscribe is one per address and round (whichever
 * issue or path it came by; round 0 keeps the key of the events written before rounds), a bounce, a soft bounce
 * or a complaint one per address and issue (soft bounces in three issues make a bounce). Joining is one per
 * address and round, whether by a confirmed sign-up or the preferences page, so a confirmation link clicked twice
 * records once; a change of preferences is one per moment and content; a forget once per address.
 */
export function eventKey(
  e: Pick<SubscriberEvent, 'type' | 'email'> &
    Partial<Pick<SubscriberEvent, 'issue' | 'round' | 'at' | 'name' | 'language'>>,
): string {
  switch (e.type) {
    case 'unsubscribed':
      return e.round ? `unsubscribed\n${e.email}\n${e.round}` : `unsubscribed\n${e.email}`;
    case 'subscribed':
    case 'resubscribed':
      return `joined\n${e.email}\n${e.round ?? 0}`;
    case 'preferences':
      return `preferences\n${e.email}\n${e.at}\n${e.name ?? ''}\n${e.language ?? ''}`;
    case 'signup-requested':
      return `signup-requested\n${e.email}\n${e.at}`;
    case 'forgotten':
      return `forgotten\n${e.email}`;
    default:
      return `${e.type}\n${e.email}\n${e.issue ?? ''}`;
  }
}

/** The key of the unsubscribe of `email` in `round` (for a look-up without an event at hand). */
export function unsubscribeKey(email: string, round: number): string {
  return eventKey({ type: 'unsubscribed', email, round });
}

/** The key of `email`'s joining in `round`: its presence says the address came back `round` times. */
export function joinedKey(email: string, round: number): string {
  return eventKey({ type: 'subscribed', email, round });
}

/**
 * How many times `email` came back after unsubscribing: the round its next unsubscribe belongs to. One look-up
 * per return and one more (none came back: one look-up), so the unsubscribe endpoint stays as fast as it was.
 */
export async function currentRound(store: Pick<EventStore, 'has'>, email: string): Promise<number> {
  let round = 0;
  while (await store.has(joinedKey(email, round + 1))) round++;
  return round;
}

/** The error for a file that holds another list's events. */
export function otherListError(file: string, line: number, theirs: string, ours: string): EnewsError {
  return new EnewsError(
    'events-other-list',
    `${file} holds events of the list ${theirs} (line ${line}), not of ${ours}: it is another newsletter's.`,
    {
      problems: [
        {
          message:
            'Give this newsletter its own events file (--events FILE), or check list_id in issues/newsletter.yaml.',
          location: { file, line },
        },
      ],
    },
  );
}

/**
 * Streams every event in order (a missing file has none). An event of another list refuses the whole file:
 * applying it would stop mailing (or count) people of this list for what happened on another.
 */
export async function readEvents(
  file: string,
  listId: string | null,
  each: (e: SubscriberEvent) => void,
): Promise<LogTail> {
  let line = 0;
  let foreign: EnewsError | null = null;
  const scan = await readLog(
    file,
    (value) => {
      line++;
      const r = eventSchema.safeParse(value);
      if (!r.success) return false;
      if (listId !== null && r.data.list !== undefined && r.data.list !== listId)
        foreign ??= otherListError(file, line, r.data.list, listId);
      if (!foreign) each(r.data);
      return true;
    },
    'the subscriber events',
  );
  if (foreign) throw foreign;
  return scan.tail;
}

/** Who must not be mailed, and why, compactly (a million opt-outs are a few tens of MB). */
export class OptOuts {
  private readonly map = new KeyMap();

  /** Opted-out addresses. */
  get size(): number {
    return this.map.size;
  }

  get(key: string): OptOutReason | undefined {
    return REASON[this.map.get(key)];
  }

  add(key: string, reason: OptOutReason): void {
    // The more serious reason wins: a complaint outranks a bounce outranks an unsubscribe.
    if (CODE[reason] > this.map.get(key)) this.map.set(key, CODE[reason]);
  }

  /**
   * The subscriber came back (a confirmed sign-up, the preferences page): an unsubscribe no longer holds. A bounce
   * or a complaint does: see roster.ts.
   */
  rejoin(key: string): void {
    if (this.map.get(key) === CODE.unsubscribed) this.map.set(key, 0);
  }
}

/**
 * Why events cannot be appended to `file`, or null when they can: it exists as a writable regular
 * file, or the nearest folder that exists is writable (the rest is created). For `enews inbox`
 * before it reads a mailbox, and `enews serve`'s health check.
 */
export function eventsFileProblem(file: string, known?: Stats | null): string | null {
  let dir = path.dirname(file);
  // `known`: the file's stat taken just now by the caller (null: not there), so as not to ask twice.
  const st = known === undefined ? (existsSync(file) ? statSync(file) : null) : known;
  if (st) {
    if (!st.isFile()) return 'it is not a regular file';
    if (!writable(file)) return 'permission denied';
  } else {
    while (!existsSync(dir)) dir = path.dirname(dir);
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
    if (!writable(dir)) return `permission denied in ${dir}`;
  }
  return spaceProblem(dir);
}

/** Less free space than this and an append may fail half-way: health says so before a subscriber finds out. */
export const MIN_FREE_BYTES = 64 * 1024;

function spaceProblem(dir: string): string | null {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize < MIN_FREE_BYTES ? 'the disk is full' : null;
  } catch {
    // A file system that cannot say (rare) is judged by its writes.
    return null;
  }
}

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
