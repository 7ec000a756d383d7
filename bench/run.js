#!/usr/bin/env node
/**
 * npm run bench — send throughput and memory of `enews send` against the
 * SMTP limit (Postfix smtp-source) and two library floors (bench/floor.js:
 * `floor`, a nodemailer pool configured like enews's old one, C in flight and
 * a reconnect every 1000 messages; `floor2`, the bare pool at its best, 2C
 * queued and no reconnect), all delivering the same message to the same
 * Postfix smtp-sink on 127.0.0.1 with the same concurrency.
 *
 * enews is timed as a whole command (process start to exit, planning pass
 * included: what a user waits for) and by its send phase (journal `run` →
 * `end`); the floors likewise (whole process, and after verify()). The
 * gating ratios are whole command against whole process.
 *
 * Environment:
 *   BENCH_QUICK=1          10k and smaller, one run each, no sweep (< 1 minute)
 *   BENCH_SKIP_1M=1        full run without the 1M memory run
 *   BENCH_CONCURRENCY=C    connections for the headline comparison (default 4)
 *   BENCH_SWEEP=2,4,8      concurrencies tried at 10k for each contender
 *   BENCH_REPS=3           runs per measurement (the median is reported)
 *   BENCH_DKIM_REPS=5      rounds of the DKIM phase (default: BENCH_REPS, at least 5)
 *   BENCH_KEEP=1           keep the send journals in bench/results/tmp/
 *   BENCH_ONLY=dkim,…      only these phases (startup, sweep, headline, scaling, dkim, languages)
 *   BENCH_DROP_CACHES=1    (as root) the startup phase drops the page cache before each command (bench/startup.js)
 *
 * Output: a table with PASS/FAIL per target, bench/results/latest.json.
 */
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensure } from './gen-subscribers.js';
import { measureStartup } from './startup.js';
import {
  installCleanup,
  journalEnds,
  cpuSnapshot,
  otherCpu,
  pidCpu,
  machine,
  median,
  RESULTS,
  ROOT,
  runMeasured,
  runPlain,
  SMTP_SOURCE,
  startSink,
  UNSUBSCRIBE_SECRET,
} from './lib.js';

const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const SKIP_1M = QUICK || env.BENCH_SKIP_1M === '1';
const C = Number(env.BENCH_CONCURRENCY ?? 4);
const REPS = Number(env.BENCH_REPS ?? (QUICK ? 1 : 3));
const SWEEP = QUICK
  ? []
  : (env.BENCH_SWEEP ?? '2,4,8')
      .split(',')
      .map(Number)
      .filter((n) => n > 0);
const KEEP = env.BENCH_KEEP === '1';
const ONLY = env.BENCH_ONLY ? new Set(env.BENCH_ONLY.split(',').map((p) => p.trim())) : null;
/** Whether a phase runs (all of them unless BENCH_ONLY names some). */
const runs = (phase) => !ONLY || ONLY.has(phase);
const HEADLINE = QUICK ? 10_000 : 100_000;
const SWEEP_SIZE = 10_000;
/** Start-up (process start → first message answered) is measured on a list this small, so planning is negligible. */
const STARTUP_SIZE = 1_000;
const CONTENDERS = ['limit', 'floor', 'floor2', 'enews'];
/** The DKIM comparison sends this many messages signed and as many unsigned. */
const DKIM_SIZE = 10_000;
/** Rounds of the DKIM phase: its ratio spreads by ±0.05 from round to round on two cores, so five at least. */
const DKIM_REPS = Number(env.BENCH_DKIM_REPS ?? Math.max(REPS, 5));
const SIZES = QUICK ? [1_000, 10_000] : [10_000, 100_000, ...(SKIP_1M ? [] : [1_000_000])];

const TARGETS = {
  vsFloor2: 1.0, // the whole enews send command ≥ 1.0 × the bare nodemailer pool (floor2) at 100k
  vsLimit: 0.4, // the whole enews send command ≥ 0.40 × smtp-source at 100k
  vsFloor: 0.9, // enews's send phase ≥ 0.9 × the old floor (the target of commit 4cfa88e)
  rssMB: 200, // peak RSS at 1M
  buildS: 2.0, // enews build 3, cold process, in the example's three languages (issue 13; 1.5 s with one)
  flat: 1.2, // µs/recipient: largest size ≤ 1.2 × smallest
  languages: 0.95, // a mixed-language list sends within 5 % of the same list in one language (issue 13)
  dkimVsUnsigned: 0.6, // the DKIM-signed whole send ≥ 0.60 × the same send unsigned (issue 28)
  dkimVsFloor: 1.5, // … and ≥ 1.5 × a bare nodemailer pool signing the pre-built message with its DKIM option
};

const DATA = path.join(RESULTS, 'data');
const TMP = path.join(RESULTS, 'tmp');
const MESSAGE = path.join(ROOT, 'dist', '003', 'message.eml');
const MESSAGE_LF = path.join(RESULTS, 'message.lf.eml');

const fmt = (n, d = 0) =>
  n === null || n === undefined || Number.isNaN(n)
    ? '—'
    : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const MB = (kb) => (kb == null ? null : kb / 1024);
const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
const log = (s) => process.stderr.write(s + '\n');

let sink = null;
installCleanup();

/** Newest modification time under lib/: if it moves during the run, someone rebuilt lib/ under us. */
function libStamp() {
  let newest = 0;
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(path.join(ROOT, 'lib'));
  return newest;
}

