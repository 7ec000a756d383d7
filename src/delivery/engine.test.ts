/**
 * The delivery engine's retry, backoff, slow-down and stop rules on a fake
 * clock. The transport is the engine's own Delivery interface, scripted per
 * recipient and attempt; every time below is simulated milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { EnewsError } from '../errors.js';
import { DeliveryEngine, type Delivery, type EngineEvent, type EngineOptions } from './engine.js';
import type { Classified } from './transport.js';
import { FakeClock, seededRandom } from './testing/fake-clock.js';

const temporary: Classified = {
  kind: 'temporary',
  code: null,
  response: 'Connection closed unexpectedly',
  uncertain: false,
};
const throttle: Classified = { kind: 'throttle', code: 451, response: '451 4.7.1 Slow down', uncertain: false };
const permanent: Classified = { kind: 'permanent', code: 550, response: '550 5.1.1 No such user', uncertain: false };
const fatal: Classified = { kind: 'fatal', code: 535, response: '535 5.7.8 Authentication failed', uncertain: false };
const lostReply: Classified = {
  kind: 'temporary',
  code: null,
  response: 'no reply after the final dot',
  uncertain: true,
};

/**
 * What the scripted server does with one attempt, after `ms` (default 10): fail with `fail`, throw `error` (the
 * transport's "cannot go on"), or accept, naming `providerId` when given.
 */
interface Step {
  fail?: Classified;
  error?: EnewsError;
  providerId?: string;
  ms?: number;
}

class ScriptedFailure extends Error {
  constructor(readonly classified: Classified) {
    super(classified.response);
  }
}

function harness(
  opts: Partial<EngineOptions>,
  script: (item: string, attempt: number, now: number) => Step = () => ({}),
) {
  const clock = new FakeClock();
  const engine = new DeliveryEngine<string>({
    concurrency: 1,
    rate: null,
    maxAttempts: 5,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    maxConsecutiveFailures: 0,
    clock,
    random: () => 0,
    ...opts,
  });
  const attempts: Array<{ item: string; attempt: number; at: number }> = [];
  const events: Array<EngineEvent<string>> = [];
  const count = new Map<string, number>();
  const t = { attempts, events, clock, engine, inFlight: 0, maxInFlight: 0, classified: 0 };
  const delivery: Delivery<string> = {
    async send(item) {
      const attempt = (count.get(item) ?? 0) + 1;
      count.set(item, attempt);
      attempts.push({ item, attempt, at: clock.now() });
      t.maxInFlight = Math.max(t.maxInFlight, ++t.inFlight);
      try {
        const step = script(item, attempt, clock.now());
        await clock.sleep(step.ms ?? 10);
        if (step.error) throw step.error;
        if (step.fail) throw new ScriptedFailure(step.fail);
        const response = `250 ok ${item}`;
        return step.providerId === undefined ? { response } : { response, providerId: step.providerId };
      } finally {
        t.inFlight--;
      }
    },
    classify: (err) => {
      t.classified++;
      return (err as ScriptedFailure).classified;
    },
  };
  async function run(items: string[], record: (e: EngineEvent<string>) => void = () => {}) {
    async function* source() {
      yield* items;
    }
    const result = await clock.drive(
      engine.run(source(), delivery, (e) => {
        events.push(e);
        record(e);
      }),
    );
    // Nothing left waiting: with the real clock a forgotten timer would hold the process open.
    expect(clock.pending).toBe(0);
    return result;
  }
  return Object.assign(t, { run });
}

/** "sent a #1": the event type, item and attempt count, to compare whole runs at a glance. */
const brief = (events: Array<EngineEvent<string>>) => events.map((e) => `${e.type} ${e.item} #${e.attempts}`);
const names = (n: number) => Array.from({ length: n }, (_, i) => `r${String(i + 1).padStart(3, '0')}`);

