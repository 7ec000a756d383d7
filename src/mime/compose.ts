/**
 * MIME for one issue, built once: headers that every recipient shares, and
 * both body parts quoted-printable-encoded around the recipient slots. A
 * recipient's message is then a join of those pre-encoded pieces plus a few
 * per-recipient ones, which keeps personalisation in microseconds.
 *
 * Two forms of the same message: `composeMessage`, a string, for people and
 * files (preview, build sample, dry run); `composeWire`, the bytes SMTP's
 * DATA carries (dot-stuffed, see dot-stuff.ts), for the send path. The wire
 * form joins Buffers stuffed once per issue (`wireTemplate`) with the
 * recipient's few stuffed strings, written into one Buffer of the exact
 * size: 4–7 µs for 23 KB, where joining strings and encoding the result
 * took 11–13 µs (bench/micro.js; the SMTP connection needs bytes either way).
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import type { Newsletter } from '../content/schema.js';
import type { RenderedIssue } from '../render/render-issue.js';
import type { SlotTemplate } from '../render/slots.js';
import { escapeHtml, escapeText, fillSlots } from '../render/slots.js';
import { headerLine as header, listUnsubscribeFields, phraseField, textField } from './headers-encode.js';
import { stuffLines } from './dot-stuff.js';
import { withHeadroom } from './headroom.js';
import { qpSegment } from './quoted-printable.js';

export interface EncodedPart {
  /** QP-encoded chunks (ASCII); each ends at a line break so they concatenate. */
  chunks: string[];
  slots: string[];
}

export interface MessageSkeleton {
  /** Shared headers after the per-recipient ones, each ending in CRLF. */
  sharedHeaders: string;
  /** Everything from the first boundary to the start of the text part's content. */
  textHead: string;
  text: EncodedPart;
  /** From the end of the text part to the start of the HTML part's content. */
  htmlHead: string;
  html: EncodedPart;
  tail: string;
  /** Domain for Message-IDs (the From address's). */
  idDomain: string;
}

export interface SkeletonOptions {
  subjectPrefix?: string;
  /** Distinguishes Message-IDs and boundaries of different builds. */
  contentHash: string;
  /** A file the message carries after the issue itself (multipart/mixed around the alternative). */
  attachment?: Attachment | null;
}

/** A file a message carries: `send --test --review` attaches the build's review.html. */
export interface Attachment {
  filename: string;
  /** Its media type with parameters, e.g. `text/html; charset=utf-8`. */
  contentType: string;
  content: Buffer;
}

export function buildSkeleton(newsletter: Newsletter, rendered: RenderedIssue, opts: SkeletonOptions): MessageSkeleton {
  const subject = (opts.subjectPrefix ?? '') + rendered.subject;
  const boundary = `enews-${opts.contentHash.slice(0, 32)}`;
  // Not a prefix of the other boundary, nor it of this one ("m" is no hex digit), as RFC 2046 asks.
  const mixed = opts.attachment ? `enews-mixed-${opts.contentHash.slice(0, 32)}` : null;
  const headers = [
    addressField('From', newsletter.from.name, newsletter.from.address),
    newsletter.reply_to ? addressField('Reply-To', '', newsletter.reply_to) : '',
    textField('Subject', subject),
    phraseField('List-Id', newsletter.title, `<${newsletter.list_id}>`),
    // RFC 3282: the language of the whole message (the newsletter's, or the version this subscriber gets).
    header('Content-Language', newsletter.language),
    header('MIME-Version', '1.0'),
    header(
      'Content-Type',
      mixed ? `multipart/mixed; boundary="${mixed}"` : `multipart/alternative; boundary="${boundary}"`,
    ),
  ].join('');
  const opening = mixed ? `--${mixed}\r\nContent-Type: multipart/alternative; boundary="${boundary}"\r\n\r\n` : '';
  const partHead = (type: string) =>
    `--${boundary}\r\nContent-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const idDomain = domainToASCII(newsletter.from.address.slice(newsletter.from.address.lastIndexOf('@') + 1));
  return {
    sharedHeaders: headers,
    textHead: '\r\n' + opening + partHead('text/plain'),
    text: encodePart(rendered.text),
    htmlHead: '\r\n' + partHead('text/html'),
    html: encodePart(rendered.html),
    tail: `\r\n--${boundary}--\r\n` + (mixed && opts.attachment ? attachmentPart(mixed, opts.attachment) : ''),
    idDomain,
  };
}

/** The attachment as the second part of multipart/mixed, base64 in lines of 76, and the closing boundary. */
function attachmentPart(boundary: string, a: Attachment): string {
  const name = a.filename.replace(/[^A-Za-z0-9._-]/g, '_');
  const lines = a.content.toString('base64').match(/.{1,76}/g) ?? [];
  return (
    `\r\n--${boundary}\r\n` +
    header('Content-Type', `${a.contentType}; name="${name}"`) +
    header('Content-Disposition', `attachment; filename="${name}"`) +
    header('Content-Transfer-Encoding', 'base64') +
    `\r\n${lines.join('\r\n')}\r\n--${boundary}--\r\n`
  );
}

function encodePart(t: SlotTemplate): EncodedPart {
  return { chunks: t.chunks.map(qpSegment), slots: t.slots };
}

export interface RecipientFields {
  name: string;
  email: string;
  messageId: string;
  date: Date;
  /** Value of List-Unsubscribe, e.g. `<https://…>, <mailto:…>`; empty to omit. */
  listUnsubscribe: string;
  oneClick: boolean;
  /** The value of a slot by name. */
  slot: (name: string) => string;
}

