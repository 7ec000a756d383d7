/**
 * Header fields as RFC 5322 and RFC 2047 want them. Lines are folded at
 * spaces so they stay within 78 characters where the words allow and never
 * exceed 998 (§2.1.1). Text that cannot go out as it is (non-ASCII, a word
 * too long to fold, a double space, something that looks like an encoded
 * word) goes out as encoded words of at most 75 characters.
 *
 * Encoding is libmime's documented `encodeWord`. Folding is ours, because
 * `libmime.foldLines` breaks between "Name:" and a first word that does not
 * fit, and the first line of List-Unsubscribe is exactly such a long URL.
 * Both run once per issue and once per recipient (To, List-Unsubscribe);
 * the common values fit on one line and return after a length check. No
 * hand-made encoder for the per-recipient To: measured, it costs what
 * nodemailer's mime-funcs did, within noise (about 1 µs for "Zoe Martin",
 * 2 µs for "Zoë Martin" on the 2-core dev box).
 */
import libmime from 'libmime';

/** RFC 5322 §2.1.1: lines SHOULD be at most 78 characters, excluding CRLF. */
const SOFT = 78;
/** RFC 2047 §2: a line holding an encoded word is at most 76 characters. */
const SOFT_ENCODED = 76;
/** RFC 5322 §2.1.1: lines MUST be at most 998 characters, excluding CRLF. */
const HARD = 998;

/** Printable ASCII words separated by single spaces: such text can go out as it is. */
const PLAIN_WORDS = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

/** `Name: value` CRLF, folded before spaces so lines stay within `max` where the words allow. */
export function headerLine(name: string, value: string, max = SOFT): string {
  // Values reaching here are validated single lines; this guard makes header injection impossible regardless.
  if (/[\r\n]/.test(value)) throw new Error(`line break in ${name} header`);
  let used = name.length + 2;
  if (used + value.length <= max) return `${name}: ${value}\r\n`;
  // A fold only turns a space into CRLF + space, so unfolding gives back the value exactly,
  // inside quoted strings too. Never before an empty word: that could leave a line of only spaces.
  const words = value.split(' ');
  let out = `${name}: ${words[0]!}`;
  used += words[0]!.length;
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    if (w !== '' && used + 1 + w.length > max) {
      out += '\r\n ' + w;
      used = 1 + w.length;
    } else {
      out += ' ' + w;
      used += 1 + w.length;
    }
  }
  return out + '\r\n';
}

/** Unstructured text (Subject): as it is when it folds into short lines, else encoded words. */
export function textField(name: string, text: string): string {
  if (text === '' || (isPlain(text) && foldsShort(text, name.length + 2))) return headerLine(name, text);
  return headerLine(name, encode(text, name.length + 2), SOFT_ENCODED);
}

/**
 * `phrase <angle-addr>` (From, To, List-Id). A plain phrase goes out as a
 * quoted string, everything else as encoded words: never both, since an
 * encoded word inside a quoted string is not decoded (RFC 2047 §5).
 */
export function phraseField(name: string, phrase: string, angle: string): string {
  if (phrase === '') return headerLine(name, angle);
  const prefix = name.length + 2;
  if (isPlain(phrase)) {
    // RFC 5322 §3.2.4 quoted-pairs for " and \ (libmime documents no quoted-string helper).
    const quoted = '"' + phrase.replace(/["\\]/g, '\\$&') + '"';
    if (foldsShort(quoted, prefix)) return headerLine(name, `${quoted} ${angle}`);
  }
  return headerLine(name, `${encode(phrase, prefix)} ${angle}`, SOFT_ENCODED);
}

/**
 * List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058). The
 * entries have no spaces, so the folds fall after the commas. An entry that
 * would not fit a line of 998 (a long address percent-encoded into the
 * link) cannot be written at all: it is left out, and with it the one-click
 * header if it was the https link; the footer link in the body still works.
 */
export function listUnsubscribeFields(value: string, oneClick: boolean): string {
  const name = 'List-Unsubscribe';
  // An entry is at most the whole value: with ", " after it, it still fits behind the name.
  if (name.length + 2 + value.length + 1 > HARD) {
    const kept = value.split(', ').filter((e) => name.length + 2 + e.length + 1 <= HARD);
    if (kept.length === 0) return '';
    value = kept.join(', ');
    oneClick = oneClick && kept.some((e) => e.startsWith('<http'));
  }
  return headerLine(name, value) + (oneClick ? headerLine('List-Unsubscribe-Post', 'List-Unsubscribe=One-Click') : '');
}

function isPlain(text: string): boolean {
  // "=?" in plain text would be decoded by readers as if it were an encoded word.
  return PLAIN_WORDS.test(text) && !text.includes('=?');
}

/** Whether folding at spaces keeps every line within 78: no word longer than a line. */
function foldsShort(value: string, prefix: number): boolean {
  if (prefix + value.length <= SOFT) return true;
  const words = value.split(' ');
  if (prefix + words[0]!.length > SOFT) return false;
  return words.every((w) => 1 + w.length <= SOFT);
}

/** Q encoded words; the first must fit behind "Name: " within the 76 of RFC 2047, the others behind a space. */
function encode(text: string, prefix: number): string {
  return libmime.encodeWord(text, 'Q', Math.min(75, SOFT_ENCODED - prefix));
}