describe('DeliveryEngine: outcomes', () => {
  it('sends everyone once and the stats add up', async () => {
    const h = harness({ concurrency: 2 });
    const r = await h.run(['a', 'b', 'c', 'd', 'e']);
    expect(brief(h.events)).toEqual(['sent a #1', 'sent b #1', 'sent c #1', 'sent d #1', 'sent e #1']);
    expect(h.events[0]).toEqual({ type: 'sent', item: 'a', response: '250 ok a', attempts: 1, uncertain: false });
    // Two at a time, 10 ms each: three rounds. rate: 5 accepted within the window's 250 ms minimum.
    expect(h.clock.now()).toBe(30);
    expect(r).toEqual({
      sent: 5,
      failed: 0,
      deferred: 0,
      inFlight: 0,
      retrying: 0,
      rate: 20,
      rateLimit: null,
      slowDowns: 0,
      stop: null,
    });
  });

  it.each([
    // base·2^(n-1), half fixed and half times random(): 500 then 1000 with random 0, 1000 then 2000 with random 1.
    [0, [0, 510, 1520]],
    [1, [0, 1010, 3020]],
  ])('retries a temporary failure with backoff (random() = %d): attempts at %j', async (random, times) => {
    const h = harness({ random: () => random }, (_item, attempt) => (attempt <= 2 ? { fail: temporary } : {}));
    const r = await h.run(['a']);
    expect(h.attempts.map((a) => a.at)).toEqual(times);
    expect(h.events).toEqual([{ type: 'sent', item: 'a', response: '250 ok a', attempts: 3, uncertain: false }]);
    expect(r).toMatchObject({ sent: 1, failed: 0, deferred: 0, stop: null });
  });

  it(
    'defers, never fails, a recipient whose temporary trouble ' + 'outlasts the retries; the delay stops at retryMaxMs',
    async () => {
      const h = harness({ maxAttempts: 4, retryMaxMs: 3000, random: () => 0.5 }, () => ({ fail: temporary }));
      const r = await h.run(['a']);
      // Delays 750, 1500, then 2250 (the 4000 base capped at 3000), each after the 10 ms attempt.
      expect(h.attempts.map((a) => a.at)).toEqual([0, 760, 2270, 4530]);
      expect(h.events).toEqual([
        { type: 'deferred', item: 'a', code: null, response: temporary.response, attempts: 4 },
      ]);
      expect(r).toMatchObject({ sent: 0, failed: 0, deferred: 1, stop: null });
    },
  );

  it("passes on the destination's id for a message when it gives one", async () => {
    const h = harness({}, (item) => (item === 'a' ? { providerId: 'q-a' } : {}));
    await h.run(['a', 'b']);
    expect(h.events[0]).toEqual({
      type: 'sent',
      item: 'a',
      response: '250 ok a',
      providerId: 'q-a',
      attempts: 1,
      uncertain: false,
    });
    expect(h.events[1]).toMatchObject({ type: 'sent', item: 'b' });
    expect((h.events[1] as { providerId?: string }).providerId).toBeUndefined();
  });

  it('records a permanent failure once and never retries it', async () => {
    const h = harness({}, (item) => (item === 'b' ? { fail: permanent } : {}));
    const r = await h.run(['a', 'b', 'c']);
    expect(h.attempts.map((a) => a.item)).toEqual(['a', 'b', 'c']);
    expect(h.events[1]).toEqual({ type: 'failed', item: 'b', code: 550, response: permanent.response, attempts: 1 });
    expect(brief(h.events)).toEqual(['sent a #1', 'failed b #1', 'sent c #1']);
    expect(r).toMatchObject({ sent: 2, failed: 1, deferred: 0, stop: null });
  });

  it('retries after an uncertain failure and marks the later sent as uncertain', async () => {
    const h = harness({}, (item, attempt) => (item === 'a' && attempt === 1 ? { fail: lostReply } : {}));
    const r = await h.run(['a', 'b']);
    expect(h.events).toEqual([
      { type: 'uncertain', item: 'a', response: lostReply.response, attempts: 1 },
      { type: 'sent', item: 'b', response: '250 ok b', attempts: 1, uncertain: false },
      { type: 'sent', item: 'a', response: '250 ok a', attempts: 2, uncertain: true },
    ]);
    expect(r).toMatchObject({ sent: 2, failed: 0, deferred: 0 });
  });
});

