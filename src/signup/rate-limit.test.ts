import { describe, expect, it } from 'vitest';
import { RateLimit } from './rate-limit.js';

describe('RateLimit', () => {
  it('lets each client make max requests an hour, and counts afresh the next hour', () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const limit = new RateLimit(3, () => now);
    expect([1, 2, 3, 4].map(() => limit.allow('198.51.100.7'))).toEqual([true, true, true, false]);
    expect(limit.allow('203.0.113.9')).toBe(true);
    now += 3600_000;
    expect(limit.allow('198.51.100.7')).toBe(true);
  });
});
