/**
 * The headers a reviewer checks, read back from the composed message itself
 * rather than recomputed, so the page cannot disagree with the .eml.
 */

export interface HeaderLine {
  name: string;
  /** Decoded for people (RFC 2047 words turned back into text); null when the message has no such header. */
  value: string | null;
}

export const SHOWN_HEADERS = ['From', 'Reply-To', 'To', 'Subject', 'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post'] as const;

export function messageHeaders(eml: string, preheader: string | null): HeaderLine[] {
  const end = eml.indexOf('\r\n\r\n');
  // Unfolding: a line break followed by white space continues the previous line (RFC 5322 §2.2.3).
  const block = (end < 0 ? eml : eml.slice(0, end)).replace(/\r\n(?=[ \t])/g, '');
  const found = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!found.has(name)) found.set(name, line.slice(colon + 1).trim());
  }
  const lines: HeaderLine[] = SHOWN_HEADERS.map((name) => {
    const raw = found.get(name.toLowerCase());
    return { name, value: raw === undefined ? null : decodeWords(raw) };
  });
  // Not a header, but it is what the inbox shows next to the subject.
  lines.splice(4, 0, { name: 'Preheader', value: preheader });
  return lines;
}

const RUN = /=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=(?:[ \t]+=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)*/g;
const WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded words. Adjacent words are decoded as one byte
 * sequence, because an encoder may split a multi-byte character between them.
 */
export function decodeWords(value: string): string {
  return value.replace(RUN, (run) => {
    const bytes: Buffer[] = [];
    let charset = 'utf-8';
    for (const [, cs, enc, text] of run.matchAll(WORD)) {
      charset = cs!.replace(/\*.*$/, '').toLowerCase();
      bytes.push(enc === 'B' || enc === 'b' ? Buffer.from(text!, 'base64') : qBytes(text!));
    }
    try {
      return new TextDecoder(charset).decode(Buffer.concat(bytes));
    } catch {
      return run;
    }
  });
}

function qBytes(text: string): Buffer {
  const latin1 = text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(latin1, 'latin1');
}
