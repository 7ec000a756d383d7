/** One decision per address, and shards that every machine computes alike. */
import { describe, expect, it } from 'vitest';
import { decide, emptyCounts, shardOf, SKIP_REASONS, type AudienceRules } from './audience.js';

function rules(over: Partial<AudienceRules> = {}): AudienceRules {
  return {
    optedOut: new Map(),
    events: new Map<string, 'unsubscribed' | 'bounced' | 'complained'>(),
    suppressed: new Set<string>(),
    shard: null,
    done: new Map<string, 'sent' | 'failed'>(),
    retryFailed: false,
    ...over,
  };
}

describe('decide', () => {
  it('mails an address no rule holds back', () => {
    expect(decide('a@example.org', rules())).toBeNull();
  });

  it.each([
    ['unsubscribed', { optedOut: new Map([['a@example.org', 'unsubscribed' as const]]) }],
    ['bounced', { optedOut: new Map([['a@example.org', 'bounced' as const]]) }],
    ['suppressed', { suppressed: new Set(['a@example.org']) }],
    ['already-sent', { done: new Map([['a@example.org', 'sent' as const]]) }],
    ['already-failed', { done: new Map([['a@example.org', 'failed' as const]]) }],
  ])('skips it as %s', (reason, over) => {
    expect(decide('a@example.org', rules(over))).toBe(reason);
  });

  it('mails a recipient who failed before when --retry-failed asks for it, but never one already sent', () => {
    expect(
      decide('a@example.org', rules({ retryFailed: true, done: new Map([['a@example.org', 'failed']]) })),
    ).toBeNull();
    expect(decide('a@example.org', rules({ retryFailed: true, done: new Map([['a@example.org', 'sent']]) }))).toBe(
      'already-sent',
    );
  });

  it('gives the first reason in order: journal, opt-out, suppression, shard', () => {
    const key = 'karim.benali@example.net'; // shard 4 of 4
    const all = {
      optedOut: new Map([[key, 'bounced' as const]]),
      suppressed: new Set([key]),
      shard: { k: 1, n: 4 },
      done: new Map([[key, 'sent' as const]]),
    };
    // Whoever got the issue stays "already sent" for it, whatever happened after.
    expect(decide(key, rules(all))).toBe('already-sent');
    expect(decide(key, rules({ ...all, done: new Map([[key, 'failed' as const]]) }))).toBe('already-failed');
    const notDone = { ...all, done: new Map() };
    expect(decide(key, rules(notDone))).toBe('bounced');
    expect(decide(key, rules({ ...notDone, optedOut: new Map() }))).toBe('suppressed');
    expect(decide(key, rules({ ...notDone, optedOut: new Map(), suppressed: new Set() }))).toBe('other-shard');
    expect(
      decide(key, rules({ ...notDone, optedOut: new Map(), suppressed: new Set(), shard: { k: 4, n: 4 } })),
    ).toBeNull();
  });

  it('does not retry a failed recipient who opted out since, even with --retry-failed', () => {
    const key = 'a@example.org';
    const r = rules({ retryFailed: true, done: new Map([[key, 'failed']]), optedOut: new Map([[key, 'bounced']]) });
    expect(decide(key, r)).toBe('bounced');
  });
});

describe('shardOf', () => {
  // Fixed values (FNV-1a over UTF-16 code units, computed independently): if these change,
  // machines running different versions would split a list differently and mail some people twice.
  it.each([
    ['zoe.martin@example.org', 4, 1],
    ['karim.benali@example.net', 4, 4],
    ['karim.benali@example.net', 7, 7],
    ['reader1@example.org', 4, 4],
    ['reader1@example.org', 7, 1],
    ['jörg@example.org', 4, 1],
    ['', 7, 3],
  ])('%j of %d is shard %d', (key, n, shard) => {
    expect(shardOf(key, n)).toBe(shard);
  });

  it('puts everyone in shard 1 of 1 and spreads a list evenly over 4', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 1000; i++) {
      expect(shardOf(`reader${i}@example.org`, 1)).toBe(1);
      counts[shardOf(`reader${i}@example.org`, 4) - 1]!++;
    }
    expect(counts).toEqual([250, 250, 250, 250]);
  });
});

describe('emptyCounts', () => {
  it('has every reason at zero', () => {
    expect(Object.keys(emptyCounts())).toEqual([...SKIP_REASONS]);
    expect(Object.values(emptyCounts()).every((n) => n === 0)).toBe(true);
  });
});
