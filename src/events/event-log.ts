/**
 * Appending to the events file, from one process or several at once (two
 * `enews serve` behind one proxy, an `enews inbox` from cron).
 *
 * Every append takes the file's lock, cuts back a torn last line if a crash
 * left one, writes its records (O_APPEND, one write each) and fsyncs before
 * returning: an unsubscribe answered "done" is on disk. The lock is what
 * makes the repair safe: no other process is half-way through a write when
 * the tail is cut. Only the end is read (an append must not cost more as
 * the file grows); a damaged line elsewhere is found and refused with its
 * number by everything that reads the file.
 */
import { acquireLockWaiting } from '../journal/lock.js';
import { LogWriter, readTailOnly } from '../journal/jsonl-log.js';
import { eventSchema, type SubscriberEvent } from './events.js';

export interface AppendOptions {
  /** How long to wait for another process's append (ms). */
  waitMs?: number;
}

/** Records events durably; resolves once they are on disk. Throws an EnewsError when they cannot be. */
export async function appendEvents(file: string, events: SubscriberEvent[], o: AppendOptions = {}): Promise<void> {
  if (events.length === 0) return;
  for (const e of events) eventSchema.parse(e);
  const lock = await acquireLockWaiting(file, o.waitMs ?? 5000, 'enews process');
  try {
    const tail = readTailOnly(file, (v) => eventSchema.safeParse(v).success);
    const w = LogWriter.open(file, tail, {
      what: 'the subscriber events',
      onWriteFailure: 'Nothing more is recorded until it can be.',
    });
    try {
      for (let i = 0; i < events.length - 1; i++) w.append(events[i]);
      w.appendDurable(events[events.length - 1]);
    } finally {
      await w.close();
    }
  } finally {
    lock.release();
  }
}
