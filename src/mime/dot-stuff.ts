/**
 * SMTP's DATA transparency (RFC 5321 §4.5.2), done before the message
 * reaches the connection: every line ends in CRLF and a dot that starts a
 * line is doubled. This is exactly what nodemailer's SMTPConnection does to
 * whatever it sends (its DataStream: a bare CR or LF becomes CRLF, a dot at
 * the start of a line, or after a bare CR, gets a second dot), one
 * JavaScript iteration per byte: about 150 µs of CPU for a 23 KB message,
 * a fifth of what a whole send cost per message (BENCHMARKS.md, 2026-11-29).
 *
 * enews composes a message from pieces that each start at the beginning of
 * a line and end with a line break (quoted-printable segments, header
 * blocks, MIME boundaries), so stuffing the pieces one by one gives the
 * same bytes as stuffing the joined message. The pieces every recipient
 * shares are stuffed once per issue; only the recipient's own pieces (a
 * few header lines, the slot values) are stuffed per message, and they
 * almost always take the fast path: nothing to change.
 */

/**
 * `text` as it goes out inside DATA: CRLF line ends, a dot at the start of
 * a line doubled. `text` must start at the beginning of a line.
 */
export function stuffLines(text: string): string {
  if (text.charCodeAt(0) !== 0x2e && text.indexOf('\n.') === -1 && crlfOnly(text)) return text;
  return text.replace(/\r\n|\r|\n/g, '\r\n').replace(/(^|\n)\./g, '$1..');
}

/** Every CR is followed by LF and every LF follows a CR. */
function crlfOnly(text: string): boolean {
  let cr = text.indexOf('\r');
  let lf = text.indexOf('\n');
  while (cr !== -1 || lf !== -1) {
    if (cr === -1 || lf !== cr + 1) return false;
    cr = text.indexOf('\r', lf + 1);
    lf = text.indexOf('\n', lf + 1);
  }
  return true;
}

const DOT = 0x2e;

/**
 * The message a stuffed one came from: the first dot of every line that
 * starts with one removed. Exact for the output of `stuffLines` (CRLF line
 * ends only); used where the unstuffed bytes are needed (DKIM signs them, a
 * dry run writes them), never on the send path without DKIM.
 */
export function unstuff(wire: Buffer): Buffer {
  const cuts: number[] = [];
  if (wire[0] === DOT) cuts.push(0);
  for (let i = wire.indexOf('\n.'); i !== -1; i = wire.indexOf('\n.', i + 2)) cuts.push(i + 1);
  if (cuts.length === 0) return wire;
  const out = Buffer.allocUnsafe(wire.length - cuts.length);
  let from = 0;
  let at = 0;
  for (const cut of cuts) {
    at += wire.copy(out, at, from, cut);
    from = cut + 1;
  }
  wire.copy(out, at, from);
  return out;
}
