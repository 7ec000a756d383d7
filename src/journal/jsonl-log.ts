/**
 * An append-only JSON-lines file that survives crashes: the send journal
 * and the subscriber events are both one of these.
 *
 * - Each record is handed to the kernel (write) the moment it is appended,
 *   so killing the process loses nothing appended; fsync runs in groups in
 *   the background, or at once when the caller must not answer before the
 *   record is on disk (`appendDurable`).
 * - Only the last line may be damaged, and only by a write cut short (power
 *   loss, full disk, file-size limit): reading ignores such a torn tail, and
 *   opening for append cuts it off (durably) before the first new record, so
 *   the fragment never becomes a damaged line in the middle. Damage anywhere
 *   else is refused with its line number.
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  fsync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { lastByte } from '../util/fd-io.js';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EnewsError, ExitCode } from '../errors.js';

export interface LogTail {
  /** The file ends in a fragment of a record: its byte length, cut off before appending. */
  tornBytes: number;
  /** The last record is complete but its newline is missing. */
  missingNewline: boolean;
}

export interface LogScan {
  lines: number;
  tail: LogTail;
}

/**
 * Reads every record in order. `take` returns false for a value that is not a record, or 'stop' to
 * read no further. `damaged` says what a line that is no record means, short of the last one (a
 * torn tail, never an error): 'refuse' (the default) refuses the file with its line number, for
 * whoever counts on every record; 'skip' passes over it, for readers that only look something up.
 * A skipping reader stops at once when the first line is no record: nothing says what the file is.
 */
export async function readLog(
  file: string,
  take: (value: unknown) => boolean | 'stop',
  what: string,
  damaged: 'refuse' | 'skip' = 'refuse',
): Promise<LogScan> {
  const tail: LogTail = { tornBytes: 0, missingNewline: false };
  if (!existsSync(file)) return { lines: 0, tail };
  if (!statSync(file).isFile())
    throw new EnewsError('log-not-file', `${file} is not a regular file; ${what} must be a file.`);
  const endsWithNewline = lastByte(file) === 0x0a;
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let records = 0;
  let pendingBad: { line: number } | null = null;
  try {
    for await (const text of lines) {
      lineNo++;
      if (pendingBad && damaged === 'refuse') throw damagedAt(file, pendingBad.line, what);
      pendingBad = null;
      if (text.trim() === '') continue;
      let taken: boolean | 'stop' = false;
      try {
        taken = take(JSON.parse(text));
      } catch {
        taken = false;
      }
      if (taken === 'stop') return { lines: lineNo, tail };
      if (taken) records++;
      else if (damaged === 'skip' && records === 0) return { lines: lineNo, tail };
      // Only the very last line may be cut short; anything earlier is damage (decided once the next line shows up).
      else pendingBad = { line: lineNo };
    }
  } finally {
    lines.close();
    input.destroy();
  }
  if (pendingBad) {
    if (endsWithNewline && damaged === 'refuse') throw damagedAt(file, pendingBad.line, what);
    // Measured in the bytes on disk: a line torn inside a UTF-8 character decodes to more than it holds.
    if (!endsWithNewline) tail.tornBytes = lastLineBytes(file);
  } else if (lineNo > 0 && !endsWithNewline && statSync(file).size > 0) {
    tail.missingNewline = true;
  }
  return { lines: lineNo, tail };
}

/**
 * The state of the file's end only, without reading it all: for appenders
 * that must repair a torn tail but leave damage elsewhere to the readers.
 */
export function readTailOnly(file: string, parse: (value: unknown) => boolean): LogTail {
  const tail: LogTail = { tornBytes: 0, missingNewline: false };
  if (!existsSync(file)) return tail;
  const size = statSync(file).size;
  if (size === 0) return tail;
  const fd = openSync(file, 'r');
  try {
    // A record is one line; 64 KiB holds the longest one enews writes many times over.
    const len = Math.min(size, 65536);
    const buf = Buffer.alloc(len);
    readSync(fd, buf, 0, len, size - len);
    if (buf[len - 1] === 0x0a) return tail;
    const lastNl = buf.lastIndexOf(0x0a);
    const fragment = buf.subarray(lastNl + 1);
    let ok = false;
    try {
      ok = parse(JSON.parse(fragment.toString('utf8')));
    } catch {
      ok = false;
    }
    if (ok) tail.missingNewline = true;
    else tail.tornBytes = fragment.length;
    return tail;
  } finally {
    closeSync(fd);
  }
}

function damagedAt(file: string, line: number, what: string): EnewsError {
  return new EnewsError('log-damaged', `${file} is damaged at line ${line}: it is not a record of ${what}.`, {
    problems: [
      {
        message:
          'The file was edited or overwritten. Restore it from a backup, ' +
          'or remove the damaged line if you know what it held.',
        location: { file, line },
      },
    ],
  });
}

