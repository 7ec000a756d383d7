/**
 * The report parts of a plainly written multipart/report, found without
 * parsing the rest: a delivery report or complaint is a few hundred bytes of
 * fields in front of a returned copy of the newsletter (~16 KB) that nothing
 * here needs beyond its header block.
 *
 * Hand-written because the library is the bottleneck: mailparser (parse.ts)
 * costs ~1,400 µs a returned message of the bench's mailbox, and ~560 µs even
 * for the header block alone (its stream machinery, measured on 1,000
 * messages), against a budget of 500 µs a message for 2,000 messages/s; this
 * reader costs ~80 µs. It takes only the shape every MTA writes: a 7-bit
 * header block, one Content-Type naming multipart/report and a boundary, and
 * parts (multiparts nested up to MAX_DEPTH) separated by exact delimiter
 * lines, the report parts without a transfer encoding. Anything else (an
 * encoded report part, a delimiter line with more after the boundary, a
 * missing close delimiter, an 8-bit header block, a comment or encoded word
 * in a Content-Type) returns null and is read by mailparser as before. On what it does take, its facts are
 * mailparser's (src/inbox/report-parts.test.ts compares the two on every
 * fixture and on variants of each rule).
 */
import libmime from 'libmime';
import { parseAddressHeader } from 'mailparser';
import { all, first, type Fields } from './fields.js';

export interface ReportPart {
  /** The part's Content-Type, in lower case. */
  type: string;
  /** Its body, as mailparser hands an attachment over (the line break before the delimiter is the delimiter's). */
  content: Buffer;
}

export interface ReportShape {
  subject: string;
  from: string | null;
  recipients: string[];
  reportType: string | null;
  /** The parts in document order, with the bodies of those named in `wanted` only. */
  parts: ReportPart[];
}

const EMPTY = Buffer.alloc(0);
/** Header blocks are read within this many bytes, as headerFieldsOf reads them. */
const HEADER_BYTES = 256 * 1024;
/** More parts than any report has: past this, mailparser decides. */
const MAX_PARTS = 32;
/** Multiparts inside the report: Gmail nests two (a notice with its icon, in two forms). */
const MAX_DEPTH = 3;
/** RFC 2046's boundary characters, 1 to 70 of them. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;
/** A header value simple enough that libmime and mailsplit cannot read it differently: printable, no comment. */
const PLAIN_VALUE = /^[\x20-\x7e\t\r\n]*$/;

/**
 * The report parts and top-level facts of `raw`, or null when it is not a plainly written multipart/report.
 * `headers` is headerFieldsOf(raw); `wanted` the part types whose bodies are needed.
 */
export function readReport(raw: Buffer, headers: Fields, wanted: ReadonlySet<string>): ReportShape | null {
  const headEnd = blankLine(raw, 0, Math.min(raw.length, HEADER_BYTES));
  if (!headEnd || !sevenBit(raw, 0, headEnd.start)) return null;
  const ct = contentTypeOf(raw.subarray(0, headEnd.start), headers);
  if (ct?.value !== 'multipart/report') return null;
  const boundary = ct.params.boundary;
  if (!boundary || !BOUNDARY.test(boundary)) return null;
  const parts = splitParts(raw, headEnd.end, raw.length, delimiterOf(boundary), wanted, 0);
  if (!parts) return null;
  const subject = first(headers, 'subject');
  return {
    subject: subject === undefined ? '' : decodeWords(subject),
    from: addressesOf(headers, 'from', true)[0] ?? null,
    recipients: [...addressesOf(headers, 'to', false), ...addressesOf(headers, 'cc', false)],
    reportType: ct.params['report-type']?.toLowerCase() ?? null,
    parts,
  };
}

/**
 * The leaf parts between the delimiters in raw[from, to) (a nested multipart's leaves in its place), or null at
 * the first sign of a shape this reader does not take.
 */
function splitParts(
  raw: Buffer,
  from: number,
  to: number,
  delimiter: Buffer,
  wanted: ReadonlySet<string>,
  depth: number,
): ReportPart[] | null {
  const parts: ReportPart[] = [];
  let partStart = -1;
  for (let at = raw.indexOf(delimiter, from); at >= 0 && at < to; at = raw.indexOf(delimiter, at + 1)) {
    // Only at the start of a line; elsewhere it is text (a quoted boundary, a long line).
    if (at > from && raw[at - 1] !== 0x0a) continue;
    const nl = raw.indexOf(0x0a, at);
    const lineEnd = nl < 0 || nl > to ? to : nl;
    const rest = raw.subarray(at + delimiter.length, lineEnd).toString('latin1');
    const close = rest === '--' || rest === '--\r';
    if (!close && rest !== '' && rest !== '\r') return null;
    if (partStart >= 0) {
      const leaves = partOf(raw, partStart, at, wanted, depth);
      if (!leaves) return null;
      parts.push(...leaves);
      if (parts.length > MAX_PARTS) return null;
    }
    if (close) return parts.length > 0 ? parts : null;
    if (lineEnd >= to) return null;
    partStart = lineEnd + 1;
  }
  // No close delimiter: a truncated report, read by mailparser as before.
  return null;
}

