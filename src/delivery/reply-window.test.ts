/** Recent replies in 250 ms buckets: throughput over five seconds, the throttled share over the last second. */
import { describe, expect, it } from 'vitest';
import { ReplyWindow } from './reply-window.js';
import { FakeClock } from './testing/fake-clock.js';

function windowAt(): { clock: FakeClock; window: ReplyWindow; at(ms: number): Promise<void> } {
  const clock = new FakeClock();
  return { clock, window: new ReplyWindow(clock), at: (ms) => clock.advance(ms - clock.now()) };
}

function note(window: ReplyWindow, kind: 'sent' | 'throttled' | 'other', n: number): void {
  for (let i = 0; i < n; i++) window.note(kind);
}

describe('ReplyWindow.throughput', () => {
  it('is zero before any reply', () => {
    expect(windowAt().window.throughput()).toBe(0);
  });

  it('counts accepted messages per second, over at least 250 ms', async () => {
    const { window, at } = windowAt();
    note(window, 'sent', 10);
    await at(100);
    // 10 in 100 ms would be 100/s; the window is never shorter than one bucket.
    expect(window.throughput()).toBe(40);
    await at(1000);
    expect(window.throughput()).toBe(10);
  });

  it('counts only accepted messages, not throttled or other replies', async () => {
    const { window, at } = windowAt();
    note(window, 'sent', 5);
    note(window, 'throttled', 5);
    note(window, 'other', 5);
    await at(500);
    expect(window.throughput()).toBe(10);
  });

  it('forgets replies older than five seconds', async () => {
    const { window, at } = windowAt();
    note(window, 'sent', 100);
    await at(5249);
    expect(window.throughput()).toBe(100 / 5.249);
    await at(5250);
    expect(window.throughput()).toBe(0);
    note(window, 'sent', 1);
    expect(window.throughput()).toBe(4);
  });
});

describe('ReplyWindow.throttledShare', () => {
  it('is the share of "slow down" among all replies, other failures included', () => {
    const { window } = windowAt();
    expect(window.throttledShare()).toBe(0);
    note(window, 'sent', 8);
    note(window, 'other', 1);
    note(window, 'throttled', 1);
    expect(window.throttledShare()).toBe(0.1);
  });

  it('looks back one second, to the 250 ms bucket', async () => {
    const { window, at } = windowAt();
    note(window, 'throttled', 1);
    await at(600);
    note(window, 'sent', 3);
    // Bucket 0 still counts at 1249 ms (bucket 4), not at 1250 ms (bucket 5).
    await at(1249);
    expect(window.throttledShare()).toBe(0.25);
    await at(1250);
    expect(window.throttledShare()).toBe(0);
  });
});
