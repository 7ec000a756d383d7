/**
 * Plan, then send. The planning pass reads the whole subscriber file once,
 * validates every row and counts who will get the issue and who is skipped
 * and why; nothing is sent until it has finished cleanly. The sending pass
 * reads the file again in the same order with the same rules, yielding the
 * recipients; the file is streamed both times, never held in memory.
 */
import { statSync } from 'node:fs';
import type { Problem } from '../errors.js';
import { readCsvRows, sniffHeader, type CsvHeader } from '../subscribers/csv-rows.js';
import { mapColumns, parseRow, type ColumnMap, type Subscriber } from '../subscribers/subscriber.js';
import { decide, emptyCounts, SKIP_REASONS, type AudienceRules, type SkipReason } from './audience.js';
import { KeyMap, KeySet } from '../util/key-set.js';

export interface SubscriberFile {
  file: string;
  header: CsvHeader;
  columns: ColumnMap;
  /** Size and modification time when planned, to notice an edit during the send. */
  stamp: string;
}

export function openSubscriberFile(file: string): SubscriberFile {
  const header = sniffHeader(file);
  return { file, header, columns: mapColumns(header, file), stamp: fileStamp(file) };
}

export function fileStamp(file: string): string {
  const s = statSync(file);
  return `${s.size}:${s.mtimeMs}`;
}

export interface Plan {
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  toSend: number;
  skipped: Record<SkipReason, number>;
  /** The first invalid rows, for the report (all are counted in skipped.invalid). */
  invalid: Problem[];
  optedOut: Map<string, 'unsubscribed' | 'bounced'>;
}

const MAX_LISTED_INVALID = 200;

export type PlanRules = Omit<AudienceRules, 'optedOut'>;

export async function planAudience(src: SubscriberFile, rules: PlanRules): Promise<Plan> {
  const skipped = emptyCounts();
  const invalid: Problem[] = [];
  const optedOut = new Map<string, 'unsubscribed' | 'bounced'>();
  // The decision for each address, made at its first row without the opt-outs, which are only
  // known at the end of the file; a compact map because a list can hold a million addresses.
  const firstSeen = new KeyMap();
  const noOptOuts: AudienceRules = { ...rules, optedOut: new Map() };
  let rows = 0;
  let toSend = 0;
  for await (const row of readCsvRows(src.file, src.header)) {
    rows++;
    const r = parseRow(row, src.columns, src.file);
    if (!r.ok) {
      skipped.invalid++;
      if (invalid.length < MAX_LISTED_INVALID) invalid.push(r.problem);
      continue;
    }
    const { key, status } = r.subscriber;
    if (status !== 'subscribed' && optedOut.get(key) !== 'bounced') optedOut.set(key, status);
    if (firstSeen.has(key)) {
      skipped.duplicate++;
      continue;
    }
    const reason = decide(key, noOptOuts);
    firstSeen.set(key, reason ? SKIP_REASONS.indexOf(reason) + 1 : SEND);
    if (reason) skipped[reason]++;
    else toSend++;
  }
  // An opt-out anywhere in the file outranks every other decision for that address.
  for (const [key, status] of optedOut) {
    const code = firstSeen.get(key);
    if (code === SEND) toSend--;
    else skipped[SKIP_REASONS[code - 1]!]--;
    skipped[status]++;
  }
  return { rows, toSend, skipped, invalid, optedOut };
}

const SEND = 255;

/** The sending pass: recipients in file order, exactly those the plan counted as toSend. */
export async function* recipientsToSend(src: SubscriberFile, rules: AudienceRules): AsyncGenerator<Subscriber> {
  const seen = new KeySet();
  for await (const row of readCsvRows(src.file, src.header)) {
    const r = parseRow(row, src.columns, src.file);
    if (!r.ok || !seen.add(r.subscriber.key)) continue;
    if (decide(r.subscriber.key, rules) === null) yield r.subscriber;
  }
}

export function skippedTotal(skipped: Record<SkipReason, number>): number {
  return Object.values(skipped).reduce((a, b) => a + b, 0);
}