function partOf(
  raw: Buffer,
  start: number,
  delimiterAt: number,
  wanted: ReadonlySet<string>,
  depth: number,
): ReportPart[] | null {
  // The line break in front of a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
  let end = delimiterAt;
  if (end > start && raw[end - 1] === 0x0a) end -= end - 1 > start && raw[end - 2] === 0x0d ? 2 : 1;
  // A part without header lines is text/plain: never a report part.
  if (raw[start] === 0x0a || (raw[start] === 0x0d && raw[start + 1] === 0x0a))
    return [{ type: 'text/plain', content: EMPTY }];
  const headEnd = blankLine(raw, start, delimiterAt);
  if (!headEnd || !sevenBit(raw, start, headEnd.start)) return null;
  const block = raw.subarray(start, headEnd.start);
  const fields = libmime.decodeHeaders(block.toString('latin1')) as Fields;
  const ct =
    all(fields, 'content-type').length === 0 ? { value: 'text/plain', params: {} } : contentTypeOf(block, fields);
  if (!ct) return null;
  if (ct.value.startsWith('multipart/')) {
    const boundary = ct.params.boundary;
    if (depth >= MAX_DEPTH || !boundary || !BOUNDARY.test(boundary)) return null;
    return splitParts(raw, headEnd.end, Math.max(headEnd.end, end), delimiterOf(boundary), wanted, depth + 1);
  }
  if (!wanted.has(ct.value)) return [{ type: ct.value, content: EMPTY }];
  const encodings = all(fields, 'content-transfer-encoding');
  if (encodings.length > 1 || !['7bit', '8bit', 'binary'].includes((encodings[0] ?? '7bit').toLowerCase())) return null;
  return [{ type: ct.value, content: raw.subarray(headEnd.end, Math.max(headEnd.end, end)) }];
}

function delimiterOf(boundary: string): Buffer {
  return Buffer.from(`--${boundary}`, 'latin1');
}

/** The one Content-Type of a header block, when it is written plainly. */
function contentTypeOf(block: Buffer, fields: Fields): { value: string; params: Record<string, string> } | null {
  const values = all(fields, 'content-type');
  // A second field, or a name written with space before its colon, may be read otherwise by mailsplit.
  const named = block.toString('latin1').match(/^content-type[ \t]*:/gim) ?? [];
  if (values.length !== 1 || named.length !== 1 || !/^content-type:$/i.test(named[0]!)) return null;
  const v = values[0]!;
  if (!PLAIN_VALUE.test(v) || v.includes('(') || v.includes('=?') || v.includes('*=') || v.includes('\\')) return null;
  const parsed = libmime.parseHeaderValue(v) as { value: string; params: Record<string, string> };
  return { value: parsed.value.toLowerCase(), params: parsed.params };
}

/** The first empty line in raw[from, to): where the block before it ends and where what follows starts. */
function blankLine(raw: Buffer, from: number, to: number): { start: number; end: number } | null {
  for (let nl = raw.indexOf(0x0a, from); nl >= 0 && nl < to; nl = raw.indexOf(0x0a, nl + 1)) {
    const next = raw[nl + 1] === 0x0d ? nl + 2 : nl + 1;
    if (raw[next] === 0x0a && next < to) {
      const start = nl > from && raw[nl - 1] === 0x0d ? nl - 1 : nl;
      return { start, end: next + 1 };
    }
  }
  return null;
}

function sevenBit(raw: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (raw[i]! >= 0x80 || raw[i] === 0) return false;
  return true;
}

function decodeWords(s: string): string {
  try {
    return libmime.decodeWords(s);
  } catch {
    return s;
  }
}

/** The addresses of a field, as mailparser lists them (its own address parser, groups walked). */
function addressesOf(headers: Fields, name: string, firstOnly: boolean): string[] {
  const values = firstOnly ? all(headers, name).slice(0, 1) : all(headers, name);
  const out: string[] = [];
  const walk = (entries: ReturnType<typeof parseAddressHeader>['value']) => {
    for (const e of entries) {
      if (e.address) out.push(e.address);
      if (e.group) walk(e.group);
    }
  };
  for (const v of values) walk(parseAddressHeader(v).value);
  return out;
}
