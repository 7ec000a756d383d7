#!/usr/bin/env node
/**
 * Profiles `enews send` against its own smtp-sink.
 *
 *   node bench/profile.js cpu  [--rows 100000] [--concurrency 4] [--floor]
 *       CPU profile (node --cpu-prof) of a whole send; prints the summary of
 *       bench/cpuprofile-summary.js and writes it next to the profile in
 *       bench/results/prof/. --floor also profiles bench/floor.js with the
 *       same count, to tell enews's own cost from nodemailer's: the bare
 *       pool (floor2: 2C queued, no reconnect), or with --floor-kind floor
 *       the old one (C in flight, a reconnect every 1000 messages).
 *
 *   node bench/profile.js heap [--rows 1000000] [--at 0.5] [--full]
 *       Memory timeline (bench/mem-sampler.js) and one heap snapshot taken
 *       when the sink has received --at × rows messages; then interrupts the
 *       send (Ctrl-C semantics: in-flight messages finish, exit 4) unless
 *       --full. Prints the bench/heapsnapshot-summary.js summary.
 *
 * --root DIR profiles the enews in DIR (already compiled and built, e.g. a
 * copy of another commit) instead of this checkout.
 *
 * Lists come from bench/results/data/ (generated if missing).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { ensure } from './gen-subscribers.js';
import { diffSummaries, formatDiff, formatSummary, mergeSummaries, summarize } from './cpuprofile-summary.js';
import {
  installCleanup,
  journalEnds,
  RESULTS,
  ROOT,
  runMeasured,
  runPlain,
  sleep,
  startSink,
  UNSUBSCRIBE_SECRET,
} from './lib.js';

const { values: a, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rows: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    at: { type: 'string', default: '0.5' },
    full: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    'floor-kind': { type: 'string', default: 'floor2' },
    root: { type: 'string' },
  },
});
const mode = positionals[0];
if (mode !== 'cpu' && mode !== 'heap') {
  console.error('usage: node bench/profile.js cpu|heap [--rows N] [--concurrency C] [--floor] [--at 0.5] [--full]');
  process.exit(2);
}
const rows = Number(a.rows ?? (mode === 'cpu' ? 100_000 : 1_000_000));
const C = Number(a.concurrency);
const PROF = path.join(RESULTS, 'prof');
const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
installCleanup();
mkdirSync(PROF, { recursive: true });
mkdirSync(path.join(RESULTS, 'data'), { recursive: true });
mkdirSync(path.join(RESULTS, 'tmp'), { recursive: true });

const list = path.join(RESULTS, 'data', `subscribers-${k(rows)}.csv`);
await ensure(rows, list);
const ENEWS = a.root ? path.resolve(a.root) : ROOT;
const tsc = ENEWS === ROOT ? await runPlain('npm', ['run', '--silent', 'build']) : { code: 0 };
if (tsc.code !== 0)
  console.error(
    `warning: tsc reported errors; profiling the lib/ it emitted:\n${(tsc.stdout + tsc.stderr).slice(0, 2000)}`,
  );
const build = await runMeasured(process.execPath, ['bin/enews.js', 'build', '3'], { cwd: ENEWS });
if (build.code !== 0) throw new Error(`enews build 3 failed:\n${build.stderr}`);
const sink = await startSink();
const journal = path.join(RESULTS, 'tmp', `journal-prof-${Date.now()}.jsonl`);
const sendArgs = [
  path.join(ENEWS, 'bin', 'enews.js'),
  'send',
  '3',
  '--subscribers',
  list,
  '--yes',
  '--concurrency',
  String(C),
  '--journal',
  journal,
  '--json',
];
const env = { ...process.env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, UNSUBSCRIBE_SECRET };
const newest = (dir, ext, since) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).mtimeMs >= since)
    .sort((x, y) => statSync(y).mtimeMs - statSync(x).mtimeMs)[0];

try {
  if (mode === 'cpu') {
    const since = Date.now();
    const dir = path.join(PROF, `enews-${k(rows)}${a.root ? '-' + path.basename(ENEWS) : ''}`);
    rmSync(dir, { recursive: true, force: true });
    const r = await runMeasured(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...sendArgs], {
      env,
      cwd: ENEWS,
    });
    if (r.code !== 0) throw new Error(`enews send exited ${r.code}:\n${r.stderr}`);
    const { first, last } = journalEnds(journal);
    const sendMs = Date.parse(last.at) - Date.parse(first.at);
    // One profile per thread (the main thread, and the worker if enews prepares messages in one).
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(dir, f));
    const perThread = files
      .map((f) => ({ file: f, s: summarize(JSON.parse(readFileSync(f, 'utf8')), ENEWS) }))
      .sort((x, y) => y.s.totalMs - x.s.totalMs);
    const s = perThread.length === 1 ? perThread[0].s : mergeSummaries(perThread.map((p) => p.s));
    const parts = [
      `enews send ${k(rows)} C=${C} under --cpu-prof: ${Math.round((rows * 1000) / sendMs)} msg/s, ` +
        `CPU ${r.cpuS} s (${Math.round((r.cpuS * 1e6) / rows)} µs/msg), ` +
        `wall ${(r.wallMs / 1000).toFixed(1)} s, ${perThread.length} thread profile(s)`,
    ];
    for (const [i, p] of perThread.entries()) {
      const busy = p.s.totalMs - (p.s.self.find((x) => x.what.startsWith('(idle)'))?.ms ?? 0);
      parts.push(
        `\n=== thread ${i + 1} of ${perThread.length} (${path.basename(p.file)}): ` +
          `${p.s.totalMs} ms sampled, ${busy} ms not idle\n${formatSummary(p.s, 30)}`,
      );
    }
    const text = parts.join('\n');
    writeFileSync(path.join(dir, 'summary.txt'), text + '\n');
    writeFileSync(
      path.join(dir, 'summary.json'),
      JSON.stringify({ merged: s, threads: perThread.map((p) => ({ file: path.basename(p.file), ...p.s })) }, null, 2) +
        '\n',
    );
    console.log(text);
    console.log(`\n(profiles: ${path.relative(ROOT, dir)}/; summary: ${path.relative(ROOT, dir)}/summary.txt)`);
    if (a.floor) {
      const kind = a['floor-kind'];
      const fdir = path.join(PROF, `${kind}-${k(rows)}`);
      rmSync(fdir, { recursive: true, force: true });
      const f = await runMeasured(process.execPath, [
        '--cpu-prof',
        `--cpu-prof-dir=${fdir}`,
        'bench/floor.js',
        '--port',
        String(sink.port),
        '--concurrency',
        String(C),
        '--count',
        String(rows),
        ...(kind === 'floor2' ? ['--queued', String(2 * C), '--max-messages', '0'] : []),
      ]);
      if (f.code !== 0) throw new Error(`${kind} exited ${f.code}:\n${f.stderr}`);
      const fs = summarize(JSON.parse(readFileSync(newest(fdir, '.cpuprofile', since), 'utf8')), ROOT);
      const out = JSON.parse(f.stdout.trim().split('\n').pop());
      const ftext =
        `${kind} ${k(rows)} C=${C} under --cpu-prof: ${Math.round(out.rate)} msg/s, ` +
        `CPU ${f.cpuS} s (${Math.round((f.cpuS * 1e6) / rows)} µs/msg)\n${formatSummary(fs, 30)}`;
      writeFileSync(path.join(fdir, 'summary.txt'), ftext + '\n');
      writeFileSync(path.join(fdir, 'summary.json'), JSON.stringify(fs, null, 2) + '\n');
      console.log('\n' + ftext);
      // Where enews (all threads) spends more per message than the floor.
      const d = formatDiff(diffSummaries(s, fs, rows, rows), 40, 'enews', kind);
      writeFileSync(
        path.join(PROF, `diff-enews-${kind}-${k(rows)}${a.root ? '-' + path.basename(ENEWS) : ''}.txt`),
        d + '\n',
      );
      console.log('\n' + d);
    }
  } else {
    const since = Date.now();
    const memLog = path.join(PROF, `mem-${k(rows)}.jsonl`);
    rmSync(memLog, { force: true });
    const child = spawn(
      process.execPath,
      [
        '--import',
        pathToFileURL(path.join(ROOT, 'bench', 'mem-sampler.js')).href,
        '--heapsnapshot-signal=SIGUSR2',
        `--diagnostic-dir=${PROF}`,
        ...sendArgs,
      ],
      {
        cwd: ENEWS,
        env: { ...env, BENCH_MEM_LOG: memLog },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const exited = new Promise((r) => child.on('exit', (code) => r(code)));
    let done = false;
    exited.then(() => (done = true));
    const goal = Math.floor(rows * Number(a.at));
    while (!done && sink.messages() < goal) await sleep(200);
    if (!done) {
      console.error(`${sink.messages()} messages sent: taking a heap snapshot (the send pauses while it is written)`);
      child.kill('SIGUSR2');
      // The snapshot is complete when the file stops growing.
      let file;
      let size = -1;
      for (;;) {
        await sleep(1000);
        file = newest(PROF, '.heapsnapshot', since);
        if (file && statSync(file).size === size && size > 0) break;
        if (file) size = statSync(file).size;
      }
      if (!a.full) child.kill('SIGINT');
    }
    const code = await exited;
    console.error(
      `enews exited ${code}${stderr.includes('Interrupted') ? ' (interrupted after the snapshot, as asked)' : ''}`,
    );
    const samples = readFileSync(memLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const mb = (b) => Math.round(b / 2 ** 20);
    const sendStart = existsSync(journal) ? Date.parse(journalEnds(journal).first.at) : Infinity;
    const peak = (xs, key) => mb(Math.max(0, ...xs.map((s) => s[key])));
    const plan = samples.filter((s) => s.at < sendStart);
    const send = samples.filter((s) => s.at >= sendStart);
    console.log(`memory timeline (${samples.length} samples, ${path.relative(ROOT, memLog)}):`);
    console.log(
      `  planning pass: peak RSS ${peak(plan, 'rss')} MB, ` +
        `heap used ${peak(plan, 'heapUsed')} MB, external ${peak(plan, 'external')} MB`,
    );
    console.log(
      `  sending:       peak RSS ${peak(send, 'rss')} MB, ` +
        `heap used ${peak(send, 'heapUsed')} MB, external ${peak(send, 'external')} MB`,
    );
    const step = Math.max(1, Math.floor(samples.length / 12));
    for (let i = 0; i < samples.length; i += step) {
      const s = samples[i];
      console.log(
        `  t=${((s.at - samples[0].at) / 1000).toFixed(0).padStart(5)} s  ${s.at < sendStart ? 'plan' : 'send'}  ` +
          `rss ${String(mb(s.rss)).padStart(4)} MB  heapUsed ${String(mb(s.heapUsed)).padStart(4)} MB  ` +
          `heapTotal ${String(mb(s.heapTotal)).padStart(4)} MB  external ${mb(s.external)} MB`,
      );
    }
    const snap = newest(PROF, '.heapsnapshot', since);
    if (snap) {
      console.log(
        `\nheap snapshot ${path.relative(ROOT, snap)} ` +
          `(${Math.round(statSync(snap).size / 2 ** 20)} MB); summarising…`,
      );
      const r = await runMeasured(process.execPath, [
        '--max-old-space-size=8192',
        'bench/heapsnapshot-summary.js',
        snap,
        '--top',
        '25',
      ]);
      console.log(r.stdout || r.stderr);
      writeFileSync(path.join(PROF, `heap-${k(rows)}-summary.txt`), r.stdout);
    }
  }
} finally {
  await sink.stop();
  rmSync(journal, { force: true });
}
