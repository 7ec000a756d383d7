/**
 * Recent server replies in 250 ms buckets: how fast messages are accepted,
 * and what share of replies asked us to slow down. A single 451 among
 * hundreds of 250s is one recipient's greylisting; a burst of them is a
 * server throttling the whole send.
 */
import type { Clock } from './rate-limiter.js';

const BUCKET_MS = 250;
const KEEP = 20; // five seconds

interface Bucket {
  sent: number;
  throttled: number;
  replies: number;
}

export class ReplyWindow {
  private readonly buckets = new Map<number, Bucket>();

  constructor(private readonly clock: Clock) {}

  note(kind: 'sent' | 'throttled' | 'other'): void {
    const key = Math.floor(this.clock.now() / BUCKET_MS);
    let b = this.buckets.get(key);
    if (!b) {
      b = { sent: 0, throttled: 0, replies: 0 };
      this.buckets.set(key, b);
      for (const k of this.buckets.keys()) if (k < key - KEEP) this.buckets.delete(k);
    }
    b.replies++;
    if (kind === 'sent') b.sent++;
    if (kind === 'throttled') b.throttled++;
  }

  /** Accepted messages per second over the last five seconds. */
  throughput(): number {
    const now = this.clock.now();
    const current = Math.floor(now / BUCKET_MS);
    let sent = 0;
    let oldest = current;
    for (const [k, b] of this.buckets) {
      if (k < current - KEEP) continue;
      sent += b.sent;
      oldest = Math.min(oldest, k);
    }
    return (sent * 1000) / Math.max(BUCKET_MS, now - oldest * BUCKET_MS);
  }

  /** The last second's replies, and how many of them were "slow down". */
  lastSecond(): { replies: number; throttled: number } {
    const current = Math.floor(this.clock.now() / BUCKET_MS);
    let throttled = 0;
    let replies = 0;
    for (const [k, b] of this.buckets) {
      if (k < current - 1000 / BUCKET_MS) continue;
      throttled += b.throttled;
      replies += b.replies;
    }
    return { replies, throttled };
  }

  /** Share of the last second's replies that were "slow down". */
  throttledShare(): number {
    const { replies, throttled } = this.lastSecond();
    return replies === 0 ? 0 : throttled / replies;
  }
}
