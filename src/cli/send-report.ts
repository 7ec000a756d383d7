/**
 * Everything `enews send` says to the person running it: notices found while
 * planning, the confirmation question, the progress line and the summary.
 */
import { formatProblem } from '../errors.js';
import type { StopReason } from '../delivery/engine.js';
import type { OwnRefusal } from '../delivery/transport.js';
import type { Progress } from '../send/deliver.js';
import type { SendNotice, SendPlan } from '../send/prepare.js';
import type { SendResult } from '../send/result.js';
import type { Output } from './output.js';
import { languageName } from '../content/languages.js';
import { count, plural, skipReasons, sumOf } from './words.js';

export function noticeLines(n: SendNotice): string[] {
  switch (n.kind) {
    case 'column-warning':
      return [`warning: ${formatProblem(n.problem)}`];
    case 'no-secret':
      return ['warning: UNSUBSCRIBE_SECRET is not set, so the unsubscribe links in this dry run carry no token.'];
    case 'stale-lock':
      return [
        `note: took over the lock of a send that is no longer ` +
          `running (process ${n.pid} on ${n.host}, since ${n.since}).`,
      ];
    case 'torn-journal':
      return [
        `note: ${n.file} ends in a record cut short (${plural(n.bytes, 'byte')}, ` +
          `a write interrupted by a crash or a full disk); ` +
          'it is cut back to the last complete record before this run writes.',
      ];
    case 'dkim-unaligned':
      return [
        `warning: DKIM signs as ${n.signing} but the mail is from ${n.from}: receivers' DMARC checks cannot pass ` +
          `on a signature of another domain. Set DKIM_DOMAIN to ${n.from} or a subdomain of it, and publish the key there.`,
      ];
    case 'dkim-short-key':
      return [
        `note: the DKIM key has ${n.bits} bits; receivers accept it, but 2048 is what RFC 8301 asks of signers ` +
          '(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048).',
      ];
    case 'foreign-journal':
      return [`warning: ${n.error.message} This dry run reads it anyway; a real send would refuse it.`];
    case 'other-journals':
      return [
        'WARNING: other journals of this issue and list already record messages sent:',
        ...n.journals.map(
          (j) => `  ${j.file}${j.shard ? ` (shard ${j.shard})` : ''}: ${plural(j.sent, 'message')} sent`,
        ),
        '  This run uses another journal, which does not know about them: those subscribers would get the issue again.',
        '  Cancel and run the send with the journal it used before, unless mailing them twice is what you want.',
      ];
  }
}

export function question(plan: SendPlan, target: string): string {
  const { audience, subject } = plan;
  const total = sumOf(audience.skipped);
  const skipped = total ? ` ${count(total)} skipped (${skipReasons(audience.skipped)})` : '';
  const who = plural(audience.toSend, 'subscriber');
  return plan.request.dryRun !== null
    ? `Write '${subject}' for ${who} into ${target}/?${skipped}`
    : `Send '${subject}' to ${who} via ${target}?${skipped}`;
}

/**
 * Who gets which language, when the issue is built in more than one: "English 250 (12 of them asked
 * for a language the issue is not in: de 10, xx 2) · French 100 · Spanish 50". Empty otherwise.
 */
export function languageLine(p: {
  languages: SendPlan['audience']['languages'];
  fallbacks: SendPlan['audience']['fallbacks'];
}): string {
  const entries = Object.entries(p.languages);
  if (entries.length < 2) return '';
  const { total, asked } = p.fallbacks;
  const parts = entries.map(([language, n], i) => {
    const fallback =
      i === 0 && total > 0
        ? ` (${plural(total, 'of them asks', 'of them ask')} for a language the issue is not in: ` +
          `${Object.entries(asked)
            .map(([tag, k]) => `${tag} ${count(k)}`)
            .join(', ')})`
        : '';
    return `${languageName(language)} ${count(n)}${fallback}`;
  });
  return `  in ${parts.join(' · ')}`;
}

/** "  2 of them signed up and confirmed (enews serve), beside the subscriber file", when any did. */
export function signupLine(signups: SendPlan['audience']['signups']): string {
  if (signups.toSend === 0) return '';
  return `  ${count(signups.toSend)} of them signed up and confirmed (enews serve), beside the subscriber file`;
}

