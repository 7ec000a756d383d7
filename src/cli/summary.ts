import { SKIP_LABELS, type SkipReason } from '../plan/audience.js';
import type { Output } from './output.js';
import { displayPath } from '../content/yaml-file.js';

export interface SummaryCounts {
  mode?: string;
  subject?: string;
  target?: string;
  rows: number;
  sent: number;
  failed: number;
  deferred: number;
  notAttempted: number;
  skipped: Record<SkipReason, number>;
  failures?: Array<{ email: string; code: number | null; response: string }>;
  stop?: { message: string } | null;
  journal?: string | null;
}

/** The end-of-run table; its lines always add up to the rows read. */
export function printSummary(out: Output, s: SummaryCounts): void {
  const skipped = Object.values(s.skipped).reduce((a, b) => a + b, 0);
  const reasons = (Object.entries(s.skipped) as Array<[SkipReason, number]>)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${fmt(n)} ${SKIP_LABELS[r]}`)
    .join(', ');
  const verb = s.mode === 'dry-run' ? 'Written' : s.mode === 'test' ? 'Test send of' : 'Send of';
  if (s.subject) out.err(`${verb} '${s.subject}'${s.target ? ` (${s.target})` : ''}:`);
  const row = (label: string, n: number, note = '') => out.err(`  ${label.padEnd(12)}${fmt(n).padStart(10)}${note ? `   ${note}` : ''}`);
  row(s.mode === 'dry-run' ? 'written' : 'sent', s.sent);
  row('failed', s.failed, s.failed ? 'permanently (5xx), not retried; --retry-failed sends again' : '');
  if (s.deferred) row('deferred', s.deferred, 'temporary failures outlasted the retries; run again');
  if (s.notAttempted) row('not sent yet', s.notAttempted, 'run the same command again to continue');
  row('skipped', skipped, reasons);
  row('total rows', s.rows);
  for (const f of s.failures?.slice(0, 20) ?? []) out.err(`  failed: ${f.email}  ${f.response}`);
  if ((s.failures?.length ?? 0) > 20) out.err(`  … ${s.failures!.length - 20} more failures in the journal`);
  if (s.stop) out.err(s.stop.message);
  if (s.journal) out.err(`Journal: ${displayPath(s.journal)}`);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
