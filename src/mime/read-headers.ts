/**
 * The headers a reviewer checks, read back from the composed message itself
 * rather than recomputed, so the preview cannot disagree with the .eml.
 * Unfolding and RFC 2047 decoding are libmime's.
 */
import libmime from 'libmime';

export interface HeaderLine {
  name: string;
  /** Decoded for people (RFC 2047 words turned back into text); null when the message has no such header. */
  value: string | null;
}

export const SHOWN_HEADERS = [
  'From',
  'Reply-To',
  'To',
  'Subject',
  'List-Id',
  'List-Unsubscribe',
  'List-Unsubscribe-Post',
] as const;

export function messageHeaders(eml: string, preheader: string | null): HeaderLine[] {
  const end = eml.indexOf('\r\n\r\n');
  const found = libmime.decodeHeaders(end < 0 ? eml : eml.slice(0, end));
  const lines: HeaderLine[] = SHOWN_HEADERS.map((name) => {
    const raw = found[name.toLowerCase()]?.[0];
    return { name, value: raw === undefined ? null : libmime.decodeWords(String(raw)) };
  });
  // Not a header, but it is what the inbox shows next to the subject.
  lines.splice(4, 0, { name: 'Preheader', value: preheader });
  return lines;
}
