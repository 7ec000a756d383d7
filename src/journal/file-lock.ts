/**
 * Exclusive locks held by the kernel, not by PID files: an open file
 * description lock (Linux `F_OFD_SETLK`, BSD `flock` on macOS), through
 * fs-native-extensions (prebuilt for every platform enews runs on). The
 * kernel releases it when the descriptor is closed or the process dies, by
 * any death (SIGKILL, a crash, a power cut ends the machine's locks too),
 * so a dead holder can never look alive, and nobody ever has to decide that
 * a lock is stale and remove it: the decision a PID file forces, which two
 * processes can take at once and both win.
 *
 * A lock belongs to the file the descriptor was opened on. A path that was
 * unlinked or replaced after it was opened names another file: callers that
 * remove their lock file check, once they hold the lock, that the path still
 * names the locked file (`sameFile`), and start over if not.
 */
import { fstatSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

// Its native addon and the resolvers that find it cost ≈ 70 ms to load: only a command that takes a
// lock pays it (`status` only reads), on its first lock.
let fne: typeof import('fs-native-extensions').default | undefined;

/** Loads the locks' native addon now rather than at the first lock (a server, before its first request). */
export function loadLocks(): typeof import('fs-native-extensions').default {
  fne ??= createRequire(import.meta.url)('fs-native-extensions') as typeof import('fs-native-extensions').default;
  return fne;
}

/** Takes the lock at once, or says it is held by another descriptor (in this process or another). */
export function tryLockFd(fd: number): boolean {
  return loadLocks().tryLock(fd);
}

/** Waits for the lock, without blocking the event loop, for at most `timeoutMs`; false when it never came. */
export async function waitLockFd(fd: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  // Holders keep it for milliseconds (one append): poll, starting fast, never slower than 20 ms.
  for (let delay = 1; ; delay = Math.min(delay * 2, 20)) {
    if (tryLockFd(fd)) return true;
    if (Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Whether `file` still names the file open on `fd` (not unlinked, not replaced). */
export function sameFile(fd: number, file: string): boolean {
  let now: { ino: number; dev: number };
  try {
    now = statSync(file);
  } catch {
    return false;
  }
  const held = fstatSync(fd);
  return held.ino === now.ino && held.dev === now.dev;
}
