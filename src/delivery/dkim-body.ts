/**
 * DKIM's relaxed body canonicalisation (RFC 6376 §3.4.4), fed in pieces of
 * any size and handed to a hash as it goes, so a body never needs to be
 * joined or copied to be signed.
 *
 * The rules are exactly those of nodemailer's signer (its RelaxedBody, which
 * dkim.test.ts holds this to byte for byte): LF ends a line and a CR right
 * before it goes with it; a CR followed by anything else is content; a run
 * of SP and HTAB becomes one SP, and is dropped at the end of a line; empty
 * lines (or lines of only whitespace) are held back and count only when a
 * line with content follows; a body that does not end in a line break gets
 * one.
 *
 * What makes a send fast: the pieces every message of an issue shares are
 * worked out once (`preparePiece`). A prepared piece that starts where a line
 * starts (the usual case: enews composes from pieces that each end with a
 * line break) is one hash update of bytes canonicalised in advance; one
 * that starts inside a line (after a slot value without a line break) has
 * only its first line worked out again. Only the per-recipient values go
 * through the byte loop.
 */

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const TAB = 0x09;
/** Held-back empty lines are hashed from this, in slices. */
const CRLFS = Buffer.alloc(4096, '\r\n');

/** Where canonical bytes go: a node:crypto Hash, or a collector. */
export interface Sink {
  update(data: Buffer): unknown;
}

/** What a run of complete lines adds to the canonical body, from the start of a line. */
interface Lines {
  /** Canonical bytes up to the end of the last line with content, the empty lines before it included. */
  canon: Buffer;
  /** Empty lines after that, held back. */
  trailing: number;
}

/** A piece of body shared by many messages, canonicalised once. */
export interface PreparedPiece {
  readonly bytes: Buffer;
  /** After the first LF, and after the last one; both -1 when the piece holds no LF. */
  readonly firstEnd: number;
  readonly lastEnd: number;
  /** bytes[0, lastEnd) read from the start of a line. */
  readonly whole: Lines;
  /** bytes[firstEnd, lastEnd). */
  readonly rest: Lines;
}

export class RelaxedBody {
  /** The current line has content. */
  private content = false;
  /** Whitespace seen since the last content byte of the line. */
  private wsp = false;
  /** A CR seen, not yet known to end the line. */
  private cr = false;
  /** Empty lines held back. */
  private empty = 0;
  private scratch = Buffer.allocUnsafe(1024);

  constructor(private readonly sink: Sink) {}

  /** Bytes from anywhere in the body. */
  write(chunk: Buffer, from = 0, to = chunk.length): void {
    if (to - from > this.scratch.length / 2 - 2) this.scratch = Buffer.allocUnsafe(2 * (to - from) + 4);
    const out = this.scratch;
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = chunk[i]!;
      if (c === LF) {
        if (this.content) {
          out[n++] = CR;
          out[n++] = LF;
          this.content = false;
        } else this.empty++;
        this.wsp = false;
        this.cr = false;
        continue;
      }
      if (this.cr) {
        n = this.emit(out, n, CR);
        this.cr = false;
      }
      if (c === CR) this.cr = true;
      else if (c === SP || c === TAB) this.wsp = true;
      else n = this.emit(out, n, c);
    }
    if (n > 0) this.sink.update(out.subarray(0, n));
  }

  /** A string's UTF-8 bytes. */
  writeString(s: string): void {
    if (s !== '') this.write(Buffer.from(s, 'utf8'));
  }

  /** A prepared piece: the same as `write(p.bytes)`. */
  writePiece(p: PreparedPiece): void {
    if (p.firstEnd < 0) return this.write(p.bytes);
    if (!this.content && !this.wsp && !this.cr) this.lines(p.whole);
    else {
      this.write(p.bytes, 0, p.firstEnd);
      this.lines(p.rest);
    }
    if (p.lastEnd < p.bytes.length) this.write(p.bytes, p.lastEnd);
  }

  /** The end of the body: a CR still held is content, and a last line without a line break gets one. */
  end(): void {
    if (this.cr) {
      const n = this.emit(this.scratch, 0, CR);
      this.cr = false;
      this.sink.update(this.scratch.subarray(0, n));
    }
    if (this.content) {
      this.sink.update(CRLFS.subarray(0, 2));
      this.content = false;
    }
  }

  /** Complete lines, from the start of a line (no content, whitespace or CR held). */
  private lines(l: Lines): void {
    if (l.canon.length === 0) {
      this.empty += l.trailing;
      return;
    }
    this.flushEmpty();
    this.sink.update(l.canon);
    this.empty = l.trailing;
  }

  /** Writes content byte `c` (after the space a held run of whitespace becomes) at out[n]; returns the new n. */
  private emit(out: Buffer, n: number, c: number): number {
    if (!this.content) {
      if (this.empty > 0) {
        // The empty lines before this line turn out to be inside the body: they go before it.
        if (n > 0) this.sink.update(out.subarray(0, n));
        n = 0;
        this.flushEmpty();
      }
      this.content = true;
    }
    if (this.wsp) {
      out[n++] = SP;
      this.wsp = false;
    }
    out[n++] = c;
    return n;
  }

  private flushEmpty(): void {
    while (this.empty > 0) {
      const k = Math.min(this.empty, CRLFS.length / 2);
      this.sink.update(CRLFS.subarray(0, 2 * k));
      this.empty -= k;
    }
  }

  /** Empty lines held back (for preparePiece). */
  get held(): number {
    return this.empty;
  }
}

/** Canonicalises `bytes` once, for messages that share it. */
export function preparePiece(bytes: Buffer): PreparedPiece {
  const firstLf = bytes.indexOf(LF);
  if (firstLf < 0) {
    const none: Lines = { canon: Buffer.alloc(0), trailing: 0 };
    return { bytes, firstEnd: -1, lastEnd: -1, whole: none, rest: none };
  }
  const lastEnd = bytes.lastIndexOf(LF) + 1;
  return {
    bytes,
    firstEnd: firstLf + 1,
    lastEnd,
    whole: linesOf(bytes.subarray(0, lastEnd)),
    rest: linesOf(bytes.subarray(firstLf + 1, lastEnd)),
  };
}

/** Complete lines, canonicalised from the start of a line. */
function linesOf(bytes: Buffer): Lines {
  const parts: Buffer[] = [];
  const body = new RelaxedBody({ update: (b: Buffer) => parts.push(Buffer.from(b)) });
  body.write(bytes);
  return { canon: Buffer.concat(parts), trailing: body.held };
}
