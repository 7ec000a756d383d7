/**
 * Subscriber events: one append-only JSON-lines file (journal/events.jsonl
 * by default) of every change to who may be mailed, whoever learnt it: the
 * unsubscribe endpoint, the returned-mail reader, a person. `send`, `status`
 * and the preview honour it: an address that unsubscribed, bounced or
 * complained is never mailed again.
 *
 * `{at, type, email, source, issue?, detail?}`; `email` is the address key
 * (lower case, ASCII domain), so every source names a person the same way.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { KeyMap } from '../util/key-set.js';
import { readLog, type LogTail } from '../journal/jsonl-log.js';

export const EVENT_TYPES = ['unsubscribed', 'bounced', 'soft-bounced', 'complained'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventSchema = z.strictObject({
  at: z.string(),
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

/** Streams every event in order (a missing file has none). */
export async function readEvents(file: string, each: (e: SubscriberEvent) => void): Promise<LogTail> {
  const scan = await readLog(
    file,
    (value) => {
      const r = eventSchema.safeParse(value);
      if (r.success) each(r.data);
      return r.success;
    },
    'the subscriber events',
  );
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
export async function readOptOuts(file: string): Promise<OptOuts> {
  const out = new OptOuts();
  await readEvents(file, (e) => {
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
  if (existsSync(file)) {
    if (!statSync(file).isFile()) return 'it is not a regular file';
    return writable(file) ? null : 'permission denied';
  }
  let dir = path.dirname(file);
  while (!existsSync(dir)) dir = path.dirname(dir);
  if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  return writable(dir) ? null : `permission denied in ${dir}`;
}

function writable(p: string): boolean {
  try {
    accessSync(p, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
