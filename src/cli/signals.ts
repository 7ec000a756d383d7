/**
 * Ctrl-C (and a service manager's stop, or a closed terminal) during a command that holds temporary things (the
 * inbox's spooled results, a check's Chromium and its profile, each held through tmp/orphans.ts): they are removed,
 * then the process dies of the signal as it would have without them (Ctrl-C: exit 130).
 */
import { removeHeld } from '../tmp/orphans.js';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs `f`, with what is held removed first if one of SIGNALS arrives meanwhile. */
export async function removingHeldOnSignal<T>(f: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    removeHeld();
    for (const s of SIGNALS) process.off(s, onSignal);
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  try {
    return await f();
  } finally {
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}
