/**
 * Group commit for the events file: requests that arrive while an append
 * is on its way to disk wait for the next one, and go together (one lock,
 * one fsync). Each caller still resolves only once its own event is on
 * disk, and rejects if that write failed.
 */
import { appendEvents } from './event-log.js';
import type { SubscriberEvent } from './events.js';

interface Waiting {
  event: SubscriberEvent;
  resolve(): void;
  reject(err: unknown): void;
}

export function groupAppender(file: string): (e: SubscriberEvent) => Promise<void> {
  let queue: Waiting[] = [];
  let writing = false;
  async function drain(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await appendEvents(
          file,
          batch.map((w) => w.event),
        );
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
