/** The adaptive rate limit, on a simulated clock (the one thing here worth faking: time). */
import { describe, expect, it } from 'vitest';
import { RateLimiter, type Clock } from '../src/delivery/rate-limiter.js';

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
});
