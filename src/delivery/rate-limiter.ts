/**
 * Messages-per-second limit that adapts: halves when the server says "slow
 * down" (at most once a second), and creeps back up while it accepts,
 * never above what the user asked for.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class RateLimiter {
  private rate: number | null;
  private next = 0;
  private lastChange = -Infinity;
  /** How many times the server made us slow down. */
  cuts = 0;

  constructor(
    private readonly ceiling: number | null,
    private readonly clock: Clock = realClock,
    private readonly floor = 1,
  ) {
    this.rate = ceiling;
  }

  /** Current limit in messages per second; null means unlimited. */
  get current(): number | null {
    this.recover();
    return this.rate;
  }

  async take(): Promise<void> {
    this.recover();
    if (this.rate === null) return;
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** The server throttled us; `observed` is the recent throughput in messages/second. */
  slowDown(observed: number): void {
    const now = this.clock.now();
    // One cut per second: the replies to messages already in flight report the same overload.
    if (now - this.lastChange < 1000 && this.rate !== this.ceiling) return;
    this.recover();
    const base = Math.min(this.rate ?? Infinity, Math.max(observed, this.floor * 2));
    this.rate = Math.max(this.floor, base / 2);
    this.lastChange = now;
    this.cuts++;
  }

  /** Each quiet second raises the limit by a quarter, back to the ceiling (or to no limit). */
  private recover(): void {
    if (this.rate === null || this.rate === this.ceiling) return;
    const now = this.clock.now();
    const seconds = Math.floor((now - this.lastChange) / 1000);
    if (seconds < 1) return;
    this.rate *= 1.25 ** seconds;
    this.lastChange += seconds * 1000;
    if (this.ceiling !== null && this.rate >= this.ceiling) this.rate = this.ceiling;
    // Far above anything observed: the throttle is over.
    else if (this.ceiling === null && this.rate > 10_000) this.rate = null;
  }
}
