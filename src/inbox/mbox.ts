/**
 * An mbox file, read as a stream: one message in memory at a time (and at
 * most MAX_MESSAGE_BYTES of it), so a mailbox of any size can be read.
 *
 * A small splitter rather than a library: mbox is not MIME but a line
 * convention (RFC 4155), and the mbox packages on npm either read the whole
 * file or do not unescape. mboxrd, which mail servers and `formail` write,
 * puts a "From " line before every message and escapes body lines that
 * start with From as ">From " (and ">From " as ">>From "...). So every line
 * that starts with "From " separates two messages, and one ">" comes off
 * every line that matches /^>+From /. The blank line a writer adds before
 * the next "From " belongs to the file, not to the message.
 */
import { createReadStream, statSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import {
  fingerprintOf,
  HEAD_BYTES,
  largeFingerprint,
  MAX_MESSAGE_BYTES,
  type MailboxMessage,
  type MailSource,
} from './message.js';

const FROM_ = Buffer.from('From ');
// A line longer than this is passed on in pieces (only a line's start can be a separator).
const MAX_LINE = 64 * 1024;

export function mboxSource(file: string, display: string): MailSource {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch {
    throw new EnewsError('inbox-no-mbox', `There is no mbox file ${display}.`, {
      problems: [{ message: 'Give the path of the mailbox file with --mbox FILE (e.g. /var/mail/bounces).' }],
    });
  }
  if (!stat.isFile())
    throw new EnewsError('inbox-no-mbox', `${display} is not a file; --mbox needs an mbox file.`, {
      problems: [{ message: 'For a Maildir folder (with cur/ and new/ inside) use --maildir DIR.' }],
    });
  return {
    kind: 'mbox',
    label: display,
    notices: [],
    messages: () => readMbox(file),
    markProcessed: async () => {},
    close: async () => {},
  };
}

/** One message being collected: its bytes up to the limit, its size and hash in full. */
class Collector {
  private parts: Buffer[] = [];
  private kept = 0;
  size = 0;
  private head: Buffer[] = [];
  private headBytes = 0;
  /** A blank line is held back: it is dropped if a separator follows. */
  private pendingBlank: Buffer | null = null;

  add(piece: Buffer): void {
    if (this.pendingBlank) {
      const blank = this.pendingBlank;
      this.pendingBlank = null;
      this.push(blank);
    }
    this.push(piece);
  }

  holdBlank(line: Buffer): void {
    if (this.pendingBlank) this.push(this.pendingBlank);
    this.pendingBlank = line;
  }

  private push(piece: Buffer): void {
    this.size += piece.length;
    if (this.headBytes < HEAD_BYTES) {
      const part = piece.subarray(0, HEAD_BYTES - this.headBytes);
      this.head.push(part);
      this.headBytes += part.length;
    }
    if (this.kept + piece.length <= MAX_MESSAGE_BYTES) {
      this.parts.push(piece);
      this.kept += piece.length;
    } else if (this.parts.length > 0) {
      // Over the limit: only the head is kept from here on.
      this.parts = [];
      this.kept = MAX_MESSAGE_BYTES + 1;
    }
  }

  get empty(): boolean {
    return this.size === 0;
  }

  finish(ref: string): MailboxMessage {
    const head = Buffer.concat(this.head);
    if (this.size > MAX_MESSAGE_BYTES) {
      return { ref, raw: null, head, size: this.size, fingerprint: largeFingerprint(head, this.size) };
    }
    const raw = Buffer.concat(this.parts, this.size);
    return { ref, raw, head: raw.subarray(0, HEAD_BYTES), size: this.size, fingerprint: fingerprintOf(raw) };
  }
}

function isBlank(line: Buffer): boolean {
  return (line.length === 1 && line[0] === 0x0a) || (line.length === 2 && line[0] === 0x0d && line[1] === 0x0a);
}

/** ">From " (any number of >) loses one ">"; anything else is returned as it is. */
function unescapeFrom(line: Buffer): Buffer {
  if (line[0] !== 0x3e) return line;
  let i = 0;
  while (line[i] === 0x3e) i++;
  return line.subarray(i, i + 5).equals(FROM_) ? line.subarray(1) : line;
}

export async function* readMbox(file: string): AsyncGenerator<MailboxMessage> {
  let current = new Collector();
  let count = 0;
  let carry: Buffer | null = null;
  // What the next bytes are: the start of a line, the rest of a long line of the message, or of a separator.
  let state: 'line-start' | 'rest-of-line' | 'rest-of-separator' = 'line-start';
  const finish = (): MailboxMessage | null => {
    const done = current;
    current = new Collector();
    if (done.empty) return null;
    count++;
    return done.finish(`message ${count}`);
  };
  // Returns a finished message when `piece` (a line, or the start of a long one) begins a new one.
  const take = (piece: Buffer, complete: boolean): MailboxMessage | null => {
    let done: MailboxMessage | null = null;
    if (state === 'rest-of-line') current.add(piece);
    else if (state === 'line-start') {
      if (piece.subarray(0, 5).equals(FROM_)) done = finish();
      else if (complete && isBlank(piece)) current.holdBlank(piece);
      else current.add(unescapeFrom(piece));
    }
    if (complete) state = 'line-start';
    else if (state === 'line-start') state = piece.subarray(0, 5).equals(FROM_) ? 'rest-of-separator' : 'rest-of-line';
    return done;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      // A view, not a copy: a message's lines are copied once, together, when it is finished (Collector.finish),
      // so no kept message pins the 256 KiB chunks they were read in.
      const m = take(buf.subarray(start, nl + 1), true);
      start = nl + 1;
      if (m) yield m;
    }
    const rest: Buffer = Buffer.from(buf.subarray(start));
    if (rest.length > MAX_LINE) {
      // A line without end in sight is passed on in pieces.
      const m = take(rest, false);
      if (m) yield m;
    } else if (rest.length > 0) carry = rest;
  }
  if (carry) {
    const m = take(carry, true);
    if (m) yield m;
  }
  const last = finish();
  if (last) yield last;
}
