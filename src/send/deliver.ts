/**
 * The second half of `enews send`: deliver a confirmed plan. Every message
 * goes through the engine and the transport (made from the plan by
 * sendTransport, transport.ts); every outcome is journaled the moment it is
 * known; the result is a value the CLI words.
 */
import { EnewsError } from '../errors.js';
import { DeliveryEngine, type EngineEvent, type EngineStats, type StopReason } from '../delivery/engine.js';
import type { Transport } from '../delivery/transport.js';
import type { JournalRecord } from '../journal/journal.js';
import type { JournalAppender } from '../journal/store.js';
import { newsletterFor } from '../build/read-build.js';
import { prepareMessages, type OutgoingItem } from './messages.js';
import { recordRefusals, type Refusal } from './refusals.js';
import type { SendPlan } from './prepare.js';
import { finishedResult, type SendResult } from './result.js';

export interface EngineSettings {
  /** Messages per second at most; null for no limit. */
  rate: number | null;
  maxFailures: number;
  maxAttempts: number;
  retryDelayMs: number;
}

export interface DeliverHooks {
  progress?(p: Progress): void;
  signal?: AbortSignal;
  /** Removes secrets from server replies before they are stored. */
  redact(s: string): string;
}

export interface Progress extends EngineStats {
  toSend: number;
  elapsedMs: number;
}

/** Opens `transport`, sends through it and closes it. */
export async function deliverSend(
  plan: SendPlan,
  transport: Transport,
  engineSettings: EngineSettings,
  hooks: DeliverHooks,
): Promise<SendResult> {
  const { journal, mode } = plan;
  await transport.open();
  const writer = journal && mode === 'send' ? await journal.journals.appender(journal.ref, journal.state.tail) : null;
  const now = () => new Date().toISOString();
  await writer?.append({
    type: 'run',
    at: now(),
    ...journal!.identity,
    suppress: journal!.suppress,
    ...(journal!.events ? { events: journal!.events } : {}),
    eventsUpTo: journal!.eventsUpTo,
  } satisfies JournalRecord);
  const messages = prepareMessages({
    versions: plan.built.languages.map((l) => ({
      language: l.language,
      newsletter: newsletterFor(plan.newsletter, l),
      rendered: l.rendered,
    })),
    issue: plan.request.number,
    subjectPrefix: mode === 'test' ? '[TEST] ' : '',
    contentHash: plan.built.manifest.inputsHash,
    secret: plan.secret,
    variant: mode === 'test' ? 'test' : '',
    attachment: plan.attachment,
    audience:
      'list' in plan.recipients
        ? { list: plan.recipients.list }
        : { spool: plan.recipients.spool, optedOut: plan.audience.optedOut },
  });
  const engine = new DeliveryEngine<OutgoingItem>({
    concurrency: plan.request.concurrency,
    rate: engineSettings.rate,
    maxAttempts: engineSettings.maxAttempts,
    retryBaseMs: engineSettings.retryDelayMs,
    retryMaxMs: 60_000,
    maxConsecutiveFailures: engineSettings.maxFailures,
    signal: hooks.signal,
  });
  const recorder = new Recorder(writer, plan, hooks.redact);
  const started = performance.now();
  const ticker = hooks.progress
    ? setInterval(
        () =>
          hooks.progress!({ ...engine.stats(), toSend: plan.audience.toSend, elapsedMs: performance.now() - started }),
        250,
      )
    : null;
  let stop: StopReason | null;
  let stats: EngineStats;
  try {
    const r = await engine.run(
      messages,
      {
        // The item is the message (OutgoingItem implements the transport's OutgoingMessage).
        send: (item, before) => transport.send(item, before),
        classify: (e) => transport.classify(e),
      },
      (event) => recorder.record(event),
    );
    stop = r.stop;
    stats = r;
  } finally {
    if (ticker) clearInterval(ticker);
    await transport.close();
  }
  try {
    // A recipient refused as unknown must not get the next issue: recorded like a bounce, before the run ends.
    if (mode === 'send' && journal) {
      await recordRefusals(recorder.refusals, {
        issue: plan.request.number,
        store: journal.store,
        listId: plan.newsletter.list_id,
        at: now(),
      });
    }
    await writer?.append({
      type: 'end',
      at: now(),
      sent: stats.sent,
      failed: stats.failed,
      deferred: stats.deferred,
      stopped: stop?.kind ?? null,
    } satisfies JournalRecord);
    await writer?.close();
  } catch (err) {
    if (!(err instanceof EnewsError)) throw err;
    stop ??= { kind: 'error', error: err };
  }
  return finishedResult(plan, transport.target, stats, stop, recorder);
}

/** Turns engine events into journal records and the result's lists. */
class Recorder {
  readonly failures: SendResult['failures'] = [];
  /** Every refusal of this run, for the events they make (refusals.ts). */
  readonly refusals: Refusal[] = [];
  /** Of the failures, those enews refused itself, by reason. */
  readonly heldBack: SendResult['heldBack'] = {};
  possibleDuplicates = 0;

  constructor(
    private readonly writer: JournalAppender | null,
    private readonly plan: SendPlan,
    private readonly redact: (s: string) => string,
  ) {}

  /** Returns what keeping the record takes, when it is not kept at once (journal/store.ts, JournalAppender). */
  record(o: EngineEvent<OutgoingItem>): void | Promise<void> {
    const at = new Date().toISOString();
    const { sub, messageId } = o.item;
    const w = this.writer;
    if (o.type === 'sent') {
      // An attempt of this run or an earlier one was handed over in full and never answered: it may have arrived too.
      const possibleDuplicate = o.uncertain || (this.plan.journal?.state.uncertain.has(sub.key) ?? false);
      if (possibleDuplicate) this.possibleDuplicates++;
      const record: JournalRecord = {
        type: 'sent',
        at,
        key: sub.key,
        email: sub.email,
        messageId,
        response: this.redact(o.response),
      };
      // Set only when there is one, last: no object spread per message, and no key for what nobody said.
      if (o.providerId !== undefined) record.providerId = this.redact(o.providerId);
      if (possibleDuplicate) record.possibleDuplicate = true;
      return w?.append(record);
    } else if (o.type === 'failed') {
      const response = this.redact(o.response);
      const reason = o.reason ? { reason: o.reason } : {};
      if (this.failures.length < 1000) this.failures.push({ email: sub.email, code: o.code, response, ...reason });
      if (o.reason) this.heldBack[o.reason] = (this.heldBack[o.reason] ?? 0) + 1;
      this.refusals.push({ key: sub.key, code: o.code, response });
      return w?.append({ type: 'failed', at, key: sub.key, email: sub.email, code: o.code, response, ...reason });
    } else if (o.type === 'uncertain') {
      return w?.append({
        type: 'uncertain',
        at,
        key: sub.key,
        email: sub.email,
        messageId,
        response: this.redact(o.response),
      });
    }
    return undefined;
  }
}
