/**
 * The events file as an EventStore (store.ts), safe to share between
 * processes: several `enews serve`, an `enews inbox` from cron, a send that
 * records refused recipients.
 *
 * Each store keeps an index of the events it has read (their keys, compact)
 * and the byte offset up to which it has read. Every `record` takes the
 * file's kernel lock (file-lock.ts; no other writer is then half-way through
 * a line), reads only what was appended since its last look, drops the
 * events already there, cuts back a line left torn by a writer that died,
 * appends the rest and fsyncs before it resolves. So "once" holds across
 * processes, damage is noticed at the next append rather than at start, and
 * an append costs what is new, not the whole file.
 *
 * A file that was replaced or shortened since the last look (restored from
 * a backup, repaired by hand) is read again from the start; so is a damaged
 * one, at most once a second, so that a repair is noticed without a restart.
 */
import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import { writeAll } from '../util/fd-io.js';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { fsync } from 'node:fs';
import { EnewsError, ExitCode } from '../errors.js';
import { loadLocks, sameFile, waitLockFd } from '../journal/file-lock.js';
import { KeySet } from '../util/key-set.js';
import {
  eventKey,
  eventSchema,
  eventsFileProblem,
  otherListError,
  readEvents,
  type SubscriberEvent,
} from './events.js';
import type { EventStore } from './store.js';

export interface EventsFileOptions {
  /** How long `record` waits for another process's append (ms). */
  lockWaitMs?: number;
  /** Time source for the re-read limit of a damaged file (tests). */
  now?: () => number;
}

const fsyncAsync = promisify(fsync);
const CHUNK = 1 << 20;
const DAMAGED_REREAD_MS = 1000;

/** Types recorded by `claim`, whose latest time per address the index keeps. */
const CLAIMED = new Set<string>(['signup-requested']);

export class EventsFile implements EventStore {
  private keys = new KeySet();
  /** type LF address → the latest `at` (ms) of the claimed types. */
  private latest = new Map<string, number>();
  /** Bytes of complete lines read so far. */
  private offset = 0;
  /** Lines read so far (for the line number of damage). */
  private lines = 0;
  private identity: { ino: number; dev: number } | null = null;
  private damage: EnewsError | null = null;
  private lastFullRead = -Infinity;

  constructor(
    readonly where: string,
    /** The newsletter's list id; null only to export a file outside any project. */
    private readonly listId: string | null,
    private readonly o: EventsFileOptions = {},
  ) {}

  async each(f: (e: SubscriberEvent) => void): Promise<void> {
    await readEvents(this.where, this.listId, f);
  }

  async has(key: string): Promise<boolean> {
    this.catchUp(null);
    if (this.damage) throw this.damage;
    return this.keys.has(key);
  }

  async recorded(keys: readonly string[]): Promise<Set<string>> {
    this.catchUp(null);
    if (this.damage) throw this.damage;
    return new Set(keys.filter((k) => this.keys.has(k)));
  }

  async problem(): Promise<string | null> {
    // serve asks before every POST: one stat serves the catching up and the checks.
    const st = statOrNull(this.where);
    this.catchUp(null, st);
    return this.damage?.message ?? eventsFileProblem(this.where, st);
  }

  async record(events: SubscriberEvent[]): Promise<SubscriberEvent[]> {
    if (events.length === 0) return [];
    for (const e of events) eventSchema.parse(e);
    return this.locked(async (fd) => {
      const fresh: SubscriberEvent[] = [];
      const seen = new Set<string>();
      for (const e of events) {
        const key = eventKey(e);
        if (this.keys.has(key) || seen.has(key)) continue;
        seen.add(key);
        fresh.push(e);
      }
      await this.append(fd, fresh);
      return fresh;
    });
  }

  async claim(event: SubscriberEvent, windowMs: number): Promise<boolean> {
    eventSchema.parse(event);
    return this.locked(async (fd) => {
      const last = this.latest.get(`${event.type}\n${event.email}`);
      const at = Date.parse(event.at);
      if (last !== undefined && at - last < windowMs) return false;
      if (this.keys.has(eventKey(event))) return false;
      await this.append(fd, [event]);
      return true;
    });
  }

