/**
 * The subscriber events, filtered and serialised for other systems (a CRM):
 * CSV, a JSON array or JSON lines, streamed record by record, so a file of
 * a million events is never held in memory. Output goes out in chunks of
 * about 64 KB through `write`.
 */
import { isRealDate } from '../util/dates.js';
import type { AnyEventType, SubscriberEvent } from './events.js';
import type { EventStore } from './store.js';

export interface EventFilter {
  /** Only events at or after this time (ms since the epoch). */
  since: number | null;
  /** Only these types; null for all. */
  types: ReadonlySet<AnyEventType> | null;
  issue: number | null;
}

export type ExportFormat = 'csv' | 'json' | 'jsonl';

export const CSV_COLUMNS = ['at', 'type', 'email', 'source', 'issue', 'detail'] as const;

export function matches(e: SubscriberEvent, f: EventFilter): boolean {
  if (f.types && !f.types.has(e.type)) return false;
  if (f.issue !== null && e.issue !== f.issue) return false;
  if (f.since !== null) {
    const t = Date.parse(e.at);
    // An event whose time cannot be read cannot be said to be recent.
    if (Number.isNaN(t) || t < f.since) return false;
  }
  return true;
}

/**
 * "2026-05-30" (midnight UTC) or an ISO time ("2026-05-30T09:00", "…:00Z",
 * "…+02:00"; without a zone it is UTC). Null when it is neither.
 */
export function parseSince(value: string): number | null {
  const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(value);
  if (!m || !isRealDate(m[1]!)) return null;
  if (m[2] === undefined) return Date.parse(`${m[1]}T00:00:00Z`);
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  const zone = m[5];
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return null;
  const t = Date.parse(zone ? value : `${value}Z`);
  return Number.isNaN(t) ? null : t;
}

/** The event with its fields always in the same order (absent ones left out). */
export function ordered(e: SubscriberEvent): SubscriberEvent {
  const o: SubscriberEvent = { at: e.at, type: e.type, email: e.email, source: e.source };
  if (e.list !== undefined) o.list = e.list;
  if (e.issue !== undefined) o.issue = e.issue;
  if (e.detail !== undefined) o.detail = e.detail;
  if (e.round !== undefined) o.round = e.round;
  if (e.name !== undefined) o.name = e.name;
  if (e.language !== undefined) o.language = e.language;
  if (e.consent !== undefined) o.consent = e.consent;
  return o;
}

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line
 * break or surrounding spaces, quotes doubled. A field that a spreadsheet
 * would run as a formula (starting with = + - @, tab or CR) gets a leading
 * apostrophe: a bounce's detail text comes from strangers (OWASP, CSV injection).
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(e: SubscriberEvent): string {
  return CSV_COLUMNS.map((c) => csvField(e[c])).join(',');
}

/**
 * Streams the matching events in `format`; returns how many matched. `writeLines`
 * gets whole lines joined by newlines and adds the last newline itself (as the CLI's output does).
 */
export async function exportEvents(
  store: Pick<EventStore, 'each'>,
  filter: EventFilter,
  format: ExportFormat,
  writeLines: (text: string) => void,
): Promise<number> {
  let n = 0;
  const out = chunker(writeLines);
  if (format === 'csv') out.push(CSV_COLUMNS.join(','));
  // The comma goes after an element only once the next one is known.
  let pending: string | null = null;
  await store.each((e) => {
    if (!matches(e, filter)) return;
    n++;
    const o = ordered(e);
    if (format === 'csv') out.push(csvLine(o));
    else if (format === 'jsonl') out.push(JSON.stringify(o));
    else {
      if (pending === null) out.push('[');
      else out.push(`  ${pending},`);
      pending = JSON.stringify(o);
    }
  });
  if (format === 'json') out.push(pending === null ? '[]' : `  ${pending}\n]`);
  out.flush();
  return n;
}

/** Each event as it comes, for callers that format it themselves (the CLI's table). */
export async function eachEvent(
  store: Pick<EventStore, 'each'>,
  filter: EventFilter,
  each: (e: SubscriberEvent) => void,
): Promise<void> {
  await store.each((e) => {
    if (matches(e, filter)) each(ordered(e));
  });
}

/** Gathers lines into chunks of about `size` characters: one write per 64 KB rather than one per event. */
export function chunker(writeLines: (text: string) => void, size = 65536) {
  let lines: string[] = [];
  let length = 0;
  const flush = () => {
    if (lines.length) writeLines(lines.join('\n'));
    lines = [];
    length = 0;
  };
  return {
    push(line: string) {
      lines.push(line);
      length += line.length + 1;
      if (length >= size) flush();
    },
    flush,
  };
}
