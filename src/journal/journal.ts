/**
 * The send journal: an append-only JSON-lines file with one final outcome per
 * recipient. Each outcome is handed to the kernel (write) the moment the
 * server answers, so killing the process loses nothing already answered;
 * fsync runs in small groups so a power cut loses at most the last group.
 */
import { closeSync, createReadStream, existsSync, fsync, fsyncSync, mkdirSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { EnewsError, ExitCode } from '../errors.js';
import { displayPath } from '../content/yaml-file.js';
import { Outcomes } from './outcomes.js';

const runRecord = z.object({
  type: z.literal('run'),
  at: z.string(),
  issue: z.number(),
  inputsHash: z.string(),
  subscribers: z.string(),
  shard: z.string().nullable(),
});
const sentRecord = z.object({ type: z.literal('sent'), at: z.string(), key: z.string(), email: z.string(), messageId: z.string(), response: z.string() });
const failedRecord = z.object({ type: z.literal('failed'), at: z.string(), key: z.string(), email: z.string(), code: z.number().nullable(), response: z.string() });
const endRecord = z.object({
  type: z.literal('end'),
  at: z.string(),
  sent: z.number(),
  failed: z.number(),
  deferred: z.number(),
  stopped: z.string().nullable(),
});
export const journalRecordSchema = z.discriminatedUnion('type', [runRecord, sentRecord, failedRecord, endRecord]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type RunRecord = z.infer<typeof runRecord>;
export type EndRecord = z.infer<typeof endRecord>;
export type JournalIdentity = Omit<RunRecord, 'type' | 'at'>;

export interface JournalState {
  /** Final outcome per address key. A later `sent` overrides an earlier `failed`. */
  outcomes: Outcomes;
  identity: JournalIdentity | null;
  runs: number;
  lastEnd: EndRecord | null;
  /** The file ends mid-line (a crash while writing); the next write starts a new line. */
  truncatedTail: boolean;
}

export function emptyJournal(): JournalState {
  return { outcomes: new Outcomes(), identity: null, runs: 0, lastEnd: null, truncatedTail: false };
}

export async function readJournal(file: string): Promise<JournalState> {
  const state = emptyJournal();
  if (!existsSync(file)) return state;
  if (!statSync(file).isFile()) throw new EnewsError('journal-not-file', `${displayPath(file)} is not a regular file; give --journal a file path.`);
  const endsWithNewline = lastByte(file) === 0x0a;
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  let pendingBad: { line: number; text: string } | null = null;
  for await (const text of lines) {
    lineNo++;
    if (pendingBad) throw damaged(file, pendingBad.line);
    if (text.trim() === '') continue;
    let record: JournalRecord;
    try {
      record = journalRecordSchema.parse(JSON.parse(text));
    } catch {
      // Only the very last line may be cut short (a crash mid-write); anything earlier is damage.
      pendingBad = { line: lineNo, text };
      continue;
    }
    apply(state, record);
  }
  if (pendingBad) {
    if (endsWithNewline) throw damaged(file, pendingBad.line);
    state.truncatedTail = true;
  } else if (lineNo > 0 && !endsWithNewline) {
    state.truncatedTail = true;
  }
  return state;
}

function apply(state: JournalState, r: JournalRecord): void {
  switch (r.type) {
    case 'run':
      state.runs++;
      state.identity ??= { issue: r.issue, inputsHash: r.inputsHash, subscribers: r.subscribers, shard: r.shard };
      break;
    case 'sent':
      state.outcomes.record(r.key, 'sent');
      break;
    case 'failed':
      state.outcomes.record(r.key, 'failed');
      break;
    case 'end':
      state.lastEnd = r;
      break;
  }
}

function damaged(file: string, line: number): EnewsError {
  return new EnewsError('journal-damaged', `${displayPath(file)} is damaged at line ${line}: it is not a journal record.`, {
    problems: [
      {
        message: 'The journal was edited or overwritten. Restore it from a backup, or remove the damaged line if you know what it held.',
        location: { file: displayPath(file), line },
      },
    ],
  });
}

function lastByte(file: string): number | null {
  const size = statSync(file).size;
  if (size === 0) return null;
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0]!;
  } finally {
    closeSync(fd);
  }
}

