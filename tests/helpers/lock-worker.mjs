// A process that hammers one of enews's locks, for tests/lock-race.test.ts. Runs the compiled library (lib/).
//   node lock-worker.mjs run   TARGET MARKER ROUNDS [CRASH] → takes the run lock ROUNDS times; each time it checks
//                                     that nobody else holds it (a marker file naming the holder), and with
//                                     probability CRASH dies holding it (SIGKILL), as a crashed send would
//   node lock-worker.mjs events FILE WORKER COUNT      → records COUNT events, printing each one acknowledged
//   node lock-worker.mjs hold  TARGET                  → takes the run lock, says "held", waits to be killed
//   node lock-worker.mjs hold-then-say TARGET          → locks TARGET.lock, says "locked", names itself 40 ms later
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const lib = path.resolve(import.meta.dirname, '../../lib');
const [mode, a, b, c] = process.argv.slice(2);

if (mode === 'run') {
  const { acquireLockWaiting } = await import(`${lib}/journal/lock.js`);
  const crash = Number(process.argv[6] ?? 0);
  for (let i = 0; i < Number(c); i++) {
    const lock = await acquireLockWaiting(a, 60_000, 'test');
    if (lock.tookOver) process.stdout.write('took-over\n');
    // The marker names its holder; one left by a holder that died is not an overlap.
    let other = null;
    try {
      other = Number(readFileSync(b, 'utf8'));
    } catch {}
    if (other !== null && alive(other)) process.stdout.write(`overlap ${other}\n`);
    writeFileSync(b, String(process.pid));
    if (Math.random() < crash) {
      process.stdout.write(`crash ${i}\n`);
      process.kill(process.pid, 'SIGKILL');
    }
    // Hold it a little, so that others come and wait.
    const until = performance.now() + Math.random() * 0.3;
    while (performance.now() < until);
    unlinkSync(b);
    lock.release();
    process.stdout.write('round\n');
  }
} else if (mode === 'events') {
  // With STATE_URL, the database's store; else the events file FILE.
  const { EventsFile } = await import(`${lib}/events/events-file.js`);
  const { openListState } = await import(`${lib}/state/open.js`);
  const state = process.env.STATE_URL
    ? await openListState({ root: path.dirname(a), env: process.env, listId: 'enews.coop.example.org' })
    : null;
  const store = state ? state.events : new EventsFile(a, 'enews.coop.example.org', { lockWaitMs: 60_000 });
  for (let i = 0; i < Number(c); i++) {
    // Every worker also records one address every other worker records: it must be there once.
    const email = i % 10 === 0 ? `shared${i}@example.org` : `w${b}-${i}@example.org`;
    const e = {
      at: new Date().toISOString(),
      list: 'enews.coop.example.org',
      type: 'unsubscribed',
      email,
      source: 'test',
    };
    await store.record([e]);
    process.stdout.write(`${email}\n`);
  }
  await state?.close();
} else if (mode === 'hold') {
  // With STATE_URL, the lock of journal 003 in the database; else the lock of the file TARGET.
  if (process.env.STATE_URL) {
    const { openListState } = await import(`${lib}/state/open.js`);
    const state = await openListState({ root: path.dirname(a), env: process.env, listId: 'enews.coop.example.org' });
    await state.journals.lock(state.journals.journalOf(3, null));
  } else {
    const { acquireLock } = await import(`${lib}/journal/lock.js`);
    acquireLock(a, 'test');
  }
  process.stdout.write('held\n');
  setInterval(() => {}, 1000);
} else if (mode === 'hold-then-say') {
  // Takes the kernel lock of TARGET.lock as acquireLock does, says "locked", and only 40 ms later writes who it
  // is into the file (acquireLock writes it right after locking: this widens that moment).
  const { openSync, writeSync } = await import('node:fs');
  const os = await import('node:os');
  const { tryLockFd } = await import(`${lib}/journal/file-lock.js`);
  const fd = openSync(`${a}.lock`, 'a+', 0o600);
  if (!tryLockFd(fd)) throw new Error('not free');
  process.stdout.write('locked\n');
  setTimeout(() => {
    writeSync(fd, `${JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString() })}\n`);
  }, 40);
  setInterval(() => {}, 1000);
}

/**
 * Running, not dying: a holder killed a moment ago is not reaped yet (a zombie), or is still on its way out
 * (the kernel sets PF_EXITING, 0x4 in /proc/<pid>/stat's flags, before it closes the process's files and so
 * releases its locks). Either way it holds nothing and does nothing more.
 */
function alive(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, , , , , , flags] = fields.slice(fields.lastIndexOf(')') + 2).split(' ');
    return state !== 'Z' && state !== 'X' && (Number(flags) & 0x4) === 0;
  } catch {
    return false;
  }
}
