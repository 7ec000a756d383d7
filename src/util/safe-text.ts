/**
 * Text from strangers (returned mail, subscriber files, events) made safe to
 * print and to store: a terminal obeys control characters (ESC[2J clears the
 * screen, OSC 52 writes the clipboard, BEL rings), and bidirectional
 * overrides make a line read differently from what it holds. C0 controls
 * and DEL become their visible Unicode pictures (ESC → ␛); C1 controls and
 * the direction overrides and isolates become U+FFFD. Line breaks and tabs
 * are kept only where asked (multi-line output), else shown as pictures too.
 */

// C0 (but tab, newline), DEL, C1, and U+202A–U+202E, U+2066–U+2069.
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_WITH_LINES = /[\u0000-\u001f\u007f\u0080-\u009f\u202a-\u202e\u2066-\u2069]/g;

function picture(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return '\uFFFD';
}

/** One line of text with every control character made visible (tabs and line breaks too). */
export function neutralize(s: string): string {
  return s.replace(UNSAFE_WITH_LINES, picture);
}

/** Text that may span lines (output, JSON): tabs and line breaks kept, every other control made visible. */
export function neutralizeKeepLines(s: string): string {
  return s.replace(UNSAFE, picture);
}