/** Refuses a journal written for another issue, build, subscriber file or shard. */
export function checkIdentity(file: string, state: JournalState, current: JournalIdentity, acceptRebuild: boolean): void {
  const had = state.identity;
  if (!had) return;
  const shown = displayPath(file);
  const fix = 'Use the journal that belongs to this send, or give a new file with --journal.';
  if (had.issue !== current.issue) {
    throw new EnewsError('journal-other-issue', `${shown} is the journal of issue ${had.issue}, not issue ${current.issue}.`, { problems: [{ message: fix }] });
  }
  if (had.subscribers !== current.subscribers) {
    throw new EnewsError('journal-other-list', `${shown} was written for the subscriber file ${had.subscribers}, not ${current.subscribers}.`, {
      problems: [{ message: fix }],
    });
  }
  if (had.shard !== current.shard) {
    throw new EnewsError('journal-other-shard', `${shown} was written for shard ${had.shard ?? '(none)'}, not ${current.shard ?? '(none)'}.`, {
      problems: [{ message: fix }],
    });
  }
  if (had.inputsHash !== current.inputsHash && !acceptRebuild) {
    throw new EnewsError('journal-other-build', `${shown} was written while sending a different build of issue ${current.issue}: the content changed since those messages went out.`, {
      problems: [
        {
          message: 'Subscribers already done would not get the change; those still to do would get the new version.',
          hint: 'If that is what you want, run again with --accept-rebuild. Otherwise rebuild the version that was being sent.',
        },
      ],
    });
  }
}

export interface JournalWriterOptions {
  /** fsync after this many records (group commit). */
  groupSize?: number;
  /** …or after this many milliseconds, whichever comes first. */
  groupMs?: number;
}

export class JournalWriter {
  private fd: number;
  private unsynced = 0;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  /** An fsync that failed in the background; the next append reports it. */
  private failure: EnewsError | null = null;
  private readonly groupSize: number;
  private readonly groupMs: number;

  private constructor(
    readonly file: string,
    fd: number,
    opts: JournalWriterOptions,
  ) {
    this.fd = fd;
    this.groupSize = opts.groupSize ?? 64;
    this.groupMs = opts.groupMs ?? 500;
  }

  static open(file: string, state: JournalState, opts: JournalWriterOptions = {}): JournalWriter {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
      const w = new JournalWriter(file, openSync(file, 'a'), opts);
      if (state.truncatedTail) w.writeRaw('\n');
      return w;
    } catch (err) {
      if (err instanceof EnewsError) throw err;
      throw writeError(file, err);
    }
  }

  /** Hands the record to the kernel now (a kill cannot lose it); flushes to disk in groups. */
  append(record: JournalRecord): void {
    if (this.failure) throw this.failure;
    this.writeRaw(JSON.stringify(record) + '\n');
    if (++this.unsynced >= this.groupSize) this.syncInBackground();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.syncInBackground(), this.groupMs);
      this.timer.unref();
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
        if (err) this.failure ??= writeError(this.file, err);
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
      this.failure ??= writeError(this.file, err);
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
      throw writeError(this.file, err);
    }
  }
}

function writeError(file: string, err: unknown): EnewsError {
  const code = (err as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EFBIG' ? 'the file is too large for this system (file size limit)' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `${code ?? (err as Error).message}`;
  return new EnewsError('journal-write', `Cannot write the journal ${displayPath(file)}: ${why}. Sending stopped so that no outcome goes unrecorded.`, {
    exitCode: ExitCode.stopped,
    problems: [{ message: 'Free space (or fix the permission), then run the same command again: it resumes where the journal ends.' }],
  });
}
