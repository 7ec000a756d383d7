/**
 * The words enews uses for its counts, in one place: the same skip reason
 * reads the same in the confirmation, the summary, status and the report
 * (the labels are report/words.ts's: the HTML report uses them too).
 */
import type { SkipReason } from '../plan/audience.js';
import { SKIP_LABELS } from '../report/words.js';

/** 1,234,567 */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 subscriber", "2 subscribers" */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "3 unsubscribed, 1 in other shards" for the reasons that apply, in a fixed order. */
export function skipReasons(skipped: Record<SkipReason, number>, leaveOut: SkipReason[] = []): string {
  return (Object.entries(skipped) as Array<[SkipReason, number]>)
    .filter(([r, n]) => n > 0 && !leaveOut.includes(r))
    .map(([r, n]) => `${count(n)} ${SKIP_LABELS[r]}`)
    .join(', ');
}

export function sumOf(counts: Record<string, number>, leaveOut: string[] = []): number {
  return Object.entries(counts).reduce((a, [k, n]) => (leaveOut.includes(k) ? a : a + n), 0);
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
