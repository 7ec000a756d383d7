/**
 * Quoted-printable (RFC 2045 §6.7) in independent segments. Every segment
 * starts at the beginning of a line and ends with a line break (hard, or a
 * soft "=" break), so segments encoded separately, once per issue or once
 * per recipient, can simply be concatenated into a valid body.
 */

const MAX_LINE = 76;
const HEX = '0123456789ABCDEF';

function encodeByte(b: number): string {
  return '=' + HEX[b >> 4]! + HEX[b & 15]!;
}

// Printable ASCII: such text needs only soft line breaks and "=" escaped.
const PLAIN = /^[\x20-\x7e]*$/;

/** Encodes one segment; line breaks in the text become CRLF hard breaks. */
export function qpSegment(text: string): string {
  if (text === '') return '';
  // Fast path for the common per-recipient value: a name, an address, a URL.
  if (PLAIN.test(text)) return plainSegment(text);
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  lines.forEach((line, i) => {
    const last = i === lines.length - 1;
    // The last piece has no newline after it: it ends in a soft break so the next segment continues it.
    if (last && line === '') return;
    out.push(encodeLine(line, !last));
  });
  return out.join('');
}

/**
 * ASCII text without line breaks: escape "=" (and a space before a soft break stays safe), wrap at 76: each
 * line takes up to 75 characters, an "=3D" is never split. Copies the runs between "=" signs whole rather
 * than a character at a time: for a 143-character unsubscribe URL (encoded twice per message) 0.75 µs
 * instead of 2.1–2.5 µs, output identical on 200,000 random strings (2026-11-29).
 */
function plainSegment(text: string): string {
  const room = MAX_LINE - 1;
  let out = '';
  let line = 0;
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const end = eq === -1 ? text.length : eq;
    while (i < end) {
      if (line === room) {
        out += '=\r\n';
        line = 0;
      }
      const take = Math.min(room - line, end - i);
      out += text.slice(i, i + take);
      line += take;
      i += take;
    }
    if (i === eq) {
      if (line + 3 > room) {
        out += '=\r\n';
        line = 0;
      }
      out += '=3D';
      line += 3;
      i++;
    }
  }
  return out + '=\r\n';
}

function encodeLine(line: string, hardBreak: boolean): string {
  const bytes = Buffer.from(line, 'utf8');
  let out = '';
  let current = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const atEnd = i === bytes.length - 1;
    let token: string;
    if ((b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !(atEnd && hardBreak))) {
      token = String.fromCharCode(b);
    } else {
      token = encodeByte(b);
    }
    // Keep room for the soft break "=" within 76 characters.
    if (current.length + token.length > MAX_LINE - 1) {
      out += current + '=\r\n';
      current = '';
    }
    current += token;
  }
  return out + current + (hardBreak ? '\r\n' : '=\r\n');
}

/** Decodes quoted-printable; the tests use it to read messages back. */
export function qpDecode(encoded: string): string {
  const bytes: number[] = [];
  const body = encoded.replace(/=\r?\n/g, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/i.test(body.slice(i + 1, i + 3))) {
      bytes.push(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
