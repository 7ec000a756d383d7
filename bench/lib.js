/**
 * Helpers shared by bench/run.js and bench/profile.js: the smtp-sink server,
 * child processes measured with /usr/bin/time (wall clock + peak RSS), the
 * enews send journal's timestamps, and cleanup of everything we started.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RESULTS = path.join(ROOT, 'bench', 'results');
export const SMTP_SINK = '/usr/sbin/smtp-sink';
export const SMTP_SOURCE = '/usr/sbin/smtp-source';
export const GNU_TIME = '/usr/bin/time';
/** Long enough that the CLI's secret redaction cannot mangle paths in its output (see BENCHMARKS.draft.md). */
export const UNSUBSCRIBE_SECRET = '/VcMgwBSZ1zRpLi/WBNsibWkkw9AZGfg62rBLGip6kU=';

// ---------------------------------------------------------------- cleanup

/** pid → description of every child we started and have not seen exit. */
const children = new Map();

/** Kills what we started (each by its own process group id), nothing else. */
export function killChildren(signal = 'SIGTERM') {
  for (const pid of children.keys()) {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
}

let handlersInstalled = false;
export function installCleanup(extra = () => {}) {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => killChildren());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      process.stderr.write(`\n${sig}: stopping the benchmark and everything it started…\n`);
      try {
        extra();
      } finally {
        killChildren();
        process.exit(130);
      }
    });
  }
}

/** spawn() in its own process group, so cleanup reaches grandchildren (node under /usr/bin/time). */
function track(child, what) {
  children.set(child.pid, what);
  child.on('exit', () => children.delete(child.pid));
  return child;
}

// ---------------------------------------------------------------- processes

/**
 * Runs a command to completion under GNU time and returns
 * { code, wallMs, peakRssKB, stdout, stderr }. wallMs is measured here
 * (monotonic clock), peak RSS is the child's ru_maxrss from time(1).
 */