/**
 * The bytes after the file's last newline, as they are on disk: a write cut inside a character leaves
 * half of it, which the line as read decodes to U+FFFD (three bytes), so the text's length would cut
 * the end of the record before it.
 */
function lastLineBytes(file: string): number {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 65536));
    for (let end = size; end > 0; ) {
      const start = Math.max(0, end - buf.length);
      readSync(fd, buf, 0, end - start, start);
      const nl = buf.subarray(0, end - start).lastIndexOf(0x0a);
      if (nl >= 0) return size - (start + nl + 1);
      end = start;
    }
    return size;
  } finally {
    closeSync(fd);
  }
}

export interface LogWriterOptions {
  /** fsync after this many records (group commit)… */
  groupSize?: number;
  /** …or after this many milliseconds, whichever comes first. */
  groupMs?: number;
  /** What the file is, for error messages ("the journal"). */
  what: string;
  /** The message that says what a write failure means for the run. */
  onWriteFailure: string;
}

export class LogWriter {
  private fd: number;
  private unsynced = 0;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  /** An fsync that failed in the background; the next append reports it. */
  private failure: EnewsError | null = null;

  private constructor(
    readonly file: string,
    fd: number,
    private readonly o: LogWriterOptions,
  ) {
    this.fd = fd;
  }

  /** Opens for appending, first repairing the tail that `readLog` found. */
  static open(file: string, tail: LogTail, o: LogWriterOptions): LogWriter {
    let fd = -1;
    try {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      // The file names people and addresses: readable by its owner only.
      fd = openSync(file, 'a', 0o600);
      const w = new LogWriter(file, fd, o);
      if (tail.tornBytes > 0) {
        ftruncateSync(fd, statSync(file).size - tail.tornBytes);
        fsyncSync(fd);
      } else if (tail.missingNewline) {
        w.writeRaw('\n');
      }
      return w;
    } catch (err) {
      if (fd >= 0) closeSync(fd);
      if (err instanceof EnewsError) throw err;
      throw writeError(file, err, o);
    }
  }

  /**
   * Hands the record to the kernel now (a kill cannot lose it); flushes to disk in groups. One write() per
   * record, on purpose: writing four at once measured 2.0 µs a record instead of 3.2 (bench/micro.js,
   * 2026-11-29), under 0.5 % of what a sent message costs, and any batching would hold answered outcomes in
   * memory for a while.
   */
  append(record: unknown): void {
    if (this.failure) throw this.failure;
    this.writeRaw(JSON.stringify(record) + '\n');
    if (++this.unsynced >= (this.o.groupSize ?? 64)) this.syncInBackground();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.syncInBackground(), this.o.groupMs ?? 500);
      this.timer.unref();
    }
  }

  /** Appends and returns once the record is on disk: for answers that promise it is recorded. */
  appendDurable(record: unknown): void {
    if (this.failure) throw this.failure;
    this.writeRaw(JSON.stringify(record) + '\n');
    try {
      fsyncSync(this.fd);
      this.unsynced = 0;
    } catch (err) {
      throw (this.failure = writeError(this.file, err, this.o));
    }
  }

  /** fsync on the thread pool, so the send loop never waits for the disk. */
  private syncInBackground(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.unsynced === 0 || this.syncing || this.fd < 0) return;
    this.unsynced = 0;
    this.syncing = new Promise<void>((resolve) =>
      fsync(this.fd, (err) => {
        if (err) this.failure ??= writeError(this.file, err, this.o);
        this.syncing = null;
        resolve();
      }),
    );
  }

  async close(): Promise<void> {
    if (this.fd < 0) return;
    if (this.timer) clearTimeout(this.timer);
    await this.syncing;
    try {
      fsyncSync(this.fd);
    } catch (err) {
      this.failure ??= writeError(this.file, err, this.o);
    } finally {
      closeSync(this.fd);
      this.fd = -1;
    }
    if (this.failure) throw this.failure;
  }

  private writeRaw(text: string): void {
    try {
      const written = writeSync(this.fd, text);
      // A short write (rare, e.g. on a nearly full disk) continues from where it stopped.
      if (written < Buffer.byteLength(text)) {
        const buf = Buffer.from(text, 'utf8');
        for (let off = written; off < buf.length; ) off += writeSync(this.fd, buf, off);
      }
    } catch (err) {
      throw (this.failure = writeError(this.file, err, this.o));
    }
  }
}

function writeError(file: string, err: unknown, o: LogWriterOptions): EnewsError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EFBIG'
        ? 'the file is too large for this system (file size limit)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `${code ?? (err as Error).message}`;
  return new EnewsError('log-write', `Cannot write ${o.what} ${file}: ${why}. ${o.onWriteFailure}`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message: 'Free space (or fix the permission), then run the same command again: it resumes where the file ends.',
      },
    ],
  });
}
