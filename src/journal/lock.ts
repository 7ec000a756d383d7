/**
 * One run at a time: the lock of a send journal (one send of an issue and
 * list) and of `enews inbox`'s memory. The lock is a kernel lock on a file
 * beside its target (`journal/003.jsonl.lock`, see file-lock.ts), so a
 * holder that died, however it died, holds nothing, and two processes that
 * start together on a lock left by a crash cannot both take it. The file
 * also says who holds it (PID, host, start time), for the refusal message
 * and for the note that a crashed run's lock was found and taken.
 */
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnewsError, ExitCode } from '../errors.js';
import { sameFile, tryLockFd } from './file-lock.js';

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

export interface HeldLock {
  file: string;
  /** The holder named by a lock file that a run left behind when it died (its lock was gone with it). */
  tookOver: LockInfo | null;
  release(): void;
}

type Attempt = { held: HeldLock } | { busy: LockInfo | null };

/** Takes the lock of `target` at once, or refuses (exit 4) naming who holds it; `who` words the refusal. */
export function acquireLock(target: string, who = 'enews send'): HeldLock {
  const r = tryAcquire(target, who);
  if ('held' in r) return r.held;
  throw lockedError(target, r.busy, who);
}

/** Waits (without blocking the event loop) for a lock that other runs hold for short moments. */
export async function acquireLockWaiting(target: string, timeoutMs: number, who: string): Promise<HeldLock> {
  const until = Date.now() + timeoutMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    const r = tryAcquire(target, who);
    if ('held' in r) return r.held;
    if (Date.now() >= until) throw lockedError(target, r.busy, who);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function tryAcquire(target: string, who: string): Attempt {
  const file = `${target}.lock`;
  const dir = path.dirname(file);
  const createdDir = !existsSync(dir);
  for (;;) {
    let fd: number;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      fd = openSync(file, 'a+', 0o600);
    } catch (err) {
      throw lockFileError(file, err, who);
    }
    if (!tryLockFd(fd)) {
      const holder = holderInfo(fd);
      closeSync(fd);
      return { busy: holder };
    }
    // The holder before us may have released (unlinking the file) between our open and our lock: then we
    // locked a file nobody else will look at, and must lock the one the path names now.
    if (!sameFile(fd, file)) {
      closeSync(fd);
      continue;
    }
    const left = readInfo(fd);
    const me: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
    writeInfo(fd, me);
    return {
      held: {
        file,
        tookOver: left,
        release() {
          // Unlinked while still locked, so nobody can take a file that is about to disappear and keep it.
          try {
            unlinkSync(file);
          } catch {
            // Already gone (someone deleted it by hand): closing still releases the lock.
          }
          closeSync(fd);
          if (createdDir && existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
        },
      },
    };
  }
}

/**
 * Who holds the lock, as the holder wrote it. A holder writes that right after it takes the lock, so a look in
 * between finds the file empty: look again for a moment (the refusal then names the process, not "another").
 */
function holderInfo(fd: number): LockInfo | null {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let tries = 0; ; tries++) {
    const info = readInfo(fd);
    if (info || tries === HOLDER_INFO_TRIES) return info;
    Atomics.wait(pause, 0, 0, 5);
  }
}

/** Looks at a lock's holder information, 5 ms apart, before it is taken as missing (its holder's disk full). */
const HOLDER_INFO_TRIES = 20;

function readInfo(fd: number): LockInfo | null {
  try {
    const buf = Buffer.alloc(1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const v = JSON.parse(buf.subarray(0, n).toString('utf8')) as LockInfo;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? v : null;
  } catch {
    return null;
  }
}

function writeInfo(fd: number, info: LockInfo): void {
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, JSON.stringify(info) + '\n');
  } catch {
    // Only the refusal message of another run needs it; the lock itself is held (a full disk, say).
  }
}

function lockFileError(file: string, err: unknown, who: string): EnewsError {
  const code = (err as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOSPC'
      ? 'the disk is full'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : (code ?? (err as Error).message);
  return new EnewsError('lock-write', `Cannot take the lock ${file} for ${who}: ${why}. Nothing was done.`, {
    exitCode: ExitCode.stopped,
    problems: [{ message: 'Free space (or fix the permission), then run the same command again.' }],
  });
}

function lockedError(target: string, holder: LockInfo | null, who: string): EnewsError {
  const holderText = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.started}` : 'another process';
  return new EnewsError('journal-locked', `Another ${who} is using ${target} (${holderText}). Nothing was sent.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          'Two runs of one send would mail people twice. Wait for the other run to ' +
          'finish (enews status shows its progress), then run the same command again.',
        hint:
          "The lock is the operating system's: it ends with the process that holds it, however that process " +
          'ends, so there is nothing to delete.',
      },
    ],
  });
}