export function runMeasured(cmd, args, { cwd = ROOT, env = process.env, timeoutMs = 3_600_000 } = {}) {
  mkdirSync(RESULTS, { recursive: true });
  const timeFile = path.join(RESULTS, `.time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = track(
      spawn(GNU_TIME, ['-f', '%M %e %U %S', '-o', timeFile, cmd, ...args], {
        cwd,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
      `${cmd} ${args.join(' ')}`,
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-20000)));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      let peakRssKB = null;
      let userS = null;
      let sysS = null;
      if (existsSync(timeFile)) {
        const last = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const m = /^(\d+) ([\d.]+) ([\d.]+) ([\d.]+)$/.exec(last);
        if (m) {
          peakRssKB = Number(m[1]);
          userS = Number(m[3]);
          sysS = Number(m[4]);
        }
        rmSync(timeFile, { force: true });
      }
      // GNU time reports the command's exit status as its own.
      resolve({
        code: signal ? 128 : code,
        signal,
        wallMs,
        peakRssKB,
        cpuS: userS !== null ? userS + sysS : null,
        stdout,
        stderr,
      });
    });
  });
}

/** Runs a command, inherits nothing, resolves with { code, stdout, stderr } (no measurement). */
export function runPlain(cmd, args, { cwd = ROOT, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = track(
      spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }),
      `${cmd} ${args.join(' ')}`,
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

// ---------------------------------------------------------------- smtp-sink

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function greets(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.once('data', (d) => {
      sock.write('QUIT\r\n');
      done(String(d).startsWith('220'));
    });
    sock.once('error', () => done(false));
    sock.setTimeout(1000, () => done(false));
  });
}

/**
 * Starts Postfix smtp-sink on 127.0.0.1:<free port>. It accepts and discards
 * every message (no -d/-D dump options). `-c` makes it print running counters,
 * which we read to check that every message really arrived.
 */
export async function startSink() {
  if (!existsSync(SMTP_SINK))
    throw new Error(`${SMTP_SINK} not found: install Postfix (apt-get install postfix) for smtp-sink/smtp-source`);
  const port = await freePort();
  const args = [...(process.getuid?.() === 0 ? ['-u', 'nobody'] : []), '-c', `127.0.0.1:${port}`, '1000'];
  const child = track(spawn(SMTP_SINK, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true }), 'smtp-sink');
  let err = '';
  let tail = '';
  let messages = 0;
  // The counters arrive once per message; keep this cheap (the runner shares the CPU with what it measures).
  const count = () => {
    const i = tail.lastIndexOf('mesg=');
    if (i >= 0) {
      const m = /^mesg=(\d+)/.exec(tail.slice(i));
      if (m) messages = Number(m[1]);
    }
    return messages;
  };
  child.stdout.setEncoding('utf8').on('data', (d) => (tail = d.length >= 200 ? d.slice(-200) : (tail + d).slice(-200)));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
  let exited = false;
  child.on('exit', () => (exited = true));
  for (let i = 0; i < 50; i++) {
    if (exited) throw new Error(`smtp-sink exited at start: ${err.trim()}`);
    if (await greets(port)) break;
    if (i === 49) throw new Error(`smtp-sink did not answer on 127.0.0.1:${port}: ${err.trim()}`);
    await sleep(100);
  }
  return {
    port,
    pid: child.pid,
    /** Messages received so far (from the -c counters; lags by at most a moment). */
    messages: count,
    /** Waits until the counter stops moving, then returns it. */
    async settle() {
      let last = -1;
      while (count() !== last) {
        last = count();
        await sleep(150);
      }
      return last;
    },
    alive: () => !exited,
    stderr: () => err,
    async stop() {
      if (exited) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await new Promise((r) => (exited ? r() : child.once('exit', r)));
    },
  };
}

// ---------------------------------------------------------------- journal

/**
 * The first and last lines of a (possibly huge) journal, without reading it all, and the first `sent` record
 * (null when none is in the first 8 KiB).
 */
export function journalEnds(file) {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const n = Math.min(size, 8192);
    const head = Buffer.alloc(n);
    readSync(fd, head, 0, n, 0);
    const tail = Buffer.alloc(n);
    readSync(fd, tail, 0, n, size - n);
    const headLines = head.toString('utf8').split('\n');
    const lines = tail.toString('utf8').trimEnd().split('\n');
    let firstSent = null;
    for (const l of headLines.slice(1, -1)) {
      const r = JSON.parse(l);
      if (r.type === 'sent') {
        firstSent = r;
        break;
      }
    }
    return { first: JSON.parse(headLines[0]), firstSent, last: JSON.parse(lines[lines.length - 1]), size };
  } finally {
    closeSync(fd);
  }
}

// ---------------------------------------------------------------- numbers

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function median(xs) {
  const v = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const mhz = /^cpu MHz\s*:\s*(.+)$/m.exec(cpuinfo)?.[1];
  return {
    cpu: model.trim(),
    cpuMHz: mhz ? Number(mhz) : null,
    cores: os.availableParallelism?.() ?? os.cpus().length,
    ramGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
  };
}

const TICK = 100; // USER_HZ on Linux

/** CPU seconds: the whole machine (busy, all cores), one process (by pid), this process. */
export function cpuSnapshot(pid) {
  let busyS = null;
  let pidS = null;
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal
    busyS = (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / TICK;
  } catch {
    /* not Linux */
  }
  if (pid) {
    try {
      const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = st.slice(st.lastIndexOf(')') + 2).split(' ');
      pidS = (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
    } catch {
      /* gone */
    }
  }
  const self = process.cpuUsage();
  return { busyS, pidS, selfS: (self.user + self.system) / 1e6 };
}

/**
 * CPU seconds other processes used while a measured child ran: machine busy
 * time minus the child's, the sink's and this runner's. Near 0 means the
 * measurement had the machine to itself.
 */
export function otherCpu(before, after, childCpuS) {
  if (before.busyS === null || after.busyS === null || childCpuS === null) return null;
  const sink = before.pidS !== null && after.pidS !== null ? after.pidS - before.pidS : 0;
  const v = after.busyS - before.busyS - childCpuS - sink - (after.selfS - before.selfS);
  return Math.round(Math.max(0, v) * 10) / 10;
}

/** CPU seconds the sink used between two snapshots. */
export const pidCpu = (before, after) =>
  before.pidS !== null && after.pidS !== null ? Math.round((after.pidS - before.pidS) * 10) / 10 : null;