/** The complete RFC 5322 message for one recipient. */
export function composeMessage(sk: MessageSkeleton, r: RecipientFields): string {
  return (
    recipientHead(r) +
    sk.sharedHeaders +
    sk.textHead +
    fillSlots(sk.text, r.slot, qpText) +
    sk.htmlHead +
    fillSlots(sk.html, r.slot, qpHtml) +
    sk.tail
  );
}

/** The header lines that differ per recipient; they come first. */
function recipientHead(r: RecipientFields): string {
  const head =
    addressField('To', r.name, r.email) + header('Date', rfc5322Date(r.date)) + header('Message-ID', r.messageId);
  return r.listUnsubscribe ? head + listUnsubscribeFields(r.listUnsubscribe, r.oneClick) : head;
}

/**
 * The issue's message as SMTP's DATA carries it, around the recipient's
 * pieces: the recipient's header lines, then statics[0], slot 0, statics[1],
 * …, the last slot, the last static. Every piece starts at the beginning of
 * a line and ends with a line break, so each can be dot-stuffed on its own.
 */
export interface WireTemplate {
  /** Shared bytes, already dot-stuffed: one more than there are slots. */
  statics: Buffer[];
  /** The same, not stuffed: the message's `MessagePieces.shared`. */
  plain: Buffer[];
  slots: string[];
  /** Per slot: escaped for the HTML part (true) or the text part. */
  html: boolean[];
  /** Scratch for one message's slot values, so composing allocates nothing but the message (it is synchronous). */
  values: string[];
}

export function wireTemplate(sk: MessageSkeleton): WireTemplate {
  const statics: string[] = [];
  const slots: string[] = [];
  const html: boolean[] = [];
  let current = sk.sharedHeaders + sk.textHead + sk.text.chunks[0]!;
  sk.text.slots.forEach((name, i) => {
    statics.push(current);
    slots.push(name);
    html.push(false);
    current = sk.text.chunks[i + 1]!;
  });
  current += sk.htmlHead + sk.html.chunks[0]!;
  sk.html.slots.forEach((name, i) => {
    statics.push(current);
    slots.push(name);
    html.push(true);
    current = sk.html.chunks[i + 1]!;
  });
  statics.push(current + sk.tail);
  return {
    statics: statics.map((s) => Buffer.from(stuffLines(s), 'utf8')),
    plain: statics.map((s) => Buffer.from(s, 'utf8')),
    slots,
    html,
    values: slots.map(() => ''),
  };
}

/**
 * One message as the pieces it was joined from, not stuffed: its own header
 * lines, then shared[0], values[0], shared[1], …, values[n-1], shared[n].
 * The shared pieces are the same Buffers in every message of the issue (and
 * language), so what a reader works out from one of them once (DKIM's
 * canonical body) serves every message.
 */
export interface MessagePieces {
  readonly head: string;
  readonly shared: readonly Buffer[];
  readonly values: readonly string[];
}

/**
 * One recipient's message as the bytes SMTP's DATA carries (dot-stuffed,
 * CRLF), without the final "." line, and as its pieces. `unstuff` of the
 * bytes is `composeMessage`'s string as UTF-8, byte for byte, and so is the
 * join of the pieces (compose.test.ts).
 */
export function composeWire(w: WireTemplate, r: RecipientFields): { wire: Buffer; pieces: MessagePieces } {
  const { statics, slots, html, values } = w;
  const own = recipientHead(r);
  const head = stuffLines(own);
  const plain = new Array<string>(slots.length);
  let size = Buffer.byteLength(head, 'utf8') + statics[slots.length]!.length;
  for (let i = 0; i < slots.length; i++) {
    const value = r.slot(slots[i]!);
    const q = html[i] ? qpHtml(value) : qpText(value);
    plain[i] = q;
    const v = stuffLines(q);
    values[i] = v;
    size += statics[i]!.length + Buffer.byteLength(v, 'utf8');
  }
  // With room in front for the DKIM-Signature fields (headroom.ts).
  const out = withHeadroom(size);
  let at = out.write(head, 0, 'utf8');
  for (let i = 0; i < slots.length; i++) {
    at += statics[i]!.copy(out, at);
    at += out.write(values[i]!, at, 'utf8');
  }
  statics[slots.length]!.copy(out, at);
  return { wire: out, pieces: { head: own, shared: w.plain, values: plain } };
}

/** A slot value made safe for its part, then quoted-printable like the chunks around it. */
const qpText = (v: string) => qpSegment(escapeText(v));
const qpHtml = (v: string) => qpSegment(escapeHtml(v));

/** Same recipient, same issue build → same Message-ID, so a retried send is recognisably one message. */
export function messageIdFor(sk: MessageSkeleton, contentHash: string, addressKey: string, variant = ''): string {
  const h = createHash('sha256').update(`${contentHash}\n${variant}\n${addressKey}`).digest('base64url').slice(0, 32);
  return `<${h}@${sk.idDomain}>`;
}

/** An address header; the display name is cleaned of line breaks and direction overrides first. */
export function addressField(field: string, name: string, address: string): string {
  const at = address.lastIndexOf('@');
  // Non-ASCII domains go out in their ASCII (punycode) form, which every server understands.
  const domain = address.slice(at + 1);
  const addr = /^[\x00-\x7f]*$/.test(domain) ? address : address.slice(0, at + 1) + domainToASCII(domain);
  const cleanName = name.replace(/[\r\n\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').trim();
  return cleanName ? phraseField(field, cleanName, `<${addr}>`) : header(field, addr);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The last date written, by second: a send writes thousands of messages within each second. */
let lastDate = { second: Number.NaN, text: '' };

function rfc5322Date(d: Date): string {
  const second = Math.floor(d.getTime() / 1000);
  if (second === lastDate.second) return lastDate.text;
  const p = (n: number) => String(n).padStart(2, '0');
  const text =
    `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
  lastDate = { second, text };
  return text;
}
