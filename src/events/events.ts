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
 */
import { accessSync, constants, existsSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnewsError } from '../errors.js';
import { KeyMap } from '../util/key-set.js';
import { readLog, type LogTail } from '../journal/jsonl-log.js';
import type { EventStore } from './store.js';

export const EVENT_TYPES = ['unsubscribed', 'bounced', 'soft-bounced', 'complained'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventSchema = z.strictObject({
  at: z.string(),
  /** The list id (newsletter.yaml's list_id) the event belongs to. */
  list: z.string().min(1).optional(),
  type: z.enum(EVENT_TYPES),
  email: z.string().min(3),
  /** Who learnt it: one-click, page, mailto, dsn, arf, reply, import… */
  source: z.string(),
  /** The issue the event belongs to, when known (the message it answers). */
  issue: z.number().int().positive().optional(),
  detail: z.string().optional(),
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
 * What makes two events the same fact, recorded once: an unsubscribe is one per address, whichever issue or
 * path it came by; a bounce, a soft bounce or a complaint is one per address and issue (soft bounces in three
 * issues make a bounce).
 */
export function eventKey(e: Pick<SubscriberEvent, 'type' | 'email' | 'issue'>): string {
  return e.type === 'unsubscribed' ? `unsubscribed\n${e.email}` : `${e.type}\n${e.email}\n${e.issue ?? ''}`;
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
}

/**
 * The opt-outs an events file holds. A soft bounce alone is not one:
 * `enews inbox` records a `bounced` when they add up.
 */
export async function readOptOuts(store: Pick<EventStore, 'each'>): Promise<OptOuts> {
  const out = new OptOuts();
  await store.each((e) => {
    if (e.type !== 'soft-bounced') out.add(e.email, e.type);
  });
  return out;
}

/**
 * Why events cannot be appended to `file`, or null when they can: it exists as a writable regular
 * file, or the nearest folder that exists is writable (the rest is created). For `enews inbox`
 * before it reads a mailbox, and `enews serve`'s health check.
 */
export function eventsFileProblem(file: string): string | null {
  let dir = path.dirname(file);
  if (existsSync(file)) {
    if (!statSync(file).isFile()) return 'it is not a regular file';
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
