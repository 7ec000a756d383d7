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

export function groupRecorder(store: Pick<EventStore, 'record'>): (e: SubscriberEvent) => Promise<void> {
  let queue: Waiting[] = [];
  let writing = false;
  async function drain(): Promise<void> {
    writing = true;
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
    writing = false;
  }
  return (event) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ event, resolve, reject });
      if (!writing) void drain();
    });
}
