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
  private lastCut = -Infinity;
  private successes = 0;

  constructor(
    private readonly ceiling: number | null,
    private readonly clock: Clock = realClock,
    private readonly floor = 0.5,
  ) {
    this.rate = ceiling;
  }

  /** Current limit in messages per second; null means unlimited. */
  get current(): number | null {
    return this.rate;
  }

  async take(): Promise<void> {
    if (this.rate === null) return;
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + 1000 / this.rate;
    if (at > now) await this.clock.sleep(at - now);
  }

  /** The server throttled us; `observed` is the recent throughput in messages/second. */
  slowDown(observed: number): void {
    const now = this.clock.now();
    if (now - this.lastCut < 1000) return;
    this.lastCut = now;
    const base = this.rate ?? Math.max(observed, this.floor * 2);
    this.rate = Math.max(this.floor, base / 2);
    this.successes = 0;
  }

  accepted(): void {
    if (this.rate === null || ++this.successes < 20) return;
    this.successes = 0;
    const raised = this.rate * 1.1;
    this.rate = this.ceiling === null ? raised : Math.min(this.ceiling, raised);
  }
}
