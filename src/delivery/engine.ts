/**
 * The delivery loop: pulls recipients in order, keeps up to `concurrency`
 * messages in flight under a rate limit, retries temporary failures with
 * backoff and jitter, records every final outcome, and stops early (instead
 * of burning through the list) on a fatal error, too many failures in a row,
 * or an interrupt. Knows nothing about CSV, MIME, SMTP or journals: it is
 * handed a `send` and a `classify` (the transport's) and a `record` function.
 */
import { EnewsError, ExitCode } from '../errors.js';
import { RateLimiter, realClock, type Clock } from './rate-limiter.js';
import type { Classified, Delivered, OwnRefusal } from './transport.js';
import { ReplyWindow } from './reply-window.js';

/** "Slow down" is a pattern when it is a tenth of the last second's replies… */
const THROTTLE_SHARE = 0.1;
/**
 * …and more than one recipient's greylisting: a lone 451 (say the first reply of a send) is not a pattern. A 421 is.
 */
const THROTTLE_MIN = 2;

export interface EngineOptions {
  concurrency: number;
  /** Messages per second at most; null for no limit. */
  rate: number | null;
  /** Attempts per recipient for temporary failures (first try included). */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Stop after this many failed attempts in a row (0: never). */
  maxConsecutiveFailures: number;
  signal?: AbortSignal;
  clock?: Clock;
  random?: () => number;
}

/** What the engine reports about a recipient; all but `uncertain` are final for this run. */
export type EngineEvent<R> =
  /**
   * `uncertain`: an earlier attempt of this run failed after the
   * whole message was handed over, so this may be a second copy. `providerId`: the destination's id for the
   * message, when it gave one (absent otherwise).
   */
  | { type: 'sent'; item: R; response: string; providerId?: string; attempts: number; uncertain: boolean }
  /** `reason`: the transport refused it itself (no reply code), and why. */
  | { type: 'failed'; item: R; code: number | null; response: string; attempts: number; reason?: OwnRefusal }
  /** Not delivered, not failed: temporary trouble outlasted the retries, or the run stopped. Sent again next run. */
  | { type: 'deferred'; item: R; code: number | null; response: string; attempts: number }
  /** An attempt failed after the final dot (no reply): the message may have arrived. It will be retried. */
  | { type: 'uncertain'; item: R; response: string; attempts: number };

/**
 * Keeps what the engine reports (the journal). A promise means the outcome is kept when it resolves (a database
 * commits in batches): the next message on that connection slot is not completed until then (see launch).
 */
export type Recorder<R> = (o: EngineEvent<R>) => void | Promise<void>;

/**
 * How the engine reaches the destination: the transport's own send and classification. A `send` that throws an
 * EnewsError stops the run (kind "error") without being classified; see transport.ts.
 */
export interface Delivery<R> {
  /** `before`: see Transport.send (transport.ts): the message is not completed before it resolves. */
  send(item: R, before: Promise<void> | null): Promise<Delivered>;
  classify(err: unknown): Classified;
}

export type StopReason =
  | { kind: 'interrupted' }
  | { kind: 'threshold'; failures: number; last: string }
  | { kind: 'fatal'; response: string }
  | { kind: 'error'; error: EnewsError };

export interface EngineStats {
  sent: number;
  failed: number;
  deferred: number;
  inFlight: number;
  retrying: number;
  /** Messages per second over the last few seconds. */
  rate: number;
  rateLimit: number | null;
  /** Times the server said "slow down" and the rate was cut. */
  slowDowns: number;
}

export interface EngineResult extends EngineStats {
  stop: StopReason | null;
}

interface Job<R> {
  item: R;
  attempt: number;
  due: number;
  last?: Classified;
  uncertain: boolean;
}

export class DeliveryEngine<R> {
  private readonly limiter: RateLimiter;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly active = new Set<Promise<void>>();
  /**
   * One per connection slot: the keeping of the record of the last message delivered on that slot, or null when
   * it is kept (see launch). A slot's next message may start meanwhile, but is not completed before it is kept.
   */
  private readonly slots: Array<Promise<void> | null> = [];
  private readonly retries: Job<R>[] = [];
  private readonly wake: Wakeup;
  private readonly window: ReplyWindow;
  private stop: StopReason | null = null;
  private consecutive = 0;
  private sent = 0;
  private failed = 0;
  private deferred = 0;

  constructor(private readonly opts: EngineOptions) {
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.limiter = new RateLimiter(opts.rate, this.clock);
    this.wake = new Wakeup(this.clock);
    this.window = new ReplyWindow(this.clock);
    for (let i = 0; i < opts.concurrency; i++) this.slots.push(null);
  }

