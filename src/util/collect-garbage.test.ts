import { setTimeout as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from './collect-garbage.js';

describe('collectGarbage', () => {
  it('collects what nothing references any more, without --expose-gc', async () => {
    expect(typeof (globalThis as { gc?: unknown }).gc).toBe('undefined');
    let held: object | null = { big: new Array(1000).fill('x') };
    const ref = new WeakRef(held);
    held = null;
    // A WeakRef's target lives at least until the end of the job that made or read it.
    await tick(0);
    expect(collectGarbage()).toBe(true);
    expect(ref.deref()).toBeUndefined();
  });
});
