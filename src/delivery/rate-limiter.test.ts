/** The adaptive rate limit, on a simulated clock (the one thing here worth faking: time). */
import { describe, expect, it } from 'vitest';
import { RateLimiter, realClock, type Clock } from './rate-limiter.js';

function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
    },
  };
  return c;
}

async function timesOf(limiter: RateLimiter, clock: { now(): number }, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    await limiter.take();
    out.push(clock.now());
  }
  return out;
}

describe('RateLimiter', () => {
  it('spaces messages 1/rate apart under --rate', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(10, clock);
    expect(await timesOf(limiter, clock, 4)).toEqual([0, 100, 200, 300]);
  });

  it('does not wait at all without a limit', async () => {
    const clock = fakeClock();
    expect(await timesOf(new RateLimiter(null, clock), clock, 3)).toEqual([0, 0, 0]);
  });

  it('halves the observed rate when the server says slow down, at most once a second', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(null, clock);
    limiter.slowDown(40);
    expect(limiter.current).toBe(20);
    clock.t += 500;
    limiter.slowDown(40);
    expect(limiter.current).toBe(20);
    expect(limiter.cuts).toBe(1);
  });

  it('recovers by a quarter per quiet second, never above --rate', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(30, clock);
    limiter.slowDown(30);
    expect(limiter.current).toBe(15);
    clock.t += 1000;
    expect(limiter.current).toBe(18.75);
    clock.t += 10_000;
    expect(limiter.current).toBe(30);
  });

  it('never goes below one message per second', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(1.5, clock);
    limiter.slowDown(0);
    expect(limiter.current).toBe(1);
  });

  it('spaces messages by the lowered rate after a cut', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(10, clock);
    await timesOf(limiter, clock, 3);
    limiter.slowDown(10);
    // The slot already promised (300) stands; after it, 1/5 s apart.
    expect(await timesOf(limiter, clock, 3)).toEqual([300, 500, 700]);
  });

  it('cuts from the lower of the limit and the observed rate', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(30, clock);
    limiter.slowDown(100);
    expect(limiter.current).toBe(15);
  });

  it('goes back to no limit once recovery passes 10,000 a second', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(null, clock);
    limiter.slowDown(40);
    clock.t += 27_000;
    expect(limiter.current).toBe(20 * 1.25 ** 27);
    clock.t += 1000;
    expect(limiter.current).toBeNull();
  });

  // Once a bug: recovery moved the same timestamp the once-a-second rule checks, so while messages
  // flowed the limit was never cut a second time and climbed 1.25× a second under throttling.
  it('cuts again when the server still throttles more than a second after the last cut', async () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(null, clock);
    limiter.slowDown(40);
    clock.t = 1000;
    await limiter.take();
    clock.t = 1500;
    limiter.slowDown(40);
    expect(limiter.cuts).toBe(2);
  });

  it('does not recover during seconds in which the server still says "slow down"', () => {
    const clock = fakeClock();
    const limiter = new RateLimiter(null, clock);
    limiter.slowDown(40);
    for (let t = 200; t <= 3000; t += 200) {
      clock.t = t;
      limiter.slowDown(1000);
    }
    // Cut at 0, 1000, 2000 and 3000 ms (once a second), never raised in between: 40/2 → 10 → 5 → 2.5.
    expect(limiter.cuts).toBe(4);
    expect(limiter.current).toBe(2.5);
    clock.t = 6000;
    // Three quiet seconds since the last "slow down" at 3000 ms.
    expect(limiter.current).toBe(2.5 * 1.25 ** 3);
  });
});

describe('realClock.sleep', () => {
  const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('ends at once, its timer cleared, when the signal aborts', async () => {
    const before = timers();
    const abort = new AbortController();
    const sleeping = realClock.sleep(60_000, abort.signal);
    expect(timers()).toBe(before + 1);
    abort.abort();
    await sleeping;
    expect(timers()).toBe(before);
  });

  it('sets no timer for a signal that has already aborted', async () => {
    const before = timers();
    const sleeping = realClock.sleep(60_000, AbortSignal.abort());
    expect(timers()).toBe(before);
    await sleeping;
  });
});