describe('DeliveryEngine: stopping', () => {
  it('stops at a fatal error: the item is deferred, in-flight messages finish, nothing new starts', async () => {
    const h = harness({ concurrency: 2 }, (item) => (item === 'a' ? { ms: 100 } : item === 'b' ? { fail: fatal } : {}));
    const r = await h.run(['a', 'b', 'c', 'd', 'e']);
    expect(h.attempts.map((a) => a.item)).toEqual(['a', 'b']);
    expect(h.events).toEqual([
      { type: 'deferred', item: 'b', code: 535, response: fatal.response, attempts: 1 },
      { type: 'sent', item: 'a', response: '250 ok a', attempts: 1, uncertain: false },
    ]);
    expect(r).toMatchObject({ sent: 1, failed: 0, deferred: 1, stop: { kind: 'fatal', response: fatal.response } });
  });

  it('defers, without sending, a recipient taken from the list while the rate limit held it back', async () => {
    // At 1/s the second recipient waits until 1000 ms; the fatal reply comes at 10 ms.
    const h = harness({ concurrency: 2, rate: 1 }, (item) => (item === 'a' ? { fail: fatal } : {}));
    const r = await h.run(['a', 'b', 'c']);
    expect(h.attempts.map((a) => a.item)).toEqual(['a']);
    expect(h.events).toEqual([
      { type: 'deferred', item: 'a', code: 535, response: fatal.response, attempts: 1 },
      { type: 'deferred', item: 'b', code: null, response: 'not sent: the run stopped', attempts: 1 },
    ]);
    expect(r).toMatchObject({ sent: 0, deferred: 2, stop: { kind: 'fatal' } });
  });

  it('stops after N failures in a row; a success in between starts the count again', async () => {
    const failing = new Set(['b', 'c', 'e', 'f', 'g']);
    const h = harness({ maxConsecutiveFailures: 3 }, (item) => (failing.has(item) ? { fail: permanent } : {}));
    const r = await h.run(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(brief(h.events)).toEqual([
      'sent a #1',
      'failed b #1',
      'failed c #1',
      'sent d #1',
      'failed e #1',
      'failed f #1',
      'failed g #1',
    ]);
    expect(h.attempts.map((a) => a.item)).not.toContain('h');
    expect(r).toMatchObject({
      sent: 2,
      failed: 5,
      deferred: 0,
      stop: { kind: 'threshold', failures: 3, last: permanent.response },
    });
  });

  it('counts temporary failures toward the threshold; pending retries are deferred when it stops', async () => {
    const h = harness({ maxConsecutiveFailures: 2 }, () => ({ fail: temporary }));
    const r = await h.run(['a', 'b', 'c']);
    expect(h.attempts.map((a) => `${a.item}@${a.at}`)).toEqual(['a@0', 'b@10']);
    // Both wait for a retry when the run stops (attempts is not compared: see the interrupt test).
    expect(h.events).toEqual([
      expect.objectContaining({ type: 'deferred', item: 'a', code: null, response: temporary.response }),
      expect.objectContaining({ type: 'deferred', item: 'b', code: null, response: temporary.response }),
    ]);
    expect(r).toMatchObject({ sent: 0, failed: 0, deferred: 2, stop: { kind: 'threshold', failures: 2 } });
  });

  it('does not count throttle replies toward the threshold', async () => {
    const h = harness({ maxConsecutiveFailures: 2 }, (_item, attempt) => (attempt === 1 ? { fail: throttle } : {}));
    const r = await h.run(['a', 'b', 'c', 'd']);
    expect(h.attempts.filter((a) => a.attempt === 1)).toHaveLength(4);
    expect(r).toMatchObject({ sent: 4, failed: 0, deferred: 0, stop: null });
  });

  it('counts a throttled recipient toward the threshold once it exhausts its retries', async () => {
    const h = harness({ maxConsecutiveFailures: 2, maxAttempts: 2 }, (item) =>
      item === 'c' ? {} : { fail: throttle },
    );
    const r = await h.run(['a', 'b', 'c']);
    // c is sent between the first and second attempts; then a and b run out of attempts, one after the other.
    expect(brief(h.events)).toEqual(['sent c #1', 'deferred a #2', 'deferred b #2']);
    expect(r).toMatchObject({
      sent: 1,
      deferred: 2,
      stop: { kind: 'threshold', failures: 2, last: throttle.response },
    });
  });

  it('stops on an interrupt: messages in flight finish, nothing new starts, pending retries are deferred', async () => {
    const abort = new AbortController();
    const h = harness({ concurrency: 2, signal: abort.signal }, (item, attempt) =>
      item === 'b' && attempt === 1 ? { fail: temporary, ms: 100 } : { ms: 100 },
    );
    void h.clock.sleep(150).then(() => abort.abort());
    const r = await h.run(['a', 'b', 'c', 'd', 'e', 'f']);
    // a and b at 0; c and d at 100 (b's retry is due at 600); the interrupt at 150.
    expect(h.attempts.map((a) => `${a.item}@${a.at}`)).toEqual(['a@0', 'b@0', 'c@100', 'd@100']);
    expect(brief(h.events).filter((e) => e.startsWith('sent'))).toEqual(['sent a #1', 'sent c #1', 'sent d #1']);
    // Its attempts field says 2 though one attempt was made (the retry's number; see the report).
    expect(h.events.at(-1)).toMatchObject({ type: 'deferred', item: 'b', code: null, response: temporary.response });
    expect(h.clock.now()).toBe(200);
    expect(r).toMatchObject({ sent: 3, failed: 0, deferred: 1, stop: { kind: 'interrupted' } });
  });

  it('starts nothing when the signal is already aborted', async () => {
    const h = harness({ signal: AbortSignal.abort() });
    const r = await h.run(['a']);
    expect(h.attempts).toEqual([]);
    expect(r).toMatchObject({ sent: 0, deferred: 0, stop: { kind: 'interrupted' } });
  });

  it('stops with kind "error" when recording an outcome fails (journal not writable)', async () => {
    const h = harness({});
    const diskFull = new EnewsError('journal-write', 'disk full');
    const r = await h.run(['a', 'b', 'c'], (e) => {
      if (e.item === 'b') throw diskFull;
    });
    expect(h.attempts.map((a) => a.item)).toEqual(['a', 'b']);
    expect(r).toMatchObject({ sent: 2, stop: { kind: 'error', error: diskFull } });
  });

  it(
    'stops with kind "error" when send throws an EnewsError: not classified, nobody blamed, ' +
      'in-flight messages finish, nothing new starts, pending retries are deferred',
    async () => {
      const closed = new EnewsError('transport-closed', 'The transport is closed.');
      const h = harness({ concurrency: 2 }, (item, attempt) =>
        item === 'a' && attempt === 1
          ? { fail: temporary }
          : item === 'b'
            ? { ms: 100 }
            : item === 'c'
              ? { error: closed, ms: 20 }
              : {},
      );
      const r = await h.run(['a', 'b', 'c', 'd', 'e']);
      // a fails at 10 ms (its retry is due at 510), c starts then and throws at 30; b, in flight, finishes at 100.
      expect(h.attempts.map((x) => `${x.item}#${x.attempt}`)).toEqual(['a#1', 'b#1', 'c#1']);
      expect(h.classified).toBe(1);
      expect(h.events).toEqual([
        { type: 'sent', item: 'b', response: '250 ok b', attempts: 1, uncertain: false },
        { type: 'deferred', item: 'a', code: null, response: temporary.response, attempts: 2 },
      ]);
      expect(r).toMatchObject({ sent: 1, failed: 0, deferred: 1, stop: { kind: 'error', error: closed } });
    },
  );
});

describe('DeliveryEngine: concurrency and rate', () => {
  it('never has more than `concurrency` messages in flight, retries included', async () => {
    const h = harness({ concurrency: 3 }, (item, attempt) => {
      const i = Number(item.slice(1));
      return { ms: 5 + ((i * 7) % 11) * 3, ...(i % 4 === 0 && attempt === 1 ? { fail: temporary } : {}) };
    });
    const r = await h.run(names(30));
    expect(h.maxInFlight).toBe(3);
    expect(h.attempts).toHaveLength(37);
    expect(new Set(h.events.map((e) => e.item)).size).toBe(30);
    expect(r).toMatchObject({ sent: 30, failed: 0, deferred: 0, inFlight: 0 });
  });

  it('does not slow down for one throttle reply among many successes (under a tenth of the last second)', async () => {
    const h = harness({}, (item, attempt) => (item === 'r015' && attempt === 1 ? { fail: throttle } : {}));
    const r = await h.run(names(30));
    // 1 throttle in 15 replies within the last second.
    expect(r).toMatchObject({ sent: 30, slowDowns: 0, rateLimit: null });
  });

  it('halves the observed rate when throttle replies reach a tenth of the last second', async () => {
    const limits: Array<number | null> = [];
    const h = harness({}, (item, attempt) => {
      limits.push(h.engine.stats().rateLimit);
      return (item === 'r015' || item === 'r016') && attempt === 1 ? { fail: throttle } : {};
    });
    const r = await h.run(names(30));
    // The second throttle makes 2 of 16 replies: cut once, to half of 14 accepted in the 250 ms minimum window (56/s).
    expect(limits.slice(14, 17)).toEqual([null, null, 28]);
    expect(r).toMatchObject({ sent: 30, deferred: 0, slowDowns: 1 });
  });

  it('a lone "slow down" as the very first reply (one greylisted recipient) does not cut the rate', async () => {
    const h = harness({}, (item, attempt) => (item === 'r001' && attempt === 1 ? { fail: throttle } : {}));
    const r = await h.run(names(30));
    expect(r).toMatchObject({ sent: 30, slowDowns: 0, rateLimit: null });
  });

  it(
    'a single 421 (the server closing the connection) is enough ' +
      'when it is a tenth of the last second: the rate is cut once',
    async () => {
      const closing: Classified = {
        kind: 'throttle',
        code: 421,
        response: '421 4.7.0 Too busy, closing',
        uncertain: false,
      };
      const h = harness({}, (item, attempt) => (item === 'r001' && attempt === 1 ? { fail: closing } : {}));
      const r = await h.run(names(30));
      expect(r).toMatchObject({ sent: 30, deferred: 0, slowDowns: 1 });
    },
  );

  it('recovers by a quarter per quiet second, up to the limit asked for', async () => {
    // The first two replies both say "slow down" (2 of 2): the limit is halved from what was pushed (2/s) to 1/s.
    const h = harness({ rate: 2 }, (_item, attempt) => (attempt === 1 ? { fail: throttle } : {}));
    const r = await h.run(['a', 'b']);
    const seen = [r.rateLimit];
    for (let s = 0; s < 5; s++) {
      await h.clock.advance(1000);
      seen.push(h.engine.stats().rateLimit);
    }
    expect(r.slowDowns).toBe(1);
    // The run ends one quiet second after the cut to 1/s (the retries wait out their backoff), so the
    // first reading already holds one recovery step; then ×1.25 per quiet second, capped at --rate 2.
    expect(seen).toEqual([1.25, 1.5625, 1.953125, 2, 2, 2]);
  });

  it('gets everyone through a relay that takes at most 20 a second and throttles the rest', async () => {
    const L = 20;
    const acceptedIn = new Map<number, number>();
    const accepted = new Map<string, number>();
    let throttled = 0;
    const h = harness(
      { concurrency: 4, maxAttempts: 10, retryBaseMs: 500, retryMaxMs: 8000, random: seededRandom(7) },
      (item, _attempt, now) => {
        const second = Math.floor(now / 1000);
        const n = acceptedIn.get(second) ?? 0;
        if (n >= L) {
          throttled++;
          return { fail: throttle, ms: 20 };
        }
        acceptedIn.set(second, n + 1);
        accepted.set(item, (accepted.get(item) ?? 0) + 1);
        return { ms: 20 };
      },
    );
    const r = await h.run(names(100));
    expect(accepted.size).toBe(100);
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(r).toMatchObject({ sent: 100, failed: 0, deferred: 0, stop: null });
    expect(Math.max(...acceptedIn.values())).toBe(L);
    // Exact for this seed. The limit is cut again while the relay keeps throttling and recovers only in
    // quiet seconds; before that was fixed the same run had one cut and 122 throttled replies.
    expect({ throttled, slowDowns: r.slowDowns }).toEqual({ throttled: 58, slowDowns: 3 });
  });
});

describe('DeliveryEngine: records kept later (a database)', () => {
  /**
   * Each exchange takes 10 ms before the message can be completed; each record takes `keepMs` to be kept. The
   * delivery completes a message only when `before` resolves, as transports must (transport.ts), and counts the
   * messages completed whose record is not kept yet: what a kill at that moment would send twice on a resume.
   */
  function keptLater(concurrency: number, keepMs: number, lose: string | null = null) {
    const clock = new FakeClock();
    const engine = new DeliveryEngine<string>({
      concurrency,
      rate: null,
      maxAttempts: 1,
      retryBaseMs: 1000,
      retryMaxMs: 60_000,
      maxConsecutiveFailures: 0,
      clock,
      random: () => 0,
    });
    const t = { completed: [] as string[], unkept: 0, maxUnkept: 0, refused: [] as string[] };
    const delivery: Delivery<string> = {
      async send(item, before) {
        await clock.sleep(10);
        try {
          await before;
        } catch {
          t.refused.push(item);
          throw new ScriptedFailure(temporary);
        }
        t.completed.push(item);
        t.maxUnkept = Math.max(t.maxUnkept, ++t.unkept);
        return { response: `250 ok ${item}` };
      },
      classify: (err) => (err as ScriptedFailure).classified,
    };
    async function run(items: string[]) {
      async function* source() {
        yield* items;
      }
      const result = await clock.drive(
        engine.run(source(), delivery, async (e) => {
          await clock.sleep(keepMs);
          if (e.item === lose) throw new EnewsError('log-write', 'the database went away');
          if (e.type === 'sent') t.unkept--;
        }),
      );
      return { ...t, result, ms: clock.now() };
    }
    return run;
  }

  it('starts the next message on a slot while the last record is kept, but completes it only once it is', async () => {
    const r = await keptLater(3, 25)(names(12));
    expect(r.completed).toHaveLength(12);
    expect(r.result).toMatchObject({ sent: 12, stop: null });
    // Never more than one message per slot completed and not kept: a kill sends at most 3 twice.
    expect(r.maxUnkept).toBe(3);
    expect(r.unkept).toBe(0);
    // Each slot: 10 ms for its first exchange, then one message per 25 ms keep (the exchanges overlap the keeping),
    // the last kept at 10 + 4 × 25 = 110 ms; holding the slot until the keep would take 4 × 35 = 140 ms.
    expect(r.ms).toBe(110);
  });

  it('never completes the next message on a slot whose record could not be kept; the run stops', async () => {
    const r = await keptLater(1, 25, 'r002')(names(5));
    // r001 kept at 35 ms; r002 completed at 35, its record lost at 60; r003 waited for it and was never completed.
    expect(r.completed).toEqual(['r001', 'r002']);
    expect(r.refused).toEqual(['r003']);
    expect(r.result).toMatchObject({ sent: 2, stop: { kind: 'error', error: { code: 'log-write' } } });
    expect(r.ms).toBe(60);
  });
});
