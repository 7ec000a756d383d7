/**
 * `enews send`, as a library call: check the build, read the configuration,
 * plan the audience, ask, then deliver and record. The CLI only parses
 * options, answers the confirmation question and prints what comes back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnewsError, ExitCode, formatProblem, type Problem } from '../errors.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import type { Newsletter } from '../content/schema.js';
import { displayPath } from '../content/yaml-file.js';
import { readBuild } from '../build/read-build.js';
import type { Env } from '../config/env.js';
import { DeliveryEngine, type EngineStats, type Outcome, type StopReason } from '../delivery/engine.js';
import { fileDeliverer, smtpDeliverer, type Deliverer } from '../delivery/deliverer.js';
import { dkimSettings, smtpSettings } from '../delivery/smtp-config.js';
import { defaultJournalPath } from '../journal/paths.js';
import { checkIdentity, emptyJournal, JournalWriter, readJournal, type JournalState } from '../journal/journal.js';
import { emptyCounts, shardLabel, type Shard, type SkipReason } from '../plan/audience.js';
import { openSubscriberFile, planAudience, type Plan } from '../plan/plan.js';
import { loadSuppressions } from '../subscribers/suppression.js';
import { testRecipients } from './test-recipients.js';
import { prepareMessages, type MessageJob, type OutgoingItem } from './messages.js';


export interface SendOptions {
  root: string;
  number: number;
  subscribers: string;
  test: string[];
  dryRun: string | null;
  concurrency: number;
  rate: number | null;
  shard: Shard | null;
  journal: string | null;
  suppress: string[];
  skipInvalid: boolean;
  retryFailed: boolean;
  acceptRebuild: boolean;
  maxFailures: number;
  maxAttempts: number;
  retryDelayMs: number;
  timeoutMs: number;
  insecureTls: boolean;
  env: Env;
}

export interface SendHooks {
  /** Asked once, after planning, before anything is sent; false cancels. */
  confirm(question: string, plan: Plan): Promise<boolean>;
  progress?(p: Progress): void;
  notice?(line: string): void;
  signal?: AbortSignal;
  /** Removes secrets from server replies before they are stored. */
  redact?(s: string): string;
}

export interface Progress extends EngineStats {
  toSend: number;
  elapsedMs: number;
}

export type SendMode = 'send' | 'test' | 'dry-run';

export interface SendSummary {
  mode: SendMode;
  issue: number;
  subject: string;
  target: string;
  rows: number;
  toSend: number;
  sent: number;
  failed: number;
  deferred: number;
  notAttempted: number;
  /** Times the server asked to slow down (421/450/451/452) and the rate was lowered. */
  slowDowns: number;
  skipped: Record<SkipReason, number>;
  invalid: Problem[];
  failures: Array<{ email: string; code: number | null; response: string }>;
  stop: { reason: StopReason['kind']; message: string } | null;
  cancelled: boolean;
  journal: string | null;
  exitCode: number;
}

