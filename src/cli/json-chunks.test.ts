import { describe, expect, it } from 'vitest';
import { jsonChunks, type LongList } from './json-chunks.js';

const collect = async (chunks: AsyncIterable<string>) => {
  const out: string[] = [];
  for await (const c of chunks) out.push(c);
  return out;
};

/** An array as a LongList: counted, its elements handed out one at a time like a spool read back. */
const longList = (a: unknown[]): LongList => ({
  count: a.length,
  async *all() {
    for (const x of a) yield x;
  },
});

const item = (i: number) => ({
  message: `message ${i}`,
  subject: `"Quoted" \u0000 ${'é'.repeat(i % 3)}\n\u2028`,
  n: [i, {}],
});

describe('jsonChunks', () => {
  it('writes, chunk by chunk with a newline after each, the bytes JSON.stringify(value, null, 2) writes', async () => {
    const value = {
      source: 'a "mbox"',
      unmatched: [] as unknown[],
      matched: Array.from({ length: 1234 }, (_, i) => item(i)),
      nested: { matched: [1, 2] },
      events: [item(0)],
      note: '\u0000matched\u0000',
      last: Array.from({ length: 3 }, (_, i) => item(i)),
    };
    const chunks = await collect(jsonChunks(value, ['unmatched', 'matched', 'events', 'last']));
    expect(chunks.map((c) => `${c}\n`).join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    // The long array in pieces: no chunk holds more than 500 of its elements.
    expect(chunks.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...chunks.map((c) => c.split('"message"').length - 1))).toBeLessThanOrEqual(500);
  });

  it('writes lists held elsewhere (LongList) as the same bytes as the arrays they hold, the empty ones too', async () => {
    const arrays = {
      source: 'a "mbox"',
      unmatched: [] as unknown[],
      matched: Array.from({ length: 1001 }, (_, i) => item(i)),
      events: [item(7)],
      last: Array.from({ length: 500 }, (_, i) => item(i)),
      after: 1,
    };
    const spooled = {
      ...arrays,
      unmatched: longList(arrays.unmatched),
      matched: longList(arrays.matched),
      events: longList(arrays.events),
      last: longList(arrays.last),
    };
    const chunks = await collect(jsonChunks(spooled, ['unmatched', 'matched', 'events', 'last']));
    expect(chunks.map((c) => `${c}\n`).join('')).toBe(`${JSON.stringify(arrays, null, 2)}\n`);
    expect(chunks.every((c) => c.length > 0)).toBe(true);
    expect(Math.max(...chunks.map((c) => c.split('"message"').length - 1))).toBe(500);
  });

  it('writes a value without long arrays as one chunk', async () => {
    const value = { a: [], b: { c: 'd' } };
    expect(await collect(jsonChunks(value, ['a']))).toEqual([JSON.stringify(value, null, 2)]);
  });
});