  async about(email: string): Promise<SubscriberEvent[]> {
    this.catchUp(null);
    if (this.damage) throw this.damage;
    const out: SubscriberEvent[] = [];
    if (!existsSync(this.where)) return out;
    // Only lines that hold the address are parsed: a page view costs one read of the file, not a parse of it.
    const needle = JSON.stringify(email).slice(1, -1);
    const lines = createInterface({ input: createReadStream(this.where, 'utf8'), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.includes(needle)) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      const r = eventSchema.safeParse(value);
      if (r.success && r.data.email === email) out.push(r.data);
    }
    return out;
  }

  /** Runs `f` with the file locked for appending, caught up and its torn tail repaired. */
  private async locked<T>(f: (fd: number) => Promise<T>): Promise<T> {
    const fd = await this.lockedAppender();
    try {
      const tornBytes = this.catchUp(fd);
      if (this.damage) throw stopped(this.damage);
      // Only now, under the lock, is a fragment at the end known to be torn: no writer is half-way through it.
      if (tornBytes > 0) this.repairTail(fd, tornBytes);
      return await f(fd);
    } catch (err) {
      if (err instanceof EnewsError) throw err;
      throw writeError(this.where, err);
    } finally {
      closeSync(fd);
    }
  }

  /** Appends `events` (already known to be new) durably and indexes them. */
  private async append(fd: number, events: SubscriberEvent[]): Promise<void> {
    if (events.length === 0) return;
    const bytes = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
    writeAll(fd, bytes);
    // Counted as read at once, before the fsync below lets anything else run: a look at the file meanwhile
    // (serve asks problem() on every POST) must not read these lines as new and then have them counted twice.
    for (const e of events) this.indexEvent(e);
    this.offset += bytes.length;
    this.lines += events.length;
    // On the thread pool: an endpoint keeps reading requests meanwhile, and they form the next batch.
    try {
      await fsyncAsync(fd);
    } catch (err) {
      // Whether the lines are on disk is unknown: read the file again from the start at the next look.
      this.identity = null;
      throw err;
    }
  }

  private indexEvent(e: SubscriberEvent): void {
    this.keys.add(eventKey(e));
    if (!CLAIMED.has(e.type)) return;
    const k = `${e.type}\n${e.email}`;
    const at = Date.parse(e.at);
    if (!Number.isNaN(at) && at > (this.latest.get(k) ?? Number.NEGATIVE_INFINITY)) this.latest.set(k, at);
  }

  prepare(): void {
    loadLocks();
  }

  async close(): Promise<void> {}

  /**
   * The end of the file is not a whole line: a writer died half-way (cut it off, durably), or someone wrote the
   * last event by hand without its newline (keep it, add the newline).
   */
  private repairTail(fd: number, bytes: number): void {
    const fragment = Buffer.alloc(bytes);
    readSync(fd, fragment, 0, bytes, this.offset);
    const text = fragment.toString('utf8');
    if (this.index(text)) {
      writeAll(fd, Buffer.from('\n'));
      this.offset += bytes + 1;
      this.lines++;
    } else {
      this.damage = null;
      ftruncateSync(fd, this.offset);
    }
    fsyncSync(fd);
  }

  /** Opens the file for appending with its lock held (the lock goes with the descriptor). */
  private async lockedAppender(): Promise<number> {
    for (;;) {
      let fd: number;
      try {
        mkdirSync(path.dirname(this.where), { recursive: true, mode: 0o700 });
        // The file names people and addresses: readable by its owner only.
        fd = openSync(this.where, 'a+', 0o600);
      } catch (err) {
        throw writeError(this.where, err);
      }
      if (!(await waitLockFd(fd, this.o.lockWaitMs ?? 5000))) {
        closeSync(fd);
        throw new EnewsError('events-locked', `Another enews process kept ${this.where} locked for too long.`, {
          exitCode: ExitCode.stopped,
          problems: [{ message: 'Try again in a moment; nothing was recorded.' }],
        });
      }
      // Replaced while we waited (a restore): append to the file the path names now.
      if (sameFile(fd, this.where)) return fd;
      closeSync(fd);
    }
  }