/** Which source was measured (read-only git queries). */
async function sourceState() {
  const head = await runPlain('git', ['rev-parse', '--short', 'HEAD']).catch(() => null);
  const dirty = await runPlain('git', ['--no-optional-locks', 'status', '--porcelain', '--', 'src']).catch(() => null);
  return {
    commit: head?.code === 0 ? head.stdout.trim() : null,
    srcChanges:
      dirty?.code === 0
        ? dirty.stdout
            .split('\n')
            .filter(Boolean)
            .map((l) => l.trim())
        : null,
  };
}

async function main() {
  const started = performance.now();
  mkdirSync(DATA, { recursive: true });
  mkdirSync(TMP, { recursive: true });
  const results = {
    machine: machine(),
    config: {
      quick: QUICK,
      skip1M: SKIP_1M,
      concurrency: C,
      reps: REPS,
      sweep: SWEEP,
      headlineSize: HEADLINE,
      sizes: SIZES,
    },
    targets: TARGETS,
    warnings: [],
    runs: [],
  };
  log(
    `enews benchmark — ${results.machine.cpu}, ${results.machine.cores} cores, ` +
      `Node ${results.machine.node}${QUICK ? ' (BENCH_QUICK)' : ''}`,
  );
  if (!QUICK)
    log(
      `Full run: ~10 minutes without the 1M send${
        SKIP_1M
          ? ''
          : ', which takes as long as 1M messages take (~15 minutes at 1,100 msg/s); ' + 'BENCH_SKIP_1M=1 leaves it out'
      }.`,
    );

  // 1. Compile src → lib, so we measure the current source.
  log('\n· npm run build (tsc)');
  const tsc = await runPlain('npm', ['run', '--silent', 'build']);
  if (tsc.code !== 0) {
    const msg =
      `tsc reported errors (exit ${tsc.code}); measuring the lib/ it emitted anyway:\n` +
      `${(tsc.stdout + tsc.stderr).trim().split('\n').slice(0, 10).join('\n')}`;
    results.warnings.push(msg);
    log(`  warning: ${msg}`);
    if (!existsSync(path.join(ROOT, 'lib', 'cli', 'main.js')))
      throw new Error('lib/cli/main.js is missing: the build failed');
  }

  results.source = await sourceState();
  const stamp = libStamp();
  results.source.libBuiltAt = new Date(stamp).toISOString();
  log(
    `  source: commit ${results.source.commit ?? '?'}${
      results.source.srcChanges?.length ? ` + ${results.source.srcChanges.length} uncommitted change(s) in src/` : ''
    }`,
  );

  // 2. `enews build 3` from a cold process (one untimed run first: it also makes dist/003 for the sends).
  log('· enews build 3 (cold process, wall clock)');
  const buildRuns = [];
  for (let i = 0; i <= 3; i++) {
    const r = await runMeasured(process.execPath, ['bin/enews.js', 'build', '3']);
    if (r.code !== 0) throw new Error(`enews build 3 failed (exit ${r.code}):\n${r.stderr}`);
    if (i > 0) buildRuns.push({ wallMs: r.wallMs, peakRssKB: r.peakRssKB, cpuS: r.cpuS });
  }
  results.build = {
    runs: buildRuns,
    medianMs: median(buildRuns.map((r) => r.wallMs)),
    peakRssKB: median(buildRuns.map((r) => r.peakRssKB)),
  };
  log(
    `  ${buildRuns.map((r) => fmt(r.wallMs / 1000, 2)).join(' / ')} s → ` +
      `median ${fmt(results.build.medianMs / 1000, 2)} s`,
  );
  // Startup alone (no work), to separate import cost from build work.
  const startup = [];
  for (let i = 0; i < 3; i++) startup.push(await runMeasured(process.execPath, ['bin/enews.js', '--version']));
  results.startup = {
    medianMs: median(startup.map((r) => r.wallMs)),
    peakRssKB: median(startup.map((r) => r.peakRssKB)),
  };
  log(
    `  (enews --version alone: ${fmt(results.startup.medianMs / 1000, 2)} s, ${fmt(MB(results.startup.peakRssKB))} MB)`,
  );

  // Start-up of build (picture cache empty and kept) and status, alternating (bench/startup.js).
  if (runs('startup')) {
    log('· enews build 3 and enews status 3, new processes, alternating, medians of 5');
    results.commandStartup = await measureStartup({ runs: 5, drop: env.BENCH_DROP_CACHES === '1', log });
  }

  // 3. The message every contender sends.
  const messageBytes = statSync(MESSAGE).size;
  // smtp-source -F appends CRLF to every line itself, so it gets the same message with LF endings.
  writeFileSync(MESSAGE_LF, readFileSync(MESSAGE, 'latin1').replace(/\r\n/g, '\n'), 'latin1');
  results.message = { file: path.relative(ROOT, MESSAGE), bytes: messageBytes };
  log(`· message: dist/003/message.eml, ${fmt(messageBytes)} bytes`);

  // 4. Subscriber lists.
  const lists = {};
  const wanted = [
    ...(runs('startup') ? [STARTUP_SIZE] : []),
    ...(runs('scaling') ? SIZES : []),
    ...(runs('headline') || runs('languages') ? [HEADLINE] : []),
    ...(SWEEP.length && runs('sweep') ? [SWEEP_SIZE] : []),
    ...(runs('dkim') ? [DKIM_SIZE] : []),
  ];
  for (const n of new Set(wanted)) {
    const file = path.join(DATA, `subscribers-${k(n)}.csv`);
    const t = performance.now();
    const made = await ensure(n, file);
    lists[n] = file;
    log(
      `· subscribers: ${path.relative(ROOT, file)} (${fmt(n)} rows, ${fmt(statSync(file).size / 2 ** 20, 1)} MB` +
        `${made ? `, generated in ${fmt((performance.now() - t) / 1000, 1)} s` : ', reused'})`,
    );
  }

  // 5. The sink.
  sink = await startSink();
  results.sink = { port: sink.port };
  log(`· smtp-sink on 127.0.0.1:${sink.port} (pid ${sink.pid}), discarding\n`);

  const record = (run) => {
    results.runs.push(run);
    const now = libStamp();
    run.libBuiltAt = new Date(now).toISOString();
    if (now !== stamp && !results.libChanged) {
      results.libChanged = true;
      const msg =
        `lib/ was rebuilt by someone else during the benchmark ` +
        `(noticed after ${run.contender} ${k(run.size)} C=${run.concurrency} ${run.phase}); ` +
        `later runs may measure different code`;
      results.warnings.push(msg);
      log(`  warning: ${msg}`);
    }
    const extra = (run.peakRssKB ? `, peak RSS ${fmt(MB(run.peakRssKB))} MB` : '') + `, load ${fmt(run.loadBefore, 1)}`;
    log(
      `  ${run.contender.padEnd(11)} ${k(run.size).padStart(4)} C=${run.concurrency} ${run.phase.padEnd(8)} ` +
        (run.error
          ? `ERROR: ${run.error}`
          : `${fmt(run.rate).padStart(6)} msg/s (send ${fmt(run.sendMs / 1000, 1)} s, ` +
            `whole ${fmt(run.wholeRate).padStart(6)} msg/s in ${fmt(run.wallMs / 1000, 1)} s, ` +
            `CPU ${fmt(run.cpuUsPerMsg)} µs/msg${extra}, other CPU ${fmt(run.otherCpuS, 1)} s` +
            `${run.startToFirstMs != null ? `, first message after ${fmt(run.startToFirstMs)} ms` : ''})`),
    );
    return run;
  };
  const contenders = {
    enews: (n, c, phase, o) => enewsRun(n, c, phase, lists[n], o),
    floor: (n, c, phase) => floorRun(n, c, phase, 'floor'),
    floor2: (n, c, phase) => floorRun(n, c, phase, 'floor2'),
    limit: limitRun,
  };

  // 5b. Start-up: `enews send` from process start to the first message answered, on a small list.
  if (runs('startup')) {
    log(`Start-up (enews send, ${k(STARTUP_SIZE)} subscribers, C=${C}):`);
    for (let i = 0; i < REPS; i++) record(await enewsRun(STARTUP_SIZE, C, 'startup', lists[STARTUP_SIZE]));
  }

  // 6. Concurrency sweep (one run each at 10k).
  if (SWEEP.length && runs('sweep')) {
    log(`Concurrency sweep at ${k(SWEEP_SIZE)}:`);
    for (const c of SWEEP) for (const name of CONTENDERS) record(await contenders[name](SWEEP_SIZE, c, 'sweep'));
  }

  // 7. Headline: the contenders interleaved, so load from elsewhere hits them alike.
  if (runs('headline')) {
    log(`\nHeadline at ${k(HEADLINE)}, C=${C}, ${REPS} run(s) each:`);
    for (let i = 0; i < REPS; i++)
      for (const name of CONTENDERS) record(await contenders[name](HEADLINE, C, 'headline'));
  }

  // 8. Time per recipient by size (the headline runs count for their size), 1M with a memory timeline.
  if (runs('scaling')) {
    log(`\nScaling (enews, C=${C}):`);
    for (const n of SIZES) {
      if (n === HEADLINE && runs('headline')) continue;
      const reps = n >= 1_000_000 ? 1 : REPS;
      for (let i = 0; i < reps; i++) record(await enewsRun(n, C, 'scaling', lists[n], { memTimeline: n >= 1_000_000 }));
    }
  }

  // 9. DKIM (RSA-2048): the same send signed and unsigned, and a bare nodemailer pool (floor2's settings) signing
  // the pre-built message with its own DKIM option, in alternating rounds.
  if (!QUICK && runs('dkim')) {
    const key = path.join(RESULTS, 'dkim-bench.pem');
    if (!existsSync(key)) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    }
    log(`\nDKIM (RSA-2048) at ${k(DKIM_SIZE)}, C=${C}: signed, unsigned and nodemailer signing, alternating:`);
    const runsOf = {
      dkim: () => enewsRun(DKIM_SIZE, C, 'dkim', lists[DKIM_SIZE], { dkim: key }),
      unsigned: () => enewsRun(DKIM_SIZE, C, 'unsigned', lists[DKIM_SIZE]),
      floor: () => floorRun(DKIM_SIZE, C, 'dkim-floor', 'floor2', { dkim: key }),
    };
    for (let i = 0; i < DKIM_REPS; i++) {
      // The order turns every round, so a machine that speeds up or slows down through a round favours no side.
      for (const run of i % 2 === 0 ? ['dkim', 'unsigned', 'floor'] : ['floor', 'unsigned', 'dkim']) {
        record(await runsOf[run]());
      }
    }
  }

  // 10. Languages: the example is built in English, French and Spanish, and the lists above ask for
  // en, fr, es, de, pt-BR, zh and ar (a third of them fall back to English). The same list with every
  // row in English, alternating with the mixed one, at the headline size: at 10k the fixed start-up
  // and the run-to-run spread (±10 %) hide a 5 % difference. Compared run by run (each mixed run
  // with the one-language run after it), which cancels the machine's drift during the phase.
  if (!QUICK && runs('languages')) {
    const single = path.join(DATA, `subscribers-${k(HEADLINE)}-en.csv`);
    await ensure(HEADLINE, single, { language: 'en' });
    log(
      `\nLanguages at ${k(HEADLINE)}, C=${C}, a mixed list (en/fr/es + fallbacks) and the same all in English, alternating:`,
    );
    for (let i = 0; i < REPS; i++) {
      record(await enewsRun(HEADLINE, C, 'mixed-languages', lists[HEADLINE]));
      record(await enewsRun(HEADLINE, C, 'one-language', single));
    }
  }

  await sink.stop();
  sink = null;
  results.totalMinutes = (performance.now() - started) / 60000;
  summarize(results);
  writeFileSync(path.join(RESULTS, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
  log(`\nWrote bench/results/latest.json (${fmt(results.totalMinutes, 1)} minutes).`);
  process.exitCode = results.verdict.every((t) => t.pass !== false) ? 0 : 1;
}

// ---------------------------------------------------------------- contenders

async function enewsRun(n, c, phase, file, { memTimeline = false, dkim = null } = {}) {
  const tag = `${k(n)}-c${c}-${Date.now()}`;
  const journal = path.join(TMP, `journal-${tag}.jsonl`);
  const memLog = memTimeline ? path.join(RESULTS, `mem-${k(n)}.jsonl`) : null;
  if (memLog) rmSync(memLog, { force: true });
  const before = await sink.settle();
  const loadBefore = os.loadavg()[0];
  const cpu0 = cpuSnapshot(sink.pid);
  const args = [
    ...(memLog ? ['--import', './bench/mem-sampler.js'] : []),
    'bin/enews.js',
    'send',
    '3',
    '--subscribers',
    file,
    '--yes',
    '--concurrency',
    String(c),
    '--journal',
    journal,
    '--json',
  ];
  const spawnedAt = Date.now();
  const r = await runMeasured(process.execPath, args, {
    env: {
      ...env,
      SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
      UNSUBSCRIBE_SECRET,
      ...(memLog ? { BENCH_MEM_LOG: memLog } : {}),
      ...(dkim ? { DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 'enews', DKIM_PRIVATE_KEY_FILE: dkim } : {}),
    },
  });
  const received = (await sink.settle()) - before;
  const cpu1 = cpuSnapshot(sink.pid);
  const run = {
    contender: 'enews',
    size: n,
    concurrency: c,
    phase,
    loadBefore,
    wallMs: r.wallMs,
    peakRssKB: r.peakRssKB,
    cpuS: r.cpuS,
    sinkCpuS: pidCpu(cpu0, cpu1),
    otherCpuS: otherCpu(cpu0, cpu1, r.cpuS),
    received,
  };
  try {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const summary = JSON.parse(r.stdout);
    const { first, firstSent, last } = journalEnds(journal);
    run.sent = summary.sent;
    run.sendMs = Date.parse(last.at) - Date.parse(first.at); // 'run' record (after verify) → 'end' record
    run.rate = (summary.sent * 1000) / run.sendMs;
    run.wholeRate = (summary.sent * 1000) / run.wallMs;
    run.cpuUsPerMsg = (run.cpuS * 1e6) / n;
    // Wall clock (ms resolution) from spawning the process to its journal's `run` record (imports, checks,
    // planning pass, connected) and to the first `sent` record (the first message answered).
    run.startToRunMs = Date.parse(first.at) - spawnedAt;
    run.startToFirstMs = firstSent ? Date.parse(firstSent.at) - spawnedAt : null;
    run.setupMs = run.wallMs - run.sendMs; // process start, imports, build check, planning pass, exit
    run.usPerRecipient = (run.wallMs * 1000) / n;
    run.usPerRecipientSend = (run.sendMs * 1000) / n;
    if (summary.sent !== n) throw new Error(`sent ${summary.sent} of ${n}`);
    if (received !== n) throw new Error(`smtp-sink counted ${received} messages, expected ${n}`);
    if (memLog && existsSync(memLog)) run.memory = memorySummary(memLog, Date.parse(first.at));
  } catch (err) {
    run.error = err.message;
  } finally {
    if (!KEEP) rmSync(journal, { force: true });
  }
  return run;
}

/**
 * floor: C in flight, reconnect every 1000 (enews's old pool); floor2: 2C queued, never reconnect; with `dkim` (a
 * key file) the pool signs every message with nodemailer's DKIM option.
 */
async function floorRun(n, c, phase, which, { dkim = null } = {}) {
  const before = await sink.settle();
  const loadBefore = os.loadavg()[0];
  const cpu0 = cpuSnapshot(sink.pid);
  const r = await runMeasured(process.execPath, [
    'bench/floor.js',
    '--port',
    String(sink.port),
    '--concurrency',
    String(c),
    '--count',
    String(n),
    '--message',
    MESSAGE,
    ...(which === 'floor2' ? ['--queued', String(2 * c), '--max-messages', '0'] : []),
    ...(dkim ? ['--dkim', dkim] : []),
  ]);
  const received = (await sink.settle()) - before;
  const cpu1 = cpuSnapshot(sink.pid);
  const run = {
    contender: which,
    size: n,
    concurrency: c,
    phase,
    loadBefore,
    wallMs: r.wallMs,
    peakRssKB: r.peakRssKB,
    cpuS: r.cpuS,
    sinkCpuS: pidCpu(cpu0, cpu1),
    otherCpuS: otherCpu(cpu0, cpu1, r.cpuS),
    received,
  };
  try {
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr.trim().slice(-300)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    Object.assign(run, {
      sent: out.sent,
      sendMs: out.sendMs,
      rate: out.rate,
      wholeRate: (out.sent * 1000) / r.wallMs,
      cpuUsPerMsg: (r.cpuS * 1e6) / n,
      sendCpuUsPerMsg: out.cpuUs / n,
    });
    if (out.sent !== n) throw new Error(`sent ${out.sent} of ${n}`);
    if (received !== n) throw new Error(`smtp-sink counted ${received} messages, expected ${n}`);
  } catch (err) {
    run.error = err.message;
  }
  return run;
}

async function limitRun(n, c, phase) {
  const before = await sink.settle();
  const loadBefore = os.loadavg()[0];
  const cpu0 = cpuSnapshot(sink.pid);
  // -d: keep the connection for the next message; -s: parallel sessions;
  // -m: total messages; -F: our message; -N: distinct recipients.
  const args = [
    '-d',
    '-s',
    String(c),
    '-m',
    String(n),
    '-F',
    MESSAGE_LF,
    '-N',
    '-M',
    'bench.example.org',
    '-f',
    'coop-enews@example.org',
    '-t',
    'subscriber@bench.example.net',
    `127.0.0.1:${sink.port}`,
  ];
  const r = await runMeasured(SMTP_SOURCE, args);
  const received = (await sink.settle()) - before;
  const cpu1 = cpuSnapshot(sink.pid);
  const run = {
    contender: 'limit',
    size: n,
    concurrency: c,
    phase,
    loadBefore,
    wallMs: r.wallMs,
    peakRssKB: r.peakRssKB,
    cpuS: r.cpuS,
    sinkCpuS: pidCpu(cpu0, cpu1),
    otherCpuS: otherCpu(cpu0, cpu1, r.cpuS),
    received,
  };
  if (r.code !== 0) run.error = `exit ${r.code}: ${r.stderr.trim().slice(-300)}`;
  else if (received !== n) run.error = `smtp-sink counted ${received} messages, expected ${n}`;
  else
    Object.assign(run, {
      sent: n,
      sendMs: r.wallMs,
      rate: (n * 1000) / r.wallMs,
      wholeRate: (n * 1000) / r.wallMs,
      cpuUsPerMsg: (r.cpuS * 1e6) / n,
    });
  return run;
}

/** Peak RSS and heap before and after the send phase began, from the mem-sampler timeline. */
function memorySummary(file, sendStartedAt) {
  const samples = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const peak = (xs, key) => Math.max(0, ...xs.map((s) => s[key]));
  const plan = samples.filter((s) => s.at < sendStartedAt);
  const send = samples.filter((s) => s.at >= sendStartedAt);
  const mb = (b) => Math.round(b / 2 ** 20);
  const phase = (xs) => ({
    rssMB: mb(peak(xs, 'rss')),
    heapUsedMB: mb(peak(xs, 'heapUsed')),
    heapTotalMB: mb(peak(xs, 'heapTotal')),
    externalMB: mb(peak(xs, 'external')),
  });
  // RSS at 10%, 50%, 90% and the end of the send phase shows
  // steady growth (a leak or an ever-growing set) vs a plateau.
  const at = (f) => send[Math.min(send.length - 1, Math.floor(send.length * f))];
  return {
    samples: samples.length,
    planning: phase(plan),
    sending: phase(send),
    sendingRssMB: [0.1, 0.5, 0.9, 1].map((f) => (send.length ? mb(at(f).rss) : null)),
    sendingHeapUsedMB: [0.1, 0.5, 0.9, 1].map((f) => (send.length ? mb(at(f).heapUsed) : null)),
    file: path.relative(ROOT, file),
  };
}

// ---------------------------------------------------------------- report

function pick(results, contender, size, c, phase) {
  return results.runs.filter(
    (r) =>
      r.contender === contender && r.size === size && r.concurrency === c && (!phase || r.phase === phase) && !r.error,
  );
}

function summarize(results) {
  const H = HEADLINE;
  const med = (runs, key) => median(runs.map((r) => r[key]));
  const head = {};
  for (const name of CONTENDERS) {
    const runs = pick(results, name, H, C, 'headline');
    head[name] = {
      runs: runs.length,
      rate: med(runs, 'rate'),
      wholeRate: med(runs, 'wholeRate'),
      sendMs: med(runs, 'sendMs'),
      wallMs: med(runs, 'wallMs'),
      peakRssKB: med(runs, 'peakRssKB'),
      cpuS: med(runs, 'cpuS'),
      cpuUsPerMsg: med(runs, 'cpuUsPerMsg'),
      otherCpuS: med(runs, 'otherCpuS'),
      rates: runs.map((r) => Math.round(r.rate)),
      wholeRates: runs.map((r) => Math.round(r.wholeRate)),
    };
  }
  const ratio = (a, b) => (a && b ? a / b : null);
  const e = head.enews;
  // Gating: the whole enews command (start to exit) against the whole floor2 process and smtp-source.
  const ratioFloor2 = ratio(e.wholeRate, head.floor2.wholeRate);
  const ratioLimit = ratio(e.wholeRate, head.limit.wholeRate);
  // Also shown: enews's send phase against the floors' send phases (after verify()).
  const sendVsFloor2 = ratio(e.rate, head.floor2.rate);
  const sendVsLimit = ratio(e.rate, head.limit.rate);
  const ratioFloor = ratio(e.rate, head.floor.rate);
  const cpuVsFloor2 = ratio(head.floor2.cpuUsPerMsg, e.cpuUsPerMsg);
  results.headline = {
    size: H,
    concurrency: C,
    ...head,
    enewsVsFloor2: ratioFloor2,
    enewsVsLimit: ratioLimit,
    enewsSendVsFloor2: sendVsFloor2,
    enewsSendVsLimit: sendVsLimit,
    enewsVsFloor: ratioFloor,
    floor2VsEnewsByCpu: cpuVsFloor2,
  };

  const names = {
    limit: 'smtp-source (the limit)',
    floor: 'nodemailer pool (floor)',
    floor2: 'bare nodemailer pool (floor2)',
    enews: 'enews send',
  };
  const out = [];
  out.push('');
  out.push(
    `Send throughput, ${fmt(H)} messages of ${fmt(results.message.bytes)} bytes, ${C} connections (median of ${REPS})`,
  );
  out.push(
    `  ${'contender'.padEnd(30)} ${'whole msg/s'.padStart(11)} ${'send msg/s'.padStart(10)} ` +
      `${'total s'.padStart(8)} ${'send s'.padStart(7)} ${'CPU µs/msg'.padStart(11)} ${'peak RSS'.padStart(9)}` +
      `   runs (whole msg/s)`,
  );
  for (const name of CONTENDERS) {
    const h = head[name];
    out.push(
      `  ${names[name].padEnd(30)} ${fmt(h.wholeRate).padStart(11)} ${fmt(h.rate).padStart(10)} ` +
        `${fmt(h.wallMs / 1000, 1).padStart(8)} ${fmt(h.sendMs / 1000, 1).padStart(7)} ` +
        `${fmt(h.cpuUsPerMsg).padStart(11)} ${(fmt(MB(h.peakRssKB)) + ' MB').padStart(9)}   ${h.wholeRates.join(', ')}`,
    );
  }
  out.push(
    `  whole enews command / floor2 = ${fmt(ratioFloor2, 3)}    / smtp-source = ${fmt(ratioLimit, 3)}` +
      `    (CPU per message: floor2 / enews = ${fmt(cpuVsFloor2, 2)})`,
  );
  out.push(
    `  enews send phase / floor2 send phase = ${fmt(sendVsFloor2, 3)}    / smtp-source = ${fmt(sendVsLimit, 3)}` +
      `    / floor = ${fmt(ratioFloor, 3)}`,
  );
  out.push(`  CPU µs/msg is the whole process's (user + system) over the messages; the sink's is in latest.json.`);
  const startup = results.runs.filter((r) => r.contender === 'enews' && r.phase === 'startup' && !r.error);
  if (startup.length) {
    results.startupSend = {
      size: STARTUP_SIZE,
      startToRunMs: med(startup, 'startToRunMs'),
      startToFirstMs: med(startup, 'startToFirstMs'),
      wallMs: med(startup, 'wallMs'),
    };
    out.push(
      `  enews send start-up (${k(STARTUP_SIZE)} list): process start → connected ` +
        `${fmt(results.startupSend.startToRunMs)} ms → first message answered ` +
        `${fmt(results.startupSend.startToFirstMs)} ms (median; runs ` +
        `${startup.map((r) => fmt(r.startToFirstMs)).join(', ')} ms); at ${k(H)} (planning included) ` +
        `${fmt(med(pick(results, 'enews', H, C, 'headline'), 'startToFirstMs'))} ms`,
    );
  }

  if (SWEEP.length) {
    out.push('');
    out.push(`Concurrency sweep at ${fmt(SWEEP_SIZE)} messages (one run each, msg/s)`);
    out.push(`  ${'C'.padStart(3)} ${CONTENDERS.map((n) => n.padStart(9)).join('')}`);
    const best = {};
    for (const c of SWEEP) {
      const row = CONTENDERS.map((n) => {
        const r = pick(results, n, SWEEP_SIZE, c, 'sweep')[0];
        if (r && (!best[n] || r.rate > best[n].rate)) best[n] = { c, rate: r.rate };
        return fmt(r?.rate).padStart(9);
      });
      out.push(`  ${String(c).padStart(3)} ${row.join('')}`);
    }
    results.sweepBest = best;
    out.push(`  best: ${CONTENDERS.map((n) => `${n} C=${best[n]?.c ?? '—'}`).join(', ')}`);
  }

  out.push('');
  out.push(`enews time per recipient by list size (C=${C}; median where there are several runs)`);
  out.push(
    `  ${'size'.padStart(6)} ${'total s'.padStart(8)} ${'setup+plan s'.padStart(13)} ` +
      `${'send s'.padStart(7)} ${'msg/s'.padStart(7)} ${'µs/recipient'.padStart(13)} ` +
      `${'(send only)'.padStart(12)} ${'CPU µs/msg'.padStart(11)} ${'peak RSS'.padStart(9)}`,
  );
  const scaling = [];
  for (const n of SIZES) {
    const runs = results.runs.filter(
      (r) =>
        r.contender === 'enews' &&
        r.size === n &&
        r.concurrency === C &&
        (r.phase === 'headline' || r.phase === 'scaling') &&
        !r.error,
    );
    if (!runs.length) continue;
    const row = {
      size: n,
      runs: runs.length,
      wallMs: med(runs, 'wallMs'),
      setupMs: med(runs, 'setupMs'),
      sendMs: med(runs, 'sendMs'),
      rate: med(runs, 'rate'),
      usPerRecipient: med(runs, 'usPerRecipient'),
      usPerRecipientSend: med(runs, 'usPerRecipientSend'),
      cpuUsPerMsg: median(runs.map((r) => (r.cpuS * 1e6) / r.size)),
      peakRssKB: Math.max(...runs.map((r) => r.peakRssKB ?? 0)),
      memory: runs.find((r) => r.memory)?.memory,
    };
    scaling.push(row);
    out.push(
      `  ${k(n).padStart(6)} ${fmt(row.wallMs / 1000, 1).padStart(8)} ${fmt(row.setupMs / 1000, 1).padStart(13)} ` +
        `${fmt(row.sendMs / 1000, 1).padStart(7)} ${fmt(row.rate).padStart(7)} ` +
        `${fmt(row.usPerRecipient).padStart(13)} ${fmt(row.usPerRecipientSend).padStart(12)} ` +
        `${fmt(row.cpuUsPerMsg).padStart(11)} ${(fmt(MB(row.peakRssKB)) + ' MB').padStart(9)}`,
    );
  }
  results.scaling = scaling;
  const m = scaling.find((s) => s.memory)?.memory;
  if (m) {
    out.push(
      `  memory at ${k(scaling.find((s) => s.memory).size)}: ` +
        `planning pass peak RSS ${m.planning.rssMB} MB (heap ${m.planning.heapUsedMB} MB); ` +
        `sending peak RSS ${m.sending.rssMB} MB (heap ${m.sending.heapUsedMB} MB); ` +
        `RSS at 10/50/90/100% of the send: ${m.sendingRssMB.join(' / ')} MB`,
    );
  }
  const mixedRuns = results.runs.filter((r) => r.contender === 'enews' && r.phase === 'mixed-languages' && !r.error);
  const oneRuns = results.runs.filter((r) => r.contender === 'enews' && r.phase === 'one-language' && !r.error);
  if (mixedRuns.length && mixedRuns.length === oneRuns.length) {
    const pairs = mixedRuns.map((m, i) => ({
      rate: m.wholeRate / oneRuns[i].wholeRate,
      cpu: oneRuns[i].cpuUsPerMsg / m.cpuUsPerMsg,
    }));
    const ratio = median(pairs.map((p) => p.rate));
    const cpuRatio = median(pairs.map((p) => p.cpu));
    results.languages = {
      size: HEADLINE,
      mixed: med(mixedRuns, 'wholeRate'),
      one: med(oneRuns, 'wholeRate'),
      ratio,
      cpuRatio,
      pairs,
    };
    out.push('');
    out.push(
      `Languages at ${k(HEADLINE)}: mixed list ${fmt(results.languages.mixed)} msg/s, the same all in English ` +
        `${fmt(results.languages.one)} msg/s; run by run, mixed / one language = ${fmt(ratio, 3)}× ` +
        `(${pairs.map((p) => fmt(p.rate, 3)).join(', ')}), by CPU per message ${fmt(cpuRatio, 3)}×`,
    );
  }
  const phaseRuns = (phase) => results.runs.filter((r) => r.phase === phase);
  const [signedRuns, unsignedRuns, floorRuns] = ['dkim', 'unsigned', 'dkim-floor'].map(phaseRuns);
  if (signedRuns.length && signedRuns.length === unsignedRuns.length && signedRuns.length === floorRuns.length) {
    // Round by round (each signed send with the unsigned one and the nodemailer pool of its round, in an order that
    // turns every round), which cancels the machine's drift; a failed run leaves its round out.
    const rounds = signedRuns
      .map((s, i) => ({ s, u: unsignedRuns[i], f: floorRuns[i] }))
      .filter(({ s, u, f }) => !s.error && !u.error && !f.error)
      .map(({ s, u, f }) => ({
        signed: s.wholeRate,
        unsigned: u.wholeRate,
        floor: f.wholeRate,
        vsUnsigned: s.wholeRate / u.wholeRate,
        vsFloor: s.wholeRate / f.wholeRate,
        load: [s.loadBefore, u.loadBefore, f.loadBefore],
      }));
    const ok = (xs) => xs.filter((r) => !r.error);
    results.dkim = {
      size: DKIM_SIZE,
      signed: { rate: med(ok(signedRuns), 'wholeRate'), cpuUsPerMsg: med(ok(signedRuns), 'cpuUsPerMsg') },
      unsigned: { rate: med(ok(unsignedRuns), 'wholeRate'), cpuUsPerMsg: med(ok(unsignedRuns), 'cpuUsPerMsg') },
      floor: { rate: med(ok(floorRuns), 'wholeRate'), cpuUsPerMsg: med(ok(floorRuns), 'cpuUsPerMsg') },
      rounds,
      vsUnsigned: median(rounds.map((r) => r.vsUnsigned)),
      vsFloor: median(rounds.map((r) => r.vsFloor)),
    };
    const d = results.dkim;
    out.push('');
    out.push(
      `DKIM (RSA-2048) at ${k(DKIM_SIZE)}, whole command, medians: signed ${fmt(d.signed.rate)} msg/s ` +
        `(${fmt(d.signed.cpuUsPerMsg)} CPU µs/msg), unsigned ${fmt(d.unsigned.rate)} (${fmt(d.unsigned.cpuUsPerMsg)}), ` +
        `nodemailer pool signing ${fmt(d.floor.rate)} (${fmt(d.floor.cpuUsPerMsg)}); DKIM costs ` +
        `${fmt(d.signed.cpuUsPerMsg - d.unsigned.cpuUsPerMsg)} CPU µs per message`,
    );
    out.push(
      `  round by round: signed / unsigned ${rounds.map((r) => fmt(r.vsUnsigned, 3)).join(', ')} → median ` +
        `${fmt(d.vsUnsigned, 3)}; signed / nodemailer ${rounds.map((r) => fmt(r.vsFloor, 2)).join(', ')} → median ` +
        `${fmt(d.vsFloor, 2)} (1-minute load before each run: ` +
        `${rounds.map((r) => r.load.map((l) => fmt(l, 1)).join('/')).join(', ')})`,
    );
  }
  out.push('');
  out.push(
    `enews build 3, cold process: median ${fmt(results.build.medianMs / 1000, 2)} s ` +
      `(${results.build.runs.map((r) => fmt(r.wallMs / 1000, 2)).join(', ')}); ` +
      `enews --version alone ${fmt(results.startup.medianMs / 1000, 2)} s, ${fmt(MB(results.startup.peakRssKB))} MB`,
  );

  if (results.commandStartup) {
    const c = results.commandStartup;
    out.push(
      `start-up (medians of ${c.commands[0].runsMs.length}, page cache ${c.droppedCaches ? 'dropped' : 'as it was'}): ` +
        c.commands.map((x) => `${x.name} ${fmt(x.medianMs / 1000, 2)} s`).join('; '),
    );
  }

  // Targets.
  const v = [];
  const indicative = QUICK ? ' (quick run: 10k, indicative only)' : '';
  v.push({
    target: `whole enews send ≥ ${TARGETS.vsFloor2} × floor2 at ${k(H)}${indicative}`,
    value: ratioFloor2,
    shown: `${fmt(ratioFloor2, 3)}× (send phase: ${fmt(sendVsFloor2, 3)}×)`,
    pass: ratioFloor2 === null ? null : ratioFloor2 >= TARGETS.vsFloor2,
  });
  v.push({
    target: `whole enews send ≥ ${TARGETS.vsLimit} × smtp-source at ${k(H)}${indicative}`,
    value: ratioLimit,
    shown: `${fmt(ratioLimit, 3)}× (send phase: ${fmt(sendVsLimit, 3)}×)`,
    pass: ratioLimit === null ? null : ratioLimit >= TARGETS.vsLimit,
  });
  v.push({
    target: `enews send phase ≥ ${TARGETS.vsFloor} × floor at ${k(H)}${indicative}`,
    value: ratioFloor,
    shown: `${fmt(ratioFloor, 3)}×`,
    pass: ratioFloor === null ? null : ratioFloor >= TARGETS.vsFloor,
  });
  const big = scaling.find((s) => s.size >= 1_000_000);
  v.push({
    target: `peak RSS ≤ ${TARGETS.rssMB} MB at 1M`,
    value: big ? MB(big.peakRssKB) : null,
    shown: big ? `${fmt(MB(big.peakRssKB))} MB` : 'not run (BENCH_QUICK/BENCH_SKIP_1M)',
    pass: big ? MB(big.peakRssKB) <= TARGETS.rssMB : null,
  });
  v.push({
    target: `enews build 3 ≤ ${TARGETS.buildS} s cold`,
    value: results.build.medianMs / 1000,
    shown: `${fmt(results.build.medianMs / 1000, 2)} s`,
    pass: results.build.medianMs / 1000 <= TARGETS.buildS,
  });
  if (results.dkim) {
    const d = results.dkim;
    v.push({
      target: `DKIM-signed send ≥ ${TARGETS.dkimVsUnsigned} × unsigned at ${k(DKIM_SIZE)}`,
      value: d.vsUnsigned,
      shown: `${fmt(d.vsUnsigned, 3)}× (round by round, median)`,
      pass: d.vsUnsigned === null ? null : d.vsUnsigned >= TARGETS.dkimVsUnsigned,
    });
    v.push({
      target: `DKIM-signed send ≥ ${TARGETS.dkimVsFloor} × nodemailer pool signing`,
      value: d.vsFloor,
      shown: `${fmt(d.vsFloor, 2)}× (round by round, median)`,
      pass: d.vsFloor === null ? null : d.vsFloor >= TARGETS.dkimVsFloor,
    });
  }
  if (results.languages) {
    const { ratio } = results.languages;
    v.push({
      target: `mixed-language send within ${Math.round((1 - TARGETS.languages) * 100)} % of one language`,
      value: ratio,
      shown: `${fmt(ratio, 3)}×`,
      pass: ratio >= TARGETS.languages,
    });
  }
  if (scaling.length >= 2) {
    const first = scaling[0];
    const lastRow = scaling[scaling.length - 1];
    const ratio = lastRow.usPerRecipient / first.usPerRecipient;
    v.push({
      target: `time per recipient flat ${k(first.size)}→${k(lastRow.size)} (≤ ${TARGETS.flat}×)`,
      value: ratio,
      shown:
        `${fmt(first.usPerRecipient)} → ${fmt(lastRow.usPerRecipient)} µs (${fmt(ratio, 2)}×)` +
        `${lastRow.size < 1_000_000 ? ', 1M not run' : ''}`,
      pass: ratio <= TARGETS.flat,
    });
  }
  results.verdict = v;
  out.push('');
  out.push('Targets');
  for (const t of v)
    out.push(`  ${t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL'}  ${t.target.padEnd(52)} ${t.shown}`);
  const errors = results.runs.filter((r) => r.error);
  if (errors.length) {
    out.push('');
    out.push(`${errors.length} run(s) failed:`);
    for (const e of errors) out.push(`  ${e.contender} ${k(e.size)} C=${e.concurrency}: ${e.error}`);
  }
  for (const w of results.warnings) out.push(`warning: ${w}`);
  const other = results.runs.map((r) => r.otherCpuS).filter((x) => x !== null);
  const noisy = results.runs.filter((r) => r.otherCpuS !== null && r.otherCpuS > 0.1 * (r.wallMs / 1000));
  results.noise = { otherCpuSMax: Math.max(0, ...other), noisyRuns: noisy.length };
  out.push(
    `\nNoise: other processes used up to ${fmt(results.noise.otherCpuSMax, 1)} CPU s during a run; ` +
      `${noisy.length} of ${results.runs.length} runs had other work above 10% of one core` +
      (noisy.length ? ' (see otherCpuS in latest.json; rerun on a quiet machine for clean numbers)' : ''),
  );
  process.stdout.write(out.join('\n') + '\n');
}

main().catch(async (err) => {
  log(`\nbenchmark failed: ${err.stack ?? err}`);
  if (sink) await sink.stop();
  process.exitCode = 1;
});
