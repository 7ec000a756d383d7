/**
 * The header side of a DKIM signature: which fields it covers, their relaxed
 * canonical form (RFC 6376 §3.4.2), and the DKIM-Signature field itself.
 *
 * Every rule is nodemailer's signer's (nodemailer/lib/dkim: MessageParser,
 * sign.js), so a message signed here carries the very field nodemailer
 * would have written (dkim.test.ts compares them byte for byte): a header
 * block read as latin1 (one character per byte), folded lines joined, lines
 * of only whitespace dropped; of each field name in SIGNED_FIELDS the last
 * occurrence is signed, in the order of that list; the field is folded at
 * 76 columns by nodemailer's own foldLines.
 */
import { domainToASCII } from 'node:url';
import { foldLines } from 'nodemailer/lib/mime-funcs';

/** RFC 4871 §5.5's list plus List-Unsubscribe-Post (RFC 8058 one-click needs it signed), as nodemailer signs. */
export const SIGNED_FIELDS = (
  'from:sender:reply-to:subject:date:message-id:to:cc:mime-version:content-type:content-transfer-encoding:' +
  'content-id:content-description:resent-date:resent-from:resent-sender:resent-to:resent-cc:resent-message-id:' +
  'in-reply-to:references:list-id:list-help:list-unsubscribe:list-unsubscribe-post:list-subscribe:list-post:' +
  'list-owner:list-archive:otp-token'
).split(':');
const SIGNED = new Set(SIGNED_FIELDS);

/** Signed fields by lower-case name: the relaxed value of the last occurrence. */
export type SignedValues = Map<string, string>;

/**
 * Adds the signed fields of a header block (latin1, CRLF or LF) to `into`; a later occurrence replaces an
 * earlier one, so blocks are added in message order.
 */
export function addSignedValues(block: string, into: SignedValues = new Map()): SignedValues {
  const raw = block.split(/\r?\n/);
  const lines: string[] = [];
  for (const l of raw) {
    if (lines.length > 0 && (l.charCodeAt(0) === 0x20 || l.charCodeAt(0) === 0x09)) lines[lines.length - 1] += '\n' + l;
    else lines.push(l);
  }
  for (const line of lines) {
    if (!/[^ \t\r]/.test(line)) continue;
    const key = trimWsp(line.substring(0, line.indexOf(':'))).toLowerCase();
    if (SIGNED.has(key)) into.set(key, relaxedValue(line));
  }
  return into;
}

/** The relaxed canonical value of a field line: after the colon, unfolded, whitespace runs as one SP, trimmed. */
export function relaxedValue(line: string): string {
  return line
    .substring(line.indexOf(':') + 1)
    .replace(/\r?\n/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

/** SP and HTAB off both ends (not other Unicode spaces: only these are whitespace to DKIM). */
function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return s.slice(a, b);
}

/** The canonical header lines a signature covers (each CRLF-terminated), and their names for `h=`. */
export function signedHeaders(...blocks: SignedValues[]): { canon: string; names: string } {
  let canon = '';
  let names = '';
  for (const name of SIGNED_FIELDS) {
    let value: string | undefined;
    for (let i = blocks.length - 1; i >= 0 && value === undefined; i--) value = blocks[i]!.get(name);
    if (value === undefined) continue;
    canon += `${name}:${value}\r\n`;
    names += names ? `:${name}` : name;
  }
  return { canon, names };
}

export type DkimAlgorithm = 'rsa-sha256' | 'ed25519-sha256';

/** Builds DKIM-Signature fields for one key: the tags folded once per list of field names, `bh=` put in. */
export class SignatureField {
  private readonly byNames = new Map<string, { before: string; after: string }>();
  private readonly tags: string;

  constructor(algorithm: DkimAlgorithm, domain: string, selector: string) {
    const d = domainToASCII(clean(domain)) || clean(domain).toLowerCase();
    this.tags = `v=1; a=${algorithm}; c=relaxed/relaxed; d=${d}; q=dns/txt; s=${clean(selector)}`;
  }

  /** The field up to ` b=` (CRLF-folded), with body hash `bh` (base64 of SHA-256: 44 characters). */
  head(names: string, bh: string): string {
    let t = this.byNames.get(names);
    if (!t) {
      // foldLines breaks only at whitespace, and a body hash has none and always the same length: the fold
      // made around a stand-in is the fold of every real one.
      const mark = 'B'.repeat(44);
      const folded = fold(`${this.tags}; bh=${mark}; h=${clean(names)}`);
      const at = folded.indexOf(mark);
      t = { before: folded.slice(0, at), after: folded.slice(at + mark.length) };
      this.byNames.set(names, t);
    }
    return bh.length === 44 && !/\s/.test(bh)
      ? t.before + bh + t.after
      : fold(`${this.tags}; bh=${bh}; h=${clean(names)}`);
  }

  /** What the signature signs: the canonical signed fields, then this field's own, without its b= value. */
  static data(canon: string, head: string): string {
    return `${canon}dkim-signature:${relaxedValue(head)}`;
  }

  /** The complete field, CRLF at its end. */
  static complete(head: string, signature: Buffer): string {
    return (
      head +
      signature
        .toString('base64')
        .replace(/(^.{73}|.{75}(?!\r?\n|\r))/g, '$&\r\n ')
        .trim() +
      '\r\n'
    );
  }
}

function fold(tags: string): string {
  return foldLines(`DKIM-Signature: ${tags}`, 76) + ';\r\n b=';
}

/** A tag value cannot hold a control character or a delimiter that would end it (nodemailer's cleanTagValue). */
function clean(value: string): string {
  return value.replace(/[\x00-\x1f\x7f;=]/g, '');
}