  stats(): EngineStats {
    return {
      sent: this.sent,
      failed: this.failed,
      deferred: this.deferred,
      inFlight: this.active.size,
      retrying: this.retries.length,
      rate: this.window.throughput(),
      rateLimit: this.limiter.current,
      slowDowns: this.limiter.cuts,
    };
  }

  async run(source: AsyncIterable<R>, delivery: Delivery<R>, record: Recorder<R>): Promise<EngineResult> {
    const onAbort = () => this.halt({ kind: 'interrupted' });
    if (this.opts.signal?.aborted) onAbort();
    this.opts.signal?.addEventListener('abort', onAbort);
    const it = source[Symbol.asyncIterator]();
    let exhausted = false;
    try {
      while (!this.stop) {
        if (this.active.size >= this.opts.concurrency) {
          await this.wake.wait();
          continue;
        }
        let job = this.dueRetry();
        if (!job && !exhausted) {
          const next = await it.next();
          if (next.done) exhausted = true;
          else job = { item: next.value, attempt: 1, due: 0, uncertain: false };
        }
        if (!job) {
          if (this.active.size === 0 && this.retries.length === 0) break;
          await this.wake.wait(this.msUntilNextRetry());
          continue;
        }
        await this.limiter.take();
        if (this.stop) {
          this.finalDeferral(job, record, 'not sent: the run stopped');
          break;
        }
        this.launch(job, delivery, record);
      }
      await Promise.all(this.active);
      await Promise.allSettled(this.slots);
      for (const job of this.retries.splice(0))
        this.finalDeferral(job, record, job.last?.response ?? 'not sent: the run stopped');
    } finally {
      this.opts.signal?.removeEventListener('abort', onAbort);
      await it.return?.();
    }
    return { ...this.stats(), stop: this.stop };
  }

  /**
   * Sends one message on a free slot. The slot is free again as soon as the message is delivered and its record
   * handed to `record`, and the slot's next message may start while that record is being kept (a database's
   * commit), but it is not completed (its final byte, after which the destination may accept it) until then:
   * so at any moment each slot has at most one message delivered whose record is not kept, and a kill causes at
   * most `concurrency` messages to be sent twice, whatever keeps the journal. A record that cannot be kept
   * stops the run, and the slot's next message is then never completed.
   */
  private launch(job: Job<R>, delivery: Delivery<R>, record: Recorder<R>): void {
    const slot = this.slots.pop()!;
    let next: Promise<void> | null = slot;
    const p = (async () => {
      try {
        const { response, providerId } = await delivery.send(job.item, slot);
        this.consecutive = 0;
        this.sent++;
        this.window.note('sent');
        // Delivered after `slot` was kept: this message's record is now the one the slot waits for.
        next = this.keeping(record, {
          type: 'sent',
          item: job.item,
          response,
          providerId,
          attempts: job.attempt,
          uncertain: job.uncertain,
        });
      } catch (err) {
        // The transport says the run cannot go on: stop, blaming no recipient (transport.ts).
        if (err instanceof EnewsError) {
          this.halt({ kind: 'error', error: err });
          return;
        }
        await this.handleFailure(job, delivery.classify(err), record);
      }
    })().finally(() => {
      this.slots.push(next);
      this.active.delete(p);
      this.wake.notify();
    });
    this.active.add(p);
  }

  /**
   * Hands `o` to `record`: null when it is kept at once (a file's write), else its keeping, which rejects when the
   * record could not be kept (the run stops then: lost).
   */
  private keeping(record: Recorder<R>, o: EngineEvent<R>): Promise<void> | null {
    let kept: void | Promise<void>;
    try {
      kept = record(o);
    } catch (err) {
      return this.lost(err);
    }
    if (!kept) return null;
    const slot = kept.then(
      () => {},
      (err: unknown) => this.lost(err),
    );
    // The rejection is for the slot's next message, which may never come.
    slot.catch(() => {});
    return slot;
  }

  /** A record that could not be kept: the run stops, and the slot's next message must not be completed. */
  private lost(err: unknown): Promise<never> {
    const error =
      err instanceof EnewsError
        ? err
        : new EnewsError('log-write', `Cannot keep the journal: ${String(err)}`, {
            exitCode: ExitCode.stopped,
            cause: err,
          });
    this.halt({ kind: 'error', error });
    const p = Promise.reject(error);
    p.catch(() => {});
    return p;
  }

