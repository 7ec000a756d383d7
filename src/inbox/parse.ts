/**
 * A returned message turned into the facts `enews inbox` decides on. The
 * MIME structure is mailparser's (it finds and decodes the parts of a
 * multipart/report); the field blocks inside the report parts (RFC 3464's
 * delivery-status, RFC 5965's feedback-report, the returned headers) are
 * header syntax, read with libmime.decodeHeaders. A plainly written
 * multipart/report is split without mailparser (report-parts.ts: the
 * measurement that made it so is there); everything else goes through it.
 */
import libmime from 'libmime';
import { simpleParser, type AddressObject, type Attachment } from 'mailparser';
import type { Fields } from './fields.js';
import { readReport } from './report-parts.js';

export interface DeliveryStatus {
  /** The per-message fields (Reporting-MTA, Arrival-Date, X-Original-Message-ID…). */
  message: Fields;
  /** One block per recipient (Final-Recipient, Action, Status, Diagnostic-Code…). */
  recipients: Fields[];
}

export interface ReturnFacts {
  /** The message's own header fields. */
  headers: Fields;
  subject: string;
  /** The From address, as written. */
  from: string | null;
  /** Every address of To and Cc. */
  recipients: string[];
  /** "multipart/report", "text/plain"… in lower case. */
  contentType: string;
  /** The report-type parameter of a multipart/report, in lower case. */
  reportType: string | null;
  deliveryStatus: DeliveryStatus | null;
  feedbackReport: Fields | null;
  /** The header fields of the returned message (a message/rfc822 or text/rfc822-headers part). */
  original: Fields | null;
  /**
   * The readable text (or HTML source when there is no text), cut at BODY_CHARS. Empty for a multipart/report
   * read by report-parts.ts: a report's text is never read (classify.ts reads a body only for mail that is no report).
   */
  body: string;
}

/** Enough of a body for a token or a pasted request; the rest is never needed. */
const BODY_CHARS = 64 * 1024;

const DELIVERY_STATUS = new Set(['message/delivery-status', 'message/global-delivery-status']);
const RETURNED = new Set(['message/rfc822', 'message/global', 'text/rfc822-headers', 'message/global-headers']);
const REPORT_PARTS: ReadonlySet<string> = new Set([...DELIVERY_STATUS, 'message/feedback-report', ...RETURNED]);

export async function parseReturn(raw: Buffer): Promise<ReturnFacts> {
  return readPlainReport(raw) ?? parseWhole(raw);
}

/** A plainly written multipart/report, its report parts found by report-parts.ts; null for anything else. */
export function readPlainReport(raw: Buffer): ReturnFacts | null {
  const headers = headerFieldsOf(raw);
  const shape = readReport(raw, headers, REPORT_PARTS);
  if (!shape) return null;
  const { parts, ...top } = shape;
  const found = reportPartsOf(parts.map((p) => ({ contentType: p.type, content: p.content })));
  return { headers, ...top, contentType: 'multipart/report', ...found, body: '' };
}

/** The whole message read by mailparser. */
export async function parseWhole(raw: Buffer): Promise<ReturnFacts> {
  const mail = await simpleParser(raw, {
    // The delivery-status part as a part of its own, not folded into the text.
    keepDeliveryStatus: true,
    // The returned message as a part of its own (with its headers), even when marked inline as ARF reports do.
    ignoreEmbedded: true,
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
    skipTextLinks: true,
  });
  const ct = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  return {
    headers: headerFieldsOf(raw),
    subject: mail.subject ?? '',
    from: addresses(mail.from)[0] ?? null,
    recipients: [...addresses(mail.to), ...addresses(mail.cc)],
    contentType: (ct?.value ?? 'text/plain').toLowerCase(),
    reportType: ct?.params?.['report-type']?.toLowerCase() ?? null,
    ...reportPartsOf(mail.attachments as Attachment[]),
    body: (mail.text || (typeof mail.html === 'string' ? mail.html : '')).slice(0, BODY_CHARS),
  };
}

/** The first of each kind of report part, in document order. */
function reportPartsOf(
  parts: Array<Pick<Attachment, 'contentType' | 'content'>>,
): Pick<ReturnFacts, 'deliveryStatus' | 'feedbackReport' | 'original'> {
  let deliveryStatus: DeliveryStatus | null = null;
  let feedbackReport: Fields | null = null;
  let original: Fields | null = null;
  for (const a of parts) {
    const type = a.contentType.toLowerCase();
    if (DELIVERY_STATUS.has(type)) deliveryStatus ??= deliveryStatusOf(a.content);
    else if (type === 'message/feedback-report') feedbackReport ??= fieldsOf(a.content.toString('utf8'));
    else if (RETURNED.has(type)) original ??= headerFieldsOf(a.content);
  }
  return { deliveryStatus, feedbackReport, original };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']) => {
    for (const e of entries) {
      if (e.address) out.push(e.address);
      if (e.group) walk(e.group);
    }
  };
  for (const f of list) walk(f.value);
  return out;
}

/** The header fields of a message: the block before its first empty line. */
export function headerFieldsOf(message: Buffer): Fields {
  const text = message.subarray(0, Math.min(message.length, 256 * 1024)).toString('utf8');
  const end = /\r?\n\r?\n/.exec(text);
  return fieldsOf(end ? text.slice(0, end.index) : text);
}

function fieldsOf(block: string): Fields {
  return libmime.decodeHeaders(block) as Fields;
}

/**
 * RFC 3464 §2.1: the per-message fields, then a blank line before each recipient's block.
 * A block naming a recipient, action or status is a recipient's, whichever MTA wrote it
 * (Exim puts Action first, some writers repeat blank lines).
 */
function deliveryStatusOf(content: Buffer): DeliveryStatus {
  const blocks = content
    .toString('utf8')
    .split(/\r?\n[ \t]*\r?\n/)
    .map((b) => b.trim())
    .filter((b) => b !== '')
    .map(fieldsOf);
  const out: DeliveryStatus = { message: {}, recipients: [] };
  blocks.forEach((b, i) => {
    if (b['final-recipient'] || b['original-recipient'] || b.action || b.status) out.recipients.push(b);
    else if (i === 0) out.message = b;
  });
  return out;
}
