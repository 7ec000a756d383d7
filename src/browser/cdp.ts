/**
 * Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: JSON messages, each ended by a
 * NUL byte, on the child's file descriptors 3 and 4). Hand-written rather than through playwright-core because
 * of a measurement (BENCHMARKS.md, "check --axe"): importing playwright-core took 0.55 s of the command before
 * Chromium could even start, its page set-up and each call cost more again, and the whole of `check 3 --axe`'s
 * browser work (start, page, axe, twelve runs, close) took 2.95 s through it against 1.85 s over this pipe.
 * The few commands enews needs (a page, its size and colour scheme, its content, an expression, a picture) are
 * plain protocol calls; the messages are parsed with JSON.parse.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import { hold, makeOwnedTemp, removeOrphans } from '../tmp/orphans.js';

/** What Chromium sent without being asked: `sessionId` names the page it is about. */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  sessionId?: string;
}

interface Waiting {
  resolve(result: Record<string, unknown>): void;
  reject(err: Error): void;
  /** The page it was sent to, if any: a page that crashes or closes answers nothing more. */
  sessionId?: string;
  timer: NodeJS.Timeout;
}

const PROFILE_PREFIX = 'enews-chromium-';
/** How long Chromium may take to answer its first message before the start counts as failed. */
const START_TIMEOUT_MS = 30_000;
/**
 * How long any one call may take before it fails: a page that loops forever (a script in an email) would
 * otherwise hold the command for good. axe's run on an email takes a fraction of a second.
 */
const CALL_TIMEOUT_MS = 60_000;
/** How long a closing Chromium may take before it is killed. */
const CLOSE_TIMEOUT_MS = 5_000;
/** Chromium's own error output kept for a failed start's message (it writes warnings there all the time). */
const STDERR_CAP = 16 * 1024;

export class CdpConnection {
  private nextId = 0;
  private readonly waiting = new Map<number, Waiting>();
  /** Pages that crashed or were closed, with why: a call to one fails at once. */
  private readonly gone = new Map<string, Error>();
  private readonly listeners = new Set<(e: CdpEvent) => void>();
  private pending: Buffer[] = [];
  private stderr = '';
  private exited: Error | null = null;
  private readonly exit: Promise<void>;
  /** Takes the profile off the list of what Ctrl-C removes (tmp/orphans.ts, hold); close() has removed it. */
  private release: () => void = () => {};

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const toChromium = child.stdio[3] as Writable;
    const fromChromium = child.stdio[4] as Readable;
    toChromium.on('error', () => {}); // a write after Chromium died: the exit below rejects what waits.
    fromChromium.on('data', (chunk: Buffer) => this.receive(chunk));
    child.stderr?.on('data', (d: Buffer) => {
      if (this.stderr.length < STDERR_CAP) this.stderr += d.toString('utf8').slice(0, STDERR_CAP - this.stderr.length);
    });
    this.exit = new Promise((resolve) => {
      const done = (why: string) => {
        this.exited ??= new Error(why);
        for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(this.exited);
        resolve();
      };
      child.once('exit', (code, signal) => done(`Chromium exited (${signal ?? `code ${code}`})`));
      child.once('error', (err) => done(err.message));
    });
  }

  /** Starts `executable` and waits until it answers; rejects with what it said when it does not. */
  static async start(executable: string, args: string[]): Promise<CdpConnection> {
    // Its own profile, removed on close: nothing of a run stays, and two runs never share one. Named for this
    // process, so that the next run removes one a killed run left (tmp/orphans.ts).
    removeOrphans(tmpdir(), PROFILE_PREFIX);
    const profile = makeOwnedTemp(tmpdir(), PROFILE_PREFIX);
    const child = spawn(executable, [...args, `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    });
    const conn = new CdpConnection(child, profile);
    // Ctrl-C during a check: the CLI removes what is held before the process dies (close() never runs then).
    conn.release = hold(() => {
      child.kill('SIGKILL');
      conn.removeProfile();
    });
    try {
      await conn.send('Browser.getVersion', {}, undefined, { ms: START_TIMEOUT_MS, fails: 'gave no answer' });
      return conn;
    } catch (err) {
      await conn.close();
      throw new Error(conn.firstComplaint() ?? (err as Error).message);
    }
  }

  /**
   * Calls `method`; with `sessionId`, on that page. Rejects with Chromium's message when it refuses, and when no
   * answer came within `limit` (its words: "… within N s").
   */
  send(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
    limit: { ms: number; fails: string } = { ms: CALL_TIMEOUT_MS, fails: `Chromium did not answer ${method}` },
  ): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    const gone = sessionId === undefined ? undefined : this.gone.get(sessionId);
    if (gone) return Promise.reject(gone);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(id)?.reject(new Error(`${limit.fails} within ${limit.ms / 1000} s`)),
        limit.ms,
      );
      this.waiting.set(id, { resolve, reject, timer, ...(sessionId ? { sessionId } : {}) });
      const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /**
   * Fails every call waiting on page `sessionId` (it crashed, or was closed), and every later one: none of them
   * would be answered.
   */
  failSession(sessionId: string, why: string): void {
    if (!this.gone.has(sessionId)) this.gone.set(sessionId, new Error(why));
    for (const [id, w] of [...this.waiting]) if (w.sessionId === sessionId) this.settle(id)?.reject(new Error(why));
  }

  /** Takes call `id` off the waiting list, its timer stopped; undefined when it was settled already. */
  private settle(id: number): Waiting | undefined {
    const w = this.waiting.get(id);
    if (!w) return undefined;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    return w;
  }

  /** Calls `f` with every event until the returned function is called. */
  on(f: (e: CdpEvent) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** Asks Chromium to close, kills it if it does not, and removes its profile. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.exited) {
      this.send('Browser.close').catch(() => {});
      const timer = setTimeout(() => this.child.kill('SIGKILL'), CLOSE_TIMEOUT_MS);
      await this.exit;
      clearTimeout(timer);
    }
    this.removeProfile();
    this.release();
  }

  private removeProfile(): void {
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 3 });
  }

  private receive(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(0); end !== -1; start = end + 1, end = chunk.indexOf(0, start)) {
      this.pending.push(chunk.subarray(start, end));
      const text = Buffer.concat(this.pending).toString('utf8');
      this.pending = [];
      try {
        this.dispatch(JSON.parse(text));
      } catch {
        // Not a message (Chromium only ever sends JSON): nothing waits for it.
      }
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  private dispatch(m: {
    id?: number;
    result?: Record<string, unknown>;
    error?: { message: string };
    method?: string;
    params?: Record<string, unknown>;
    sessionId?: string;
  }): void {
    if (m.id !== undefined) {
      const w = this.settle(m.id);
      if (m.error) w?.reject(new Error(m.error.message));
      else w?.resolve(m.result ?? {});
      return;
    }
    if (!m.method) return;
    const event: CdpEvent = {
      method: m.method,
      params: m.params ?? {},
      ...(m.sessionId ? { sessionId: m.sessionId } : {}),
    };
    for (const f of this.listeners) f(event);
  }

  /** The first line of Chromium's error output that says something, for a start that failed. */
  private firstComplaint(): string | null {
    const lines = this.stderr.split('\n').map((l) => l.trim());
    return (
      lines.find((l) => /error|fatal|cannot|can't|not found|unknown|denied/i.test(l)) ?? lines.find(Boolean) ?? null
    );
  }
}
