/**
 * Plan, then send. The planning pass reads the whole subscriber file once,
 * validates every row and counts who will get the issue and who is skipped
 * and why; nothing is sent until it has finished cleanly. It also writes the
 * recipients it chose, already validated, to a spool file; the sending pass
 * streams that spool, so it sends exactly what was planned (even if the CSV
 * is edited meanwhile) without parsing and validating every row again.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Problem } from '../errors.js';
import { readCsvRows, sniffHeader, type CsvHeader } from '../subscribers/csv-rows.js';
import { mapColumns, parseRow, type ColumnMap, type Subscriber } from '../subscribers/subscriber.js';
import { decide, emptyCounts, SKIP_REASONS, type AudienceRules, type SkipReason } from './audience.js';
import { KeyMap } from '../util/key-set.js';

export interface SubscriberFile {
  file: string;
  header: CsvHeader;
  columns: ColumnMap;
}

export function openSubscriberFile(file: string): SubscriberFile {
  const header = sniffHeader(file);
  return { file, header, columns: mapColumns(header, file) };
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

export async function planAudience(src: SubscriberFile, rules: PlanRules, spoolFile?: string): Promise<Plan> {
  const spool = spoolFile ? createWriteStream(spoolFile, { mode: 0o600 }) : null;
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
    else {
      toSend++;
      if (spool && !spool.write(JSON.stringify(r.subscriber) + '\n')) await once(spool, 'drain');
    }
  }
  if (spool) await new Promise<void>((resolve, reject) => spool.end((err?: Error | null) => (err ? reject(err) : resolve())));
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

/**
 * The sending pass: the spooled recipients in file order, minus the addresses
 * an opt-out row later in the file took out; exactly those the plan counted.
 */
export async function* spooledRecipients(spoolFile: string, optedOut: ReadonlyMap<string, string>): AsyncGenerator<Subscriber> {
  const lines = createInterface({ input: createReadStream(spoolFile, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) {
    const sub = JSON.parse(line) as Subscriber;
    if (!optedOut.has(sub.key)) yield sub;
  }
}
