/**
 * Messages-per-second limit that adapts: halves when the server says "slow
 * down" (at most once a second), and creeps back up while it accepts,
 * never above what the user asked for.
 */

export interface Clock {
  now(): number;
  /**
   * Resolves after `ms`, or as soon as `signal` aborts (its timer cancelled, so a
   * wait that ended early holds nothing open). All waiting goes through here so
   * that tests can drive time with a fake clock.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export class RateLimiter {
  private rate: number | null;
  private next = 0;
  /** When the limit was last cut: at most one cut a second. */
  private lastCut = -Infinity;
  /** When the server last said "slow down" (cut or not): a second with pressure is not quiet. */
  private lastPressure = -Infinity;
  /** Recovery is counted in whole quiet seconds from here. */
  private recoveredAt = -Infinity;
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
    this.recover();
    const now = this.clock.now();
    this.lastPressure = now;
    // One cut per second: the replies to messages already in flight report the same overload.
    if (now - this.lastCut < 1000) return;
    const base = Math.min(this.rate ?? Infinity, Math.max(observed, this.floor * 2));
    this.rate = Math.max(this.floor, base / 2);
    this.lastCut = now;
    this.cuts++;
  }

  /** Each quiet second (no "slow down" in it) raises the limit by a quarter, back to the ceiling (or to no limit). */
  private recover(): void {
    if (this.rate === null || this.rate === this.ceiling) return;
    const now = this.clock.now();
    const from = Math.max(this.lastPressure, this.recoveredAt);
    const seconds = Math.floor((now - from) / 1000);
    if (seconds < 1) return;
    this.rate *= 1.25 ** seconds;
    this.recoveredAt = from + seconds * 1000;
    if (this.ceiling !== null && this.rate >= this.ceiling) this.rate = this.ceiling;
    // Far above anything observed: the throttle is over.
    else if (this.ceiling === null && this.rate > 10_000) this.rate = null;
  }
}
