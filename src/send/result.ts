/**
 * What a send did, as a value: counts that always add up to the rows of the
 * subscriber file, why it stopped, and the exit code the contract gives it.
 */
import { ExitCode, type Problem } from '../errors.js';
import type { EngineStats, StopReason } from '../delivery/engine.js';
import type { OwnRefusal } from '../delivery/transport.js';
import type { SkipReason } from '../plan/audience.js';
import type { Plan } from '../plan/plan.js';
import type { SendMode, SendPlan } from './prepare.js';

export interface SendResult {
  mode: SendMode;
  /** The messages were written to files (--dry-run), not sent: `sent` counts the files. */
  dryRun: boolean;
  issue: number;
  subject: string;
  /** Where messages went (host:port, or the dry-run folder). */
  target: string;
  rows: number;
  toSend: number;
  sent: number;
  failed: number;
  deferred: number;
  notAttempted: number;
  /** Times the server asked to slow down (421/450/451/452) and the rate was lowered. */
  slowDowns: number;
  /** Sent, but an earlier attempt was handed over in full and never answered: it may have arrived too. */
  possibleDuplicates: number;
  /** Recipients the journal records as permanently failed in earlier runs, not retried (see --retry-failed). */
  failedBefore: number;
  skipped: Record<SkipReason, number>;
  /** Of `rows`, the confirmed sign-ups the subscriber file does not have; of `toSend`, those to be mailed. */
  signups: Plan['signups'];
  /** Of toSend, how many were to get each language, and how many of the default's asked for another (plan.ts). */
  languages: Plan['languages'];
  fallbacks: Plan['fallbacks'];
  invalid: Problem[];
  /** The first 1,000 failures; `reason` when enews refused the message itself (no server replied). */
  failures: Array<{ email: string; code: number | null; response: string; reason?: OwnRefusal }>;
  /** Of `failed`, how many enews refused itself, by reason: no server replied, so no 5xx is to blame. */
  heldBack: Partial<Record<OwnRefusal, number>>;
  stop: StopReason | null;
  cancelled: boolean;
  journal: string | null;
  exitCode: number;
}

/** A plan that sent nothing: nobody to send to, or the person said no. `target`: the transport's. */
export function unsentResult(plan: SendPlan, target: string, cancelled: boolean): SendResult {
  return withExitCode({
    ...base(plan, target),
    notAttempted: cancelled ? plan.audience.toSend : 0,
    cancelled,
  });
}

export function finishedResult(
  plan: SendPlan,
  target: string,
  stats: EngineStats,
  stop: StopReason | null,
  recorded: Pick<SendResult, 'failures' | 'heldBack' | 'possibleDuplicates'>,
): SendResult {
  return withExitCode({
    ...base(plan, target),
    sent: stats.sent,
    failed: stats.failed,
    deferred: stats.deferred,
    notAttempted: plan.audience.toSend - stats.sent - stats.failed - stats.deferred,
    slowDowns: stats.slowDowns,
    possibleDuplicates: recorded.possibleDuplicates,
    failures: recorded.failures,
    heldBack: recorded.heldBack,
    stop,
  });
}

function base(plan: SendPlan, target: string): Omit<SendResult, 'exitCode'> {
  return {
    mode: plan.mode,
    dryRun: plan.request.dryRun !== null,
    issue: plan.request.number,
    subject: plan.subject,
    target,
    rows: plan.audience.rows,
    toSend: plan.audience.toSend,
    sent: 0,
    failed: 0,
    deferred: 0,
    notAttempted: 0,
    slowDowns: 0,
    possibleDuplicates: 0,
    failedBefore: plan.audience.skipped['already-failed'],
    skipped: plan.audience.skipped,
    signups: plan.audience.signups,
    languages: plan.audience.languages,
    fallbacks: plan.audience.fallbacks,
    invalid: plan.audience.invalid,
    failures: [],
    heldBack: {},
    stop: null,
    cancelled: false,
    journal: plan.mode === 'send' ? (plan.journal?.ref.label ?? null) : null,
  };
}

/**
 * The contract: 4 when the send is not finished (run it again), 3 when it is but someone failed permanently, else 0.
 */
function withExitCode(r: Omit<SendResult, 'exitCode'>): SendResult {
  const exitCode = r.cancelled
    ? ExitCode.ok
    : r.stop || r.deferred > 0 || r.notAttempted > 0
      ? ExitCode.stopped
      : r.failed > 0 || r.failedBefore > 0
        ? ExitCode.someFailed
        : ExitCode.ok;
  return { ...r, exitCode };
}