export function stopMessage(stop: StopReason): string {
  switch (stop.kind) {
    case 'interrupted':
      return 'Interrupted: the messages in flight were finished and recorded.';
    case 'threshold':
      return (
        `Stopped after ${stop.failures} failures in a row (last: ` +
        `${stop.last}). Check the server or the list; the same command resumes.`
      );
    case 'fatal':
      return (
        `Stopped: the server refuses this sender or cannot be used (${stop.response}). ` +
        `Nobody was marked as failed for it. Fix SMTP_URL or the server; the same command resumes.`
      );
    case 'error':
      return stop.error.message;
  }
}

/** The end-of-run table; its lines always add up to the rows read. */
export function printSummary(out: Output, s: SendResult, target: string): void {
  const verb = s.dryRun ? 'Written' : s.mode === 'test' ? 'Test send of' : 'Send of';
  out.err(`${verb} '${s.subject}' (${target}):`);
  const row = (label: string, n: number, note = '') =>
    out.err(`  ${label.padEnd(12)}${count(n).padStart(10)}${note ? `   ${note}` : ''}`);
  row(
    s.dryRun ? 'written' : 'sent',
    s.sent,
    s.possibleDuplicates
      ? `${count(s.possibleDuplicates)} of them possibly twice (a reply lost after the message was handed over)`
      : '',
  );
  row('failed', s.failed, failedNote(s));
  if (s.deferred) row('deferred', s.deferred, 'temporary failures outlasted the retries; run again');
  if (s.notAttempted) row('not sent yet', s.notAttempted, 'run the same command again to continue');
  row('skipped', sumOf(s.skipped), skipReasons(s.skipped));
  row(
    'total rows',
    s.rows,
    s.signups.rows ? `${count(s.rows - s.signups.rows)} in the file, ${plural(s.signups.rows, 'sign-up')}` : '',
  );
  for (const f of s.failures.slice(0, 20)) out.err(`  failed: ${f.email}  ${f.response}`);
  if (s.failures.length > 20) out.err(`  … ${s.failures.length - 20} more failures in the journal`);
  if (s.failedBefore && !s.stop) {
    out.err(
      `${plural(s.failedBefore, 'recipient')} failed permanently in earlier ` +
        `runs and did not get the issue; add --retry-failed to try them again.`,
    );
  }
  if (s.stop) out.err(stopMessage(s.stop));
  if (s.journal) out.err(`Journal: ${s.journal}`);
}

/** Why enews itself refused a message (no server replied), by OwnRefusal (delivery/transport.ts). */
const HELD_BACK: Record<OwnRefusal, string> = {
  'no-smtputf8': 'not sent by enews, no server replied: non-ASCII before the @ and the server does not offer SMTPUTF8',
};

/** "permanently (5xx), not retried", and enews's own refusals apart: no server is to blame for those. */
function failedNote(s: SendResult): string {
  if (s.failed === 0) return '';
  const own = Object.entries(s.heldBack) as Array<[OwnRefusal, number]>;
  const byServer = s.failed - own.reduce((a, [, n]) => a + n, 0);
  const parts = [
    ...(byServer > 0 ? [`${own.length ? `${count(byServer)} ` : ''}permanently (5xx), not retried`] : []),
    ...own.map(([reason, n]) => `${byServer > 0 || own.length > 1 ? `${count(n)} ` : ''}${HELD_BACK[reason]}`),
  ];
  return `${parts.join('; ')}; --retry-failed sends again`;
}

/** The live progress line; a terminal-only \r line, so it bypasses the line-based Output. */
export function progressPrinter(write: (s: string) => void) {
  let shown = false;
  return {
    update(p: Progress) {
      const done = p.sent + p.failed + p.deferred;
      const rate = p.rate > 0 ? p.rate : done / Math.max(1, p.elapsedMs / 1000);
      const eta = rate > 0 ? formatDuration(((p.toSend - done) / rate) * 1000) : '?';
      write(
        `\r${count(done)}/${count(p.toSend)} · sent ${count(p.sent)} · failed ` +
          `${count(p.failed)} · retrying ${p.retrying} · ${rate.toFixed(0)}/s · ETA ${eta}   `,
      );
      shown = true;
    },
    clear() {
      if (shown) write('\r\x1b[K');
      shown = false;
    },
  };
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The --json form: the result's counts plus the stop reason in words; keys are only ever added. */
export function jsonSummary(s: SendResult, target: string) {
  return { ...s, target, stop: s.stop ? { reason: s.stop.kind, message: stopMessage(s.stop) } : null };
}