export async function runSend(opts: SendOptions, hooks: SendHooks): Promise<SendSummary> {
  const mode: SendMode = opts.test.length ? 'test' : opts.dryRun !== null ? 'dry-run' : 'send';
  const built = readBuild(opts.root, opts.number);
  if (mode === 'send' && built.manifest.warnings.some((w) => w.code === 'placeholder')) {
    throw new EnewsError('placeholder', `Issue ${opts.number} still contains TODO placeholder text; it is not ready to go to subscribers.`, {
      problems: [{ message: `Write the missing text, run enews build ${opts.number}, review, then send. (--test and --dry-run work meanwhile.)` }],
    });
  }
  const { newsletter } = loadNewsletter(contentPaths(opts.root));
  const secret = unsubscribeSecret(newsletter, opts.env, mode, hooks);
  const dkim = dkimSettings(opts.env);
  const deliverer: Deliverer =
    mode === 'dry-run'
      ? fileDeliverer(path.resolve(opts.root, opts.dryRun!), dkim)
      : smtpDeliverer(smtpSettings(opts.env, { concurrency: opts.concurrency, timeoutMs: opts.timeoutMs, insecureTls: opts.insecureTls }), dkim);

  const src = openSubscriberFile(opts.subscribers);
  for (const w of src.columns.warnings) hooks.notice?.(`warning: ${formatProblem(w)}`);
  const journalFile = mode === 'test' ? null : path.resolve(opts.root, opts.journal ?? defaultJournalPath(opts.root, opts.number, opts.shard));
  const identity = {
    issue: opts.number,
    inputsHash: built.manifest.inputsHash,
    subscribers: path.resolve(opts.subscribers),
    shard: shardLabel(opts.shard),
  };
  const journal: JournalState = journalFile ? await readJournal(journalFile) : emptyJournal();
  if (journalFile) checkIdentity(journalFile, journal, identity, opts.acceptRebuild);

  const suppressFiles = [...newsletter.suppress.map((f) => path.resolve(contentPaths(opts.root).issuesDir, f)), ...opts.suppress.map((f) => path.resolve(opts.root, f))];
  const rules = { suppressed: await loadSuppressions(suppressFiles), shard: opts.shard, done: journal.outcomes, retryFailed: opts.retryFailed };

  // The planning pass spools the chosen recipients here; the sending pass streams them back.
  const spoolDir = mode === 'test' ? null : mkdtempSync(path.join(os.tmpdir(), 'enews-'));
  try {
    let plan: Plan;
    let audience: MessageJob['audience'];
    if (mode === 'test') {
      const recipients = await testRecipients(opts.test, src);
      plan = { rows: recipients.length, toSend: recipients.length, skipped: emptyCounts(), invalid: [], optedOut: new Map() };
      audience = { list: recipients };
    } else {
      const spool = path.join(spoolDir!, 'recipients.jsonl');
      plan = await planAudience(src, rules, spool);
      if (plan.skipped.invalid > 0 && !opts.skipInvalid) throw invalidRows(plan, src.file);
      audience = { spool, optedOut: plan.optedOut };
    }
    const subject = (mode === 'test' ? '[TEST] ' : '') + built.rendered.subject;
    const summary = newSummary(mode, opts.number, subject, mode === 'dry-run' ? displayPath(deliverer.target) : deliverer.target, plan);
    summary.journal = mode === 'send' ? journalFile : null;
    if (plan.toSend === 0) return summary;
    if (!(await hooks.confirm(question(subject, plan, deliverer.target, mode), plan))) {
      summary.cancelled = true;
      summary.notAttempted = plan.toSend;
      return summary;
    }
    await deliverer.verify();
    const writer = journalFile && mode === 'send' ? JournalWriter.open(journalFile, journal) : null;
    writer?.append({ type: 'run', at: new Date().toISOString(), ...identity });
    const messages = prepareMessages({
      newsletter,
      rendered: built.rendered,
      subjectPrefix: mode === 'test' ? '[TEST] ' : '',
      contentHash: built.manifest.inputsHash,
      secret,
      variant: mode === 'test' ? 'test' : '',
      audience,
    });
    await deliver(messages, deliverer, writer, summary, opts, hooks);
    return summary;
  } finally {
    if (spoolDir) rmSync(spoolDir, { recursive: true, force: true });
  }
}

/** The send loop: messages through the engine, every outcome into the journal and the summary. */
async function deliver(
  messages: AsyncIterable<OutgoingItem>,
  deliverer: Deliverer,
  writer: JournalWriter | null,
  summary: SendSummary,
  opts: SendOptions,
  hooks: SendHooks,
): Promise<void> {
  const redact = hooks.redact ?? ((s: string) => s);
  const engine = new DeliveryEngine<OutgoingItem>({
    concurrency: opts.concurrency,
    rate: opts.rate,
    maxAttempts: opts.maxAttempts,
    retryBaseMs: opts.retryDelayMs,
    retryMaxMs: Math.max(opts.retryDelayMs, 60_000),
    maxConsecutiveFailures: opts.maxFailures,
    signal: hooks.signal,
  });
  const started = performance.now();
  const ticker = hooks.progress ? setInterval(() => hooks.progress!({ ...engine.stats(), toSend: summary.toSend, elapsedMs: performance.now() - started }), 250) : null;
  let result;
  try {
    result = await engine.run(
      messages,
      (item) => deliverer.send({ from: item.from, to: item.sub.email, raw: item.raw, messageId: item.messageId, seq: item.seq }),
      (o) => record(o, writer, summary, redact),
    );
  } finally {
    if (ticker) clearInterval(ticker);
    await deliverer.close();
  }
  summary.sent = result.sent;
  summary.failed = result.failed;
  summary.deferred = result.deferred;
  summary.slowDowns = result.slowDowns;
  summary.notAttempted = summary.toSend - result.sent - result.failed - result.deferred;
  summary.stop = result.stop ? { reason: result.stop.kind, message: stopMessage(result.stop) } : null;
  try {
    writer?.append({ type: 'end', at: new Date().toISOString(), sent: summary.sent, failed: summary.failed, deferred: summary.deferred, stopped: summary.stop?.reason ?? null });
    await writer?.close();
  } catch (err) {
    if (!(err instanceof EnewsError)) throw err;
    summary.stop ??= { reason: 'error', message: err.message };
  }
  summary.exitCode = summary.stop || summary.deferred > 0 || summary.notAttempted > 0 ? ExitCode.stopped : summary.failed > 0 ? ExitCode.someFailed : ExitCode.ok;
}

