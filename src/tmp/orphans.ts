/**
 * Temporary folders named for the process that made them (`<prefix><pid>-XXXXXX`, as mkdtemp completes the
 * name), so that a later run can remove those a killed run left behind (SIGKILL, a crash, a power cut): the
 * inbox's result spools, Chromium's profiles.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * What this process made and has not removed yet (a running Chromium's profile): removed by `removeHeld` when
 * the process is about to die of a signal (Ctrl-C), where the owner's own close never runs.
 */
const held = new Set<() => void>();

/** Keeps `remove` (synchronous) until the returned release is called, for `removeHeld`. */
export function hold(remove: () => void): () => void {
  held.add(remove);
  return () => held.delete(remove);
}

/** Runs every held removal now, synchronously; one that fails leaves its folder to the next run's removeOrphans. */
export function removeHeld(): void {
  for (const remove of [...held]) {
    held.delete(remove);
    try {
      remove();
    } catch {
      // Left for the next run: its name says this process made it, and this process is about to be gone.
    }
  }
}

/** A new folder in `parent` named for this process. */
export function makeOwnedTemp(parent: string, prefix: string): string {
  return mkdtempSync(path.join(parent, `${prefix}${process.pid}-`));
}

/**
 * Removes this user's folders in `parent` named `<prefix><pid>-XXXXXX` for a process that no longer exists. A
 * folder of a running process, of another user, or not named so is left alone.
 */
export function removeOrphans(parent: string, prefix: string): void {
  const named = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\d+)-[A-Za-z0-9]{6}$`);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return; // making the next folder there says what is wrong with it
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = named.exec(name);
    if (!m || Number(m[1]) === process.pid || running(Number(m[1]))) continue;
    const dir = path.join(parent, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not ours to remove: nothing to do.
    }
  }
}

/** Whether a process with this id exists (EPERM: it does, another user's). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