  private async handleFailure(job: Job<R>, c: Classified, record: Recorder<R>): Promise<void> {
    job.last = c;
    if (c.uncertain) {
      job.uncertain = true;
      await this.safeRecord(record, { type: 'uncertain', item: job.item, response: c.response, attempts: job.attempt });
    }
    if (c.kind === 'fatal') {
      this.finalDeferral(job, record, c.response);
      this.halt({ kind: 'fatal', response: c.response });
      return;
    }
    const throttle = c.kind === 'throttle';
    this.window.note(throttle ? 'throttled' : 'other');
    // Slow down when "slow down" is a pattern (a tenth of recent replies), not one recipient's greylisting.
    // Halve what was being pushed at the server: accepted messages, or early in a send, the replies themselves.
    // A 421 closes the connection for everyone, so one is enough, when it is a tenth of the replies like the others.
    if (throttle) {
      const last = this.window.lastSecond();
      const enough = c.code === 421 || last.throttled >= THROTTLE_MIN;
      if (enough && last.throttled / last.replies >= THROTTLE_SHARE) {
        this.limiter.slowDown(Math.max(this.window.throughput(), last.replies));
      }
    }
    // A throttling server is alive and asking for patience; only other failures count toward the threshold.
    if (!throttle) this.consecutive++;
    if (c.kind === 'permanent') {
      this.failed++;
      await this.safeRecord(record, {
        type: 'failed',
        item: job.item,
        code: c.code,
        response: c.response,
        attempts: job.attempt,
        ...(c.reason ? { reason: c.reason } : {}),
      });
    } else if (job.attempt < this.opts.maxAttempts && !this.stop) {
      this.retries.push({
        item: job.item,
        attempt: job.attempt + 1,
        due: this.clock.now() + this.backoff(job.attempt),
        last: c,
        uncertain: job.uncertain,
      });
    } else {
      if (throttle) this.consecutive++;
      this.finalDeferral(job, record, c.response);
    }
    const limit = this.opts.maxConsecutiveFailures;
    if (limit > 0 && this.consecutive >= limit)
      this.halt({ kind: 'threshold', failures: this.consecutive, last: c.response });
  }

  private finalDeferral(job: Job<R>, record: Recorder<R>, response: string): void {
    this.deferred++;
    void this.safeRecord(record, {
      type: 'deferred',
      item: job.item,
      code: job.last?.code ?? null,
      response,
      attempts: job.attempt,
    });
  }

  /**
   * Records an outcome other than a delivery (those go through `keeping`); a record kept later (a database's
   * batch) is waited for by the caller, which holds its connection slot meanwhile.
   */
  private safeRecord(record: Recorder<R>, o: EngineEvent<R>): Promise<void> | undefined {
    // A record that could not be kept has stopped the run (lost); the caller only waits.
    return this.keeping(record, o)?.catch(() => {});
  }

  private halt(reason: StopReason): void {
    this.stop ??= reason;
    this.wake.notify();
  }

  /** Exponential backoff with jitter (half fixed, half random) so retries do not arrive in lockstep. */
  private backoff(attempt: number): number {
    const base = Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** (attempt - 1));
    return base / 2 + (base / 2) * this.random();
  }

  private dueRetry(): Job<R> | undefined {
    const now = this.clock.now();
    const i = this.retries.findIndex((j) => j.due <= now);
    return i >= 0 ? this.retries.splice(i, 1)[0] : undefined;
  }

  private msUntilNextRetry(): number | undefined {
    if (this.retries.length === 0) return undefined;
    const next = Math.min(...this.retries.map((j) => j.due));
    return Math.max(1, next - this.clock.now());
  }
}

/**
 * A wake-up call that is not lost when it comes before anyone waits.
 *
 * A wait with a timeout sleeps on the engine's Clock rather than on setTimeout,
 * so a fake clock drives retry and backoff waits too (tests run them without
 * real time passing). With the real clock this is the same timer as before:
 * set for `ms`, cancelled (through the abort signal) when a notify comes first.
 */
class Wakeup {
  private flagged = false;
  private waiters: Array<() => void> = [];

  constructor(private readonly clock: Clock) {}

  notify(): void {
    this.flagged = true;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }

  wait(ms?: number): Promise<void> {
    if (this.flagged) {
      this.flagged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: AbortController | undefined;
      const done = () => {
        timer?.abort();
        this.flagged = false;
        resolve();
      };
      this.waiters.push(done);
      if (ms !== undefined) {
        timer = new AbortController();
        const { signal } = timer;
        // The aborted check stands in for clearTimeout with a clock that resolves a cancelled sleep anyway.
        void this.clock.sleep(ms, signal).then(() => {
          if (!signal.aborted) done();
        });
      }
    });
  }
}
