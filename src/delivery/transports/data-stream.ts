/**
 * The one adapter to nodemailer's SMTP DATA stream
 * (`nodemailer/lib/smtp-connection/data-stream`, not part of nodemailer's
 * documented API; no other file imports it).
 *
 * SMTPConnection.send() (documented) passes every message through a
 * DataStream, which makes line ends CRLF and doubles a dot at the start of a
 * line, one JavaScript iteration per byte: about 150 µs of CPU for a 23 KB
 * message, a fifth of a whole send's CPU per message (BENCHMARKS.md,
 * 2026-11-29). nodemailer offers no documented way to hand it bytes that are
 * already in that form, and enews's are: the composer stuffs each issue's
 * shared pieces once (src/mime/dot-stuff.ts).
 *
 * So this file wraps DataStream's `_transform`: a Buffer given to `asIs()`
 * passes through unchanged, with the byte counts and last byte kept as
 * DataStream keeps them (its `_flush` reads the last byte to end the data
 * with "." on a line of its own); everything else goes to nodemailer's own
 * code. The wrapper also notes every Buffer a DataStream takes, which tells
 * the SMTP transport when a message has been handed over in full; and it
 * wraps `_flush` (which writes the final "." line) so that a message can be
 * held just short of completion until its predecessor's journal record is
 * kept (transport.ts, `before`).
 *
 * Safety:
 * - When loaded, the wrapper checks itself on a DataStream (passes a Buffer
 *   through; leaves nodemailer's stuffing as it was); if DataStream is not
 *   what it expects, nothing is changed and `installed` is false.
 * - The SMTP transport hands over bytes as they are only after its own first
 *   message (sent the ordinary way) was seen here: proof that its
 *   SMTPConnection uses this DataStream. Otherwise a stuffed message could
 *   be stuffed twice.
 * - nodemailer is pinned to an exact version in package.json, and
 *   data-stream.test.ts fails when the self-check fails on it, so an upgrade
 *   cannot turn the fast path off unnoticed; it also pins the behaviour
 *   against nodemailer itself and through a real SMTP server.
 */
import DataStream from 'nodemailer/lib/smtp-connection/data-stream';

type Done = (err?: Error | null) => void;
type TransformFn = (this: DataStream, chunk: unknown, encoding: BufferEncoding, done: Done) => void;

type FlushFn = (this: DataStream, done: Done) => void;
const proto = DataStream.prototype as unknown as { _transform?: TransformFn; _flush?: FlushFn };
const original = proto._transform;
const originalFlush = proto._flush;

/** How many messages went through each way (for tests and benchmarks). */
export const counts = { asIs: 0, stuffedByNodemailer: 0 };

/** Buffers to pass through unchanged, each once. */
const passThrough = new WeakSet<Buffer>();
/** Buffers a DataStream has taken, either way. */
const taken = new WeakSet<Buffer>();
/** What must resolve before the message in a Buffer is ended with its "." line (see `track`)… */
const holds = new WeakMap<Buffer, Promise<void>>();
/** …and the same, once a DataStream took that Buffer. */
const streamHolds = new WeakMap<DataStream, Promise<void>>();

function transform(this: DataStream, chunk: unknown, encoding: BufferEncoding, done: Done): void {
  if (Buffer.isBuffer(chunk)) {
    taken.add(chunk);
    const hold = holds.get(chunk);
    if (hold) streamHolds.set(this, hold);
    if (chunk.length > 0 && passThrough.delete(chunk)) {
      counts.asIs++;
      this.inByteCount += chunk.length;
      this.outByteCount += chunk.length;
      this.lastByte = chunk[chunk.length - 1]!;
      this.push(chunk);
      done();
      return;
    }
  }
  counts.stuffedByNodemailer++;
  original!.call(this, chunk, encoding, done);
}

/**
 * Ends the data with its "." line only once the hold of the Buffer it took resolves; never if it rejects (the
 * SMTP transport then closes the connection: the message is not completed).
 */
function flush(this: DataStream, done: Done): void {
  const hold = streamHolds.get(this);
  if (!hold) return originalFlush!.call(this, done);
  hold.then(
    () => originalFlush!.call(this, done),
    () => {},
  );
}

/** Runs a DataStream's transform synchronously on `input`, as SMTPConnection would, and returns what it pushed. */
function run(ds: DataStream, input: Buffer): Buffer {
  const out: Buffer[] = [];
  const push = ds.push;
  ds.push = (b: unknown) => {
    out.push(b as Buffer);
    return true;
  };
  try {
    (ds as unknown as { _transform: TransformFn })._transform.call(ds, input, 'binary', () => {});
  } finally {
    ds.push = push;
  }
  return Buffer.concat(out);
}

/** nodemailer's own transformation of `input` (a whole message, DataStream's final "." line not included). */
export function nodemailerStuff(input: Buffer): Buffer {
  return run(new DataStream(), input);
}

function install(): boolean {
  if (typeof original !== 'function' || typeof originalFlush !== 'function') return false;
  proto._transform = transform;
  proto._flush = flush;
  try {
    const ds = new DataStream();
    const stuffed = Buffer.from('a\r\n..b\r\n');
    passThrough.add(stuffed);
    const asIs = run(ds, stuffed);
    const ours = asIs === stuffed || asIs.equals(stuffed);
    const counted = ds.inByteCount === stuffed.length && ds.outByteCount === stuffed.length && ds.lastByte === 0x0a;
    const theirs = run(new DataStream(), Buffer.from('.a\nb\r.c')).equals(Buffer.from('..a\r\nb\r\n..c'));
    counts.asIs = counts.stuffedByNodemailer = 0;
    if (ours && counted && theirs && taken.has(stuffed)) return true;
  } catch {
    // Fall through: leave DataStream as nodemailer made it.
  }
  proto._transform = original;
  proto._flush = originalFlush;
  return false;
}

/** Whether the wrapper is in place (it is, unless nodemailer's DataStream changed shape). */
export const installed = install();

/**
 * `buf` is about to be handed to SMTPConnection.send for one attempt: `wasTaken` turns true when a DataStream takes
 * it (a retry of the same message starts over). With `stuffed` (dot-stuffed, CRLF, not empty) it passes through that
 * DataStream unchanged. With `hold`, the DataStream ends the message (its "." line) only once `hold` resolves.
 */
export function track(buf: Buffer, stuffed: boolean, hold: Promise<void> | null = null): Buffer {
  if (!installed) throw new Error('the DataStream adapter is not installed');
  taken.delete(buf);
  if (stuffed) passThrough.add(buf);
  else passThrough.delete(buf);
  if (hold) holds.set(buf, hold);
  else holds.delete(buf);
  return buf;
}

/** A DataStream has taken `buf` since `track`: handed over as a Buffer, it is now on its way in full. */
export function wasTaken(buf: Buffer): boolean {
  return taken.has(buf);
}