function newSummary(mode: SendMode, issue: number, subject: string, target: string, plan: Plan): SendSummary {
  return {
    mode,
    issue,
    subject,
    target,
    rows: plan.rows,
    toSend: plan.toSend,
    sent: 0,
    failed: 0,
    deferred: 0,
    notAttempted: 0,
    slowDowns: 0,
    skipped: plan.skipped,
    invalid: plan.invalid,
    failures: [],
    stop: null,
    cancelled: false,
    journal: null,
    exitCode: ExitCode.ok,
  };
}

function invalidRows(plan: Plan, file: string): EnewsError {
  const more = plan.skipped.invalid - plan.invalid.length;
  return new EnewsError('invalid-subscribers', `${plan.skipped.invalid} of ${plan.rows} rows in ${displayPath(file)} are invalid; nothing was sent`, {
    problems: [
      ...plan.invalid,
      ...(more > 0 ? [{ message: `… and ${more} more` }] : []),
      { message: 'Fix the rows, or add --skip-invalid to send to the valid rows only (the invalid ones are listed in the summary).' },
    ],
  });
}

function record(o: Outcome<OutgoingItem>, writer: JournalWriter | null, summary: SendSummary, redact: (s: string) => string): void {
  const at = new Date().toISOString();
  const { sub } = o.item;
  if (o.type === 'sent') {
    writer?.append({ type: 'sent', at, key: sub.key, email: sub.email, messageId: o.item.messageId, response: redact(o.response) });
  } else if (o.type === 'failed') {
    writer?.append({ type: 'failed', at, key: sub.key, email: sub.email, code: o.code, response: redact(o.response) });
    if (summary.failures.length < 1000) summary.failures.push({ email: sub.email, code: o.code, response: redact(o.response) });
  }
}

function question(subject: string, plan: Plan, target: string, mode: SendMode): string {
  const skippedParts = Object.entries(plan.skipped)
    .filter(([, n]) => n > 0)
    .map(([reason, n]) => `${n.toLocaleString('en-US')} ${reason.replace('-', ' ')}`);
  const total = Object.values(plan.skipped).reduce((a, b) => a + b, 0);
  const skipped = total ? ` ${total.toLocaleString('en-US')} skipped (${skippedParts.join(', ')})` : '';
  const who = `${plan.toSend.toLocaleString('en-US')} ${plan.toSend === 1 ? 'subscriber' : 'subscribers'}`;
  return mode === 'dry-run' ? `Write '${subject}' for ${who} into ${displayPath(target)}/?${skipped}` : `Send '${subject}' to ${who} via ${target}?${skipped}`;
}

function stopMessage(stop: StopReason): string {
  switch (stop.kind) {
    case 'interrupted':
      return 'Interrupted: the messages in flight were finished and recorded.';
    case 'threshold':
      return `Stopped after ${stop.failures} failures in a row (last: ${stop.last}). Check the server or the list; the same command resumes.`;
    case 'fatal':
      return `Stopped: the server cannot be used (${stop.response}). Fix SMTP_URL or the server; the same command resumes.`;
    case 'error':
      return stop.error.message;
  }
}

function unsubscribeSecret(newsletter: Newsletter, env: Env, mode: SendMode, hooks: SendHooks): string | null {
  const secret = env.UNSUBSCRIBE_SECRET?.trim() || null;
  if (secret && secret.length < 16) {
    hooks.notice?.('warning: UNSUBSCRIBE_SECRET is shorter than 16 characters; anyone who guesses it can unsubscribe others. Use a long random string.');
  }
  if (secret || !newsletter.unsubscribe.url) return secret;
  if (mode === 'dry-run') {
    hooks.notice?.('warning: UNSUBSCRIBE_SECRET is not set, so the unsubscribe links in this dry run carry no token.');
    return null;
  }
  throw new EnewsError('unsubscribe-secret-missing', 'UNSUBSCRIBE_SECRET is not set, but newsletter.yaml has an unsubscribe url whose links need it.', {
    problems: [{ message: 'Set UNSUBSCRIBE_SECRET (a long random string, the same one your unsubscribe page checks) in the environment or .env.' }],
  });
}
