import { describe, expect, it } from 'vitest';
import { jsonChunks } from './json-chunks.js';

describe('jsonChunks', () => {
  it('writes, chunk by chunk with a newline after each, the bytes JSON.stringify(value, null, 2) writes', () => {
    const item = (i: number) => ({
      message: `message ${i}`,
      subject: `"Quoted" \u0000 ${'é'.repeat(i % 3)}\n`,
      n: [i, {}],
    });
    const value = {
      source: 'a "mbox"',
      unmatched: [] as unknown[],
      matched: Array.from({ length: 1234 }, (_, i) => item(i)),
      nested: { matched: [1, 2] },
      events: [item(0)],
      note: '\u0000matched\u0000',
      last: Array.from({ length: 3 }, (_, i) => item(i)),
    };
    const chunks = [...jsonChunks(value, ['unmatched', 'matched', 'events', 'last'])];
    expect(chunks.map((c) => `${c}\n`).join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    // The long array in pieces: no chunk holds more than 500 of its elements.
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...chunks.map((c) => c.split('"message"').length - 1))).toBeLessThanOrEqual(500);
  });

  it('writes a value without long arrays as one chunk', () => {
    const value = { a: [], b: { c: 'd' } };
    expect([...jsonChunks(value, ['a'])]).toEqual([JSON.stringify(value, null, 2)]);
  });
});
