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

/**
 * One message being collected: its bytes up to the limit, its size in full. Lines that follow each other in
 * the same chunk are kept as one range, not as a view each: a view a line was most of the reader's garbage.
 */
class Collector {
  private parts: Buffer[] = [];
  private kept = 0;
  size = 0;
  /** The first HEAD_BYTES of a message over the limit, taken when it goes over. */
  private head: Buffer | null = null;
  private run: Buffer | null = null;
  private runStart = 0;
  private runEnd = 0;
  /** A blank line is held back: it is dropped if a separator follows. */
  private pendingBlank: [Buffer, number, number] | null = null;

  add(buf: Buffer, start: number, end: number): void {
    if (this.pendingBlank) {
      const blank = this.pendingBlank;
      this.pendingBlank = null;
      this.push(...blank);
    }
    this.push(buf, start, end);
  }

  holdBlank(buf: Buffer, start: number, end: number): void {
    if (this.pendingBlank) this.push(...this.pendingBlank);
    this.pendingBlank = [buf, start, end];
  }

  private push(buf: Buffer, start: number, end: number): void {
    const n = end - start;
    this.size += n;
    if (this.kept + n <= MAX_MESSAGE_BYTES) {
      if (this.run === buf && this.runEnd === start) this.runEnd = end;
      else {
        this.flushRun();
        this.run = buf;
        this.runStart = start;
        this.runEnd = end;
      }
      this.kept += n;
    } else if (this.kept <= MAX_MESSAGE_BYTES) {
      // Over the limit: only the head is kept from here on.
      this.flushRun();
      this.head = Buffer.concat(this.parts, Math.min(this.kept, HEAD_BYTES));
      this.parts = [];
      this.kept = MAX_MESSAGE_BYTES + 1;
    }
  }

  private flushRun(): void {
    if (this.run) this.parts.push(this.run.subarray(this.runStart, this.runEnd));
    this.run = null;
  }

  get empty(): boolean {
    return this.size === 0;
  }

  finish(ref: string): MailboxMessage {
    this.flushRun();
    if (this.size > MAX_MESSAGE_BYTES) {
      const head = this.head ?? Buffer.alloc(0);
      return { ref, raw: null, head, size: this.size, fingerprint: largeFingerprint(head, this.size) };
    }
    const raw = Buffer.concat(this.parts, this.size);
    return { ref, raw, head: raw.subarray(0, HEAD_BYTES), size: this.size, fingerprint: fingerprintOf(raw) };
  }
}

/** Whether buf[start, end) begins with "From ". */
function isFrom(buf: Buffer, start: number, end: number): boolean {
  return (
    end - start >= 5 &&
    buf[start] === 0x46 &&
    buf[start + 1] === 0x72 &&
    buf[start + 2] === 0x6f &&
    buf[start + 3] === 0x6d &&
    buf[start + 4] === 0x20
  );
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  return (
    (end - start === 1 && buf[start] === 0x0a) || (end - start === 2 && buf[start] === 0x0d && buf[start + 1] === 0x0a)
  );
}

/** Where buf[start, end) starts once unescaped: ">From " (any number of >) loses one ">". */
function unescapedStart(buf: Buffer, start: number, end: number): number {
  if (buf[start] !== 0x3e) return start;
  let i = start;
  while (i < end && buf[i] === 0x3e) i++;
  return isFrom(buf, i, end) ? start + 1 : start;
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
  const take = (buf: Buffer, start: number, end: number, complete: boolean): MailboxMessage | null => {
    let done: MailboxMessage | null = null;
    if (state === 'rest-of-line') current.add(buf, start, end);
    else if (state === 'line-start') {
      if (isFrom(buf, start, end)) done = finish();
      else if (complete && isBlank(buf, start, end)) current.holdBlank(buf, start, end);
      else current.add(buf, unescapedStart(buf, start, end), end);
    }
    if (complete) state = 'line-start';
    else if (state === 'line-start') state = isFrom(buf, start, end) ? 'rest-of-separator' : 'rest-of-line';
    return done;
  };
  for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
    const buf: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    carry = null;
    let start = 0;
    for (let nl = buf.indexOf(0x0a, start); nl >= 0; nl = buf.indexOf(0x0a, start)) {
      // Not copied: a message's lines are copied once, together, when it is finished (Collector.finish), so no
      // kept message pins the 256 KiB chunks they were read in.
      const m = take(buf, start, nl + 1, true);
      start = nl + 1;
      if (m) yield m;
    }
    const rest: Buffer = Buffer.from(buf.subarray(start));
    if (rest.length > MAX_LINE) {
      // A line without end in sight is passed on in pieces.
      const m = take(rest, 0, rest.length, false);
      if (m) yield m;
    } else if (rest.length > 0) carry = rest;
  }
  if (carry) {
    const m = take(carry, 0, carry.length, true);
    if (m) yield m;
  }
  const last = finish();
  if (last) yield last;
}
