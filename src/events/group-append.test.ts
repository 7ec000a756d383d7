import { describe, expect, it } from 'vitest';
import type { SubscriberEvent } from './events.js';
import { groupRecorder } from './group-append.js';

const ev = (email: string): SubscriberEvent => ({
  at: '2026-12-07T10:00:00.000Z',
  type: 'unsubscribed',
  email,
  source: 'one-click',
});

/** A store whose batches the test sees, each held until the test lets it finish (its "fsync"). */
function heldStore() {
  const batches: string[][] = [];
  const finish: (() => void)[] = [];
  return {
    batches,
    finishNext: () => finish.shift()?.(),
    store: {
      record: (events: SubscriberEvent[]) => {
        batches.push(events.map((e) => e.email));
        return new Promise<SubscriberEvent[]>((resolve) => finish.push(() => resolve(events)));
      },
    },
  };
}
const turn = () => new Promise((r) => setImmediate(r));

describe('groupRecorder', () => {
  it('records a burst that arrives in one turn as one batch, then what arrived meanwhile as the next', async () => {
    const { batches, finishNext, store } = heldStore();
    const record = groupRecorder(store);
    const done: string[] = [];
    const first = ['a', 'b', 'c', 'd', 'e'].map((x) => record(ev(`${x}@x.org`)).then(() => done.push(x)));
    await turn();
    expect(batches).toEqual([['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org', 'e@x.org']]);
    // While that batch waits for its fsync, two more arrive: the next batch, answered only after its own.
    const second = ['f', 'g'].map((x) => record(ev(`${x}@x.org`)).then(() => done.push(x)));
    await turn();
    expect(batches).toHaveLength(1);
    finishNext();
    await Promise.all(first);
    await turn();
    expect([done, batches[1]]).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['f@x.org', 'g@x.org'],
    ]);
    finishNext();
    await Promise.all(second);
    expect(done).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('rejects every caller of a batch that could not be recorded, and records the next', async () => {
    let fail = true;
    const record = groupRecorder({
      record: async (events: SubscriberEvent[]) => {
        if (fail) throw new Error('disk full');
        return events;
      },
    });
    const failed = await Promise.allSettled([record(ev('a@x.org')), record(ev('b@x.org'))]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(record(ev('c@x.org'))).resolves.toBeUndefined();
  });
});
