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

export function acquireLock(target: string): HeldLock {
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
    if (holder && !isStale(holder)) throw lockedError(target, file, holder);
    // Stale (or empty: its creator died between link and write, which link() rules out, but be safe): take it over.
    tookOver = holder;
    try {
      unlinkSync(file);
    } catch {
      // Someone else took it over first; the next attempt finds their lock.
    }
  }
  throw lockedError(target, file, readLock(file));
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

function lockedError(target: string, file: string, holder: LockInfo | null): EnewsError {
  const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.started}` : 'another process';
  return new EnewsError('journal-locked', `Another enews send is using ${target} (${who}). Nothing was sent.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'Two runs of one send would mail people twice. Wait for the other run to finish (enews status shows its progress), then run the same command again.',
        hint: `If you are certain no other send is running (e.g. it ran on a machine that is gone), delete ${file}.`,
      },
    ],
  });
}
