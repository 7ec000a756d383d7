import { describe, expect, it } from 'vitest';
import { KeyMap, KeySet } from './key-set.js';

describe('KeySet / KeyMap', () => {
  it('tells new keys from seen ones across many growths', () => {
    const set = new KeySet(4);
    // Counted rather than asserted one by one: 100,000 expect() calls took two seconds.
    let added = 0;
    for (let i = 0; i < 50_000; i++) if (set.add(`reader${i}@example.org`)) added++;
    expect(added).toBe(50_000);
    for (let i = 0; i < 50_000; i++) if (set.add(`reader${i}@example.org`)) added++;
    expect(added).toBe(50_000);
    expect(set.size).toBe(50_000);
    expect(set.has('reader50000@example.org')).toBe(false);
    expect(set.has('')).toBe(false);
  });

  it('keeps and replaces small values, 0 meaning absent', () => {
    const map = new KeyMap();
    expect(map.get('a@example.org')).toBe(0);
    expect(map.set('a@example.org', 2)).toBe(true);
    expect(map.set('a@example.org', 1)).toBe(false);
    expect(map.get('a@example.org')).toBe(1);
    expect(map.get('b@example.org')).toBe(0);
  });

  it('distinguishes keys that differ in one character or only in order', () => {
    const set = new KeySet();
    const keys = ['ab@example.org', 'ba@example.org', 'ab@example.orh', 'a@bexample.org', '', ' '];
    for (const k of keys) expect(set.add(k)).toBe(true);
    expect(set.size).toBe(keys.length);
  });
});
