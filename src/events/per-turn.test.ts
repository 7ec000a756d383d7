import { describe, expect, it } from 'vitest';
import { hasPerTurn, perTurn } from './per-turn.js';

/** A store whose recorded keys the test sets, counting the looks it is asked for. */
function fakeStore() {
  const keys = new Set<string>();
  const looks: string[][] = [];
  return {
    keys,
    looks,
    store: {
      recorded: async (asked: readonly string[]) => {
        looks.push([...asked]);
        return new Set(asked.filter((k) => keys.has(k)));
      },
    },
  };
}
const turn = () => new Promise((r) => setImmediate(r));

describe('hasPerTurn', () => {
  it('asks the store once for all the keys asked in one turn, and answers each', async () => {
    const { keys, looks, store } = fakeStore();
    keys.add('k1').add('k3');
    const has = hasPerTurn(store);
    const asked = ['k0', 'k1', 'k2', 'k3', 'k1'];
    expect(await Promise.all(asked.map((k) => has(k)))).toEqual([false, true, false, true, true]);
    expect(looks).toEqual([['k0', 'k1', 'k2', 'k3']]);
    expect(await Promise.all([has('k3'), has('k4')])).toEqual([true, false]);
    expect(looks).toHaveLength(2);
  });

  it('never answers from a look taken before the question: a key recorded meanwhile is seen', async () => {
    const { keys, looks, store } = fakeStore();
    const has = hasPerTurn(store);
    const first = has('k1');
    await turn();
    // The first look has been taken; k1 is recorded after it, and asked about again.
    keys.add('k1');
    expect([await first, await has('k1')]).toEqual([false, true]);
    expect(looks).toEqual([['k1'], ['k1']]);
  });
});

describe('perTurn', () => {
  it('calls once per turn, gives every caller of the turn its answer or its error', async () => {
    let calls = 0;
    let fail = false;
    const ask = perTurn(async () => {
      calls++;
      if (fail) throw new Error(`look ${calls} failed`);
      return calls;
    });
    expect(await Promise.all([ask(), ask(), ask()])).toEqual([1, 1, 1]);
    fail = true;
    const failed = await Promise.allSettled([ask(), ask()]);
    expect(failed.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual([
      'look 2 failed',
      'look 2 failed',
    ]);
    fail = false;
    expect(await ask()).toBe(3);
  });
});
