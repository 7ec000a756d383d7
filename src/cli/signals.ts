/**
 * Ctrl-C (and a service manager's stop, or a closed terminal) during a command that holds temporary things (the
 * inbox's spooled results, a check's Chromium and its profile): `cleanup` removes them, then the process dies of
 * the signal as it would have without them (Ctrl-C: exit 130).
 */
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs `f` with `cleanup` (synchronous) run first if one of SIGNALS arrives meanwhile. */
export async function cleaningUpOnSignal<T>(cleanup: () => void, f: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
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
