/**
 * Group commit for a busy endpoint: events that arrive while a batch is on
 * its way to the store wait for the next batch, and go together (one lock,
 * one fsync or one transaction). Each caller still resolves only once its
 * own event is durable, and rejects if that batch could not be recorded.
 */
import type { SubscriberEvent } from './events.js';
import type { EventStore } from './store.js';

interface Waiting {
  event: SubscriberEvent;
  resolve(): void;
  reject(err: unknown): void;
}

export function groupRecorder(
  store: Pick<EventStore, 'record'>,
  /** Batches on their way at once: 1 for the events file (its lock takes one writer anyway), more for a database. */
  lanes = 1,
): (e: SubscriberEvent) => Promise<void> {
  let queue: Waiting[] = [];
  let writing = 0;
  let starting = false;
  async function drain(): Promise<void> {
    writing++;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await store.record(batch.map((w) => w.event));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    writing--;
  }
  function start(): void {
    starting = false;
    if (writing < lanes && queue.length > 0) void drain();
  }
  return (event) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ event, resolve, reject });
      // Once the requests read in this turn of the event loop are all queued: a burst after a quiet moment goes
      // as one batch, not as its first request alone and then the rest.
      if (writing < lanes && !starting) {
        starting = true;
        setImmediate(start);
      }
    });
}