  /**
   * Reads what was appended since the last look into the index; returns the length of a fragment at the end
   * that is not a whole line (torn, or being written by another process). `fd`: the locked descriptor, else
   * the file is opened for reading.
   */
  private catchUp(fd: number | null, known?: Stats | null): number {
    const now = (this.o.now ?? Date.now)();
    if (this.damage && now - this.lastFullRead < DAMAGED_REREAD_MS) return 0;
    if (fd === null) {
      // A look without the lock (serve's has and problem, on every request): one stat says whether there is
      // anything to read; the file is opened only when something was appended or it was replaced.
      const st = known === undefined ? statOrNull(this.where) : known;
      if (st === null) {
        this.reset(null);
        return 0;
      }
      if (!this.damage && this.unchanged(st)) return 0;
    } else if (!existsSync(this.where)) {
      this.reset(null);
      return 0;
    }
    const own = fd === null ? openSync(this.where, 'r') : fd;
    try {
      const st = fstatSync(own);
      const replaced =
        this.identity === null || st.ino !== this.identity.ino || st.dev !== this.identity.dev || st.size < this.offset;
      if (replaced || this.damage) {
        this.reset({ ino: st.ino, dev: st.dev });
        this.lastFullRead = now;
      }
      return this.readFrom(own, st.size);
    } finally {
      if (fd === null) closeSync(own);
    }
  }

  /** The same file as at the last look, with nothing after the lines read (no new line, no fragment). */
  private unchanged(st: Stats): boolean {
    const id = this.identity;
    return id !== null && st.ino === id.ino && st.dev === id.dev && st.size === this.offset;
  }

  private reset(identity: { ino: number; dev: number } | null): void {
    this.keys = new KeySet();
    this.latest = new Map();
    this.offset = 0;
    this.lines = 0;
    this.damage = null;
    this.identity = identity;
  }

  private readFrom(fd: number, size: number): number {
    let carry = Buffer.alloc(0);
    let pos = this.offset;
    while (pos < size) {
      const buf = Buffer.alloc(Math.min(CHUNK, size - pos));
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      let data = carry.length ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a)) {
        const line = data.subarray(0, nl).toString('utf8');
        this.lines++;
        if (line.trim() !== '' && !this.index(line)) return 0;
        this.offset += nl + 1;
        data = data.subarray(nl + 1);
      }
      carry = Buffer.from(data);
    }
    return carry.length;
  }

  /** Adds one complete line to the index; false (and `damage` set) when it is not an event of this list. */
  private index(line: string): boolean {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    const r = eventSchema.safeParse(value);
    if (!r.success) {
      this.damage = damaged(this.where, this.lines);
      return false;
    }
    if (this.listId !== null && r.data.list !== undefined && r.data.list !== this.listId) {
      this.damage = otherListError(this.where, this.lines, r.data.list, this.listId);
      return false;
    }
    this.indexEvent(r.data);
    return true;
  }
}

/** The file's stat, or null where `existsSync` would say it is not there (absent, or not reachable). */
function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch {
    return null;
  }
}

function damaged(file: string, line: number): EnewsError {
  return new EnewsError(
    'log-damaged',
    `${file} is damaged at line ${line}: it is not a record of the subscriber events.`,
    {
      exitCode: ExitCode.stopped,
      problems: [
        {
          message:
            'The file was edited or overwritten. Restore it from a backup, or remove the damaged line if you know ' +
            'what it held. Nothing is recorded until then.',
          location: { file, line },
        },
      ],
    },
  );
}

function stopped(err: EnewsError): EnewsError {
  return err.exitCode === ExitCode.stopped
    ? err
    : new EnewsError(err.code, err.message, { exitCode: ExitCode.stopped, problems: err.problems, cause: err });
}

function writeError(file: string, err: unknown): EnewsError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EFBIG'
        ? 'the file is too large for this system (file size limit)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `${code ?? (err as Error).message}`;
  return new EnewsError(
    'log-write',
    `Cannot write the subscriber events ${file}: ${why}. Nothing more is recorded until it can be.`,
    {
      exitCode: ExitCode.stopped,
      problems: [{ message: 'Free space (or fix the permission), then try again: nothing recorded is lost.' }],
    },
  );
}
