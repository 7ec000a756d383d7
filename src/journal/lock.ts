/**
 * One run at a time per journal. The lock is a file beside the journal
 * holding the owner's PID, host and start time, created atomically (written
 * under a private name, then hard-linked into place, which fails if the lock
 * exists). A lock whose process is gone (killed, crashed, machine rebooted)
 * is stale and taken over; on Linux a PID reused by another process is told
 * apart by its start time.
 */
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnewsError, ExitCode } from '../errors.js';

interface LockInfo {
  pid: number;
  host: string;
  started: string;
  /** Process start time in clock ticks since boot (/proc/<pid>/stat field 22), when known. */
  procStart: string | null;
}

export interface HeldLock {
  file: string;
  /** A stale lock that was taken over, for the run's notices. */
  tookOver: LockInfo | null;
  release(): void;
}

/** Takes the lock of `target` at once, or refuses (exit 4) naming who holds it; `who` words the refusal. */
export function acquireLock(target: string, who = 'enews send'): HeldLock {
  const file = `${target}.lock`;
  const dir = path.dirname(file);
  const createdDir = !existsSync(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const me: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    procStart: procStart(process.pid),
  };
  let tookOver: LockInfo | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file, me)) {
      return {
        file,
        tookOver,
        release() {
          // Only our own lock: a run that found ours stale (it should not) owns the file now.
          if (readLock(file)?.pid === me.pid && readLock(file)?.started === me.started) unlinkSync(file);
          if (createdDir && readdirSync(dir).length === 0) rmdirSync(dir);
        },
      };
    }
    const holder = readLock(file);
    if (holder && !isStale(holder)) throw lockedError(target, file, holder, who);
    // Stale (or empty: its creator died between link and write, which link() rules out, but be safe): take it over.
    tookOver = holder;
    try {
      unlinkSync(file);
    } catch {
      // Someone else took it over first; the next attempt finds their lock.
    }
  }
  throw lockedError(target, file, readLock(file), who);
}

function tryCreate(file: string, info: LockInfo): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as LockInfo;
    return typeof v.pid === 'number' ? v : null;
  } catch {
    return null;
  }
}

function isStale(l: LockInfo): boolean {
  // On another machine (a shared folder) we cannot look at its processes: never assume it is gone.
  if (l.host !== os.hostname()) return false;
  try {
    process.kill(l.pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = procStart(l.pid);
  return l.procStart !== null && now !== null && now !== l.procStart;
}

function procStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; count fields after its closing parenthesis.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function lockedError(target: string, file: string, holder: LockInfo | null, who: string): EnewsError {
  const holderText = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.started}` : 'another process';
  return new EnewsError('journal-locked', `Another ${who} is using ${target} (${holderText}). Nothing was sent.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'Two runs of one send would mail people twice. Wait for the other run to ' +
          'finish (enews status shows its progress), then run the same command again.',
        hint: `If you are certain no other send is running (e.g. it ran on a machine that is gone), delete ${file}.`,
      },
    ],
  });
}

/**
 * Waits (politely, without blocking the event loop) for a lock that other
 * processes take for short moments, such as an append to the events file.
 */
export async function acquireLockWaiting(target: string, timeoutMs: number, who: string): Promise<HeldLock> {
  const until = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      return acquireLock(target, who);
    } catch (err) {
      if (!(err instanceof EnewsError) || err.code !== 'journal-locked' || Date.now() >= until) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}
