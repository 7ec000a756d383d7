#!/usr/bin/env node
/**
 * A/B: `enews send` with the message-preparing worker thread (the CLI's
 * default since 2a8b1a4) against the same commit preparing messages in the
 * main thread (what it does when lib/send/message-worker.js is absent).
 * Both are exported from the committed HEAD into a temporary folder
 * (git archive: read-only), compiled there, and run interleaved against one
 * smtp-sink. The working tree is not touched.
 *
 *   node bench/ab-worker.js [--rows 100000] [--reps 3] [--concurrency 4] [--commit HEAD] [--keep]
 *
 * --keep leaves the two compiled copies in the temporary folder (for
 * node bench/profile.js --root DIR).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensure } from './gen-subscribers.js';
import { installCleanup, journalEnds, median, RESULTS, ROOT, runMeasured, runPlain, startSink, UNSUBSCRIBE_SECRET } from './lib.js';

const { values: a } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    reps: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '4' },
    commit: { type: 'string', default: 'HEAD' },
    keep: { type: 'boolean', default: false },
  },
});
const rows = Number(a.rows);
const k = (n) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));
installCleanup();

const base = path.join(os.tmpdir(), `enews-ab-${process.pid}`);
const worker = path.join(base, 'worker');
const inthread = path.join(base, 'inthread');
mkdirSync(worker, { recursive: true });
const commit = execFileSync('git', ['rev-parse', '--short', a.commit], { cwd: ROOT, encoding: 'utf8' }).trim();
console.error(`exporting ${commit} to ${base}`);
execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "${worker}"`], { cwd: ROOT });
// Source files that exist in the working tree but not in git (e.g. ignored by mistake) are copied over, with a warning.
const missing = [];
const walk = (rel) => {
  for (const e of readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) walk(r);
    else if (!existsSync(path.join(worker, r))) {
      mkdirSync(path.dirname(path.join(worker, r)), { recursive: true });
      cpSync(path.join(ROOT, r), path.join(worker, r));
      missing.push(r);
    }
  }
};
walk('src');
if (missing.length) console.error(`warning: not in git at ${commit}, copied from the working tree: ${missing.join(', ')}`);
symlinkSync(path.join(ROOT, 'node_modules'), path.join(worker, 'node_modules'));
const tsc = await runPlain(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: worker });
if (tsc.code !== 0) console.error(`warning: tsc: ${(tsc.stdout + tsc.stderr).slice(0, 1000)}`);
const built = await runPlain(process.execPath, ['bin/enews.js', 'build', '3'], { cwd: worker });
if (built.code !== 0) throw new Error(`enews build 3 failed in the copy:\n${built.stderr}`);
cpSync(worker, inthread, { recursive: true, verbatimSymlinks: true });
rmSync(path.join(inthread, 'lib', 'send', 'message-worker.js'));
if (!existsSync(path.join(worker, 'lib', 'send', 'message-worker.js'))) console.error(`note: ${commit} has no message worker; both variants are the same`);

const list = path.join(RESULTS, 'data', `subscribers-${k(rows)}.csv`);
mkdirSync(path.dirname(list), { recursive: true });
await ensure(rows, list);
const sink = await startSink();
const runs = [];
try {
  for (let rep = 0; rep < Number(a.reps); rep++) {
    for (const [variant, dir] of [['worker', worker], ['in-thread', inthread]]) {
      const journal = path.join(base, `journal-${variant}-${rep}.jsonl`);
      const before = await sink.settle();
      const r = await runMeasured(process.execPath, ['bin/enews.js', 'send', '3', '--subscribers', list, '--yes', '--concurrency', a.concurrency, '--journal', journal, '--json'], {
        cwd: dir,
        env: { ...process.env, SMTP_URL: `smtp://127.0.0.1:${sink.port}`, UNSUBSCRIBE_SECRET },
      });
      const received = (await sink.settle()) - before;
      if (r.code !== 0 || received !== rows) throw new Error(`${variant}: exit ${r.code}, sink got ${received}: ${r.stderr.slice(-500)}`);
      const { first, last } = journalEnds(journal);
      const sendMs = Date.parse(last.at) - Date.parse(first.at);
      const run = { variant, rep, rate: (rows * 1000) / sendMs, cpuUsPerMsg: (r.cpuS * 1e6) / rows, peakRssMB: r.peakRssKB / 1024, wallS: r.wallMs / 1000 };
      runs.push(run);
      rmSync(journal, { force: true });
      console.error(`  ${variant.padEnd(9)} ${Math.round(run.rate)} msg/s, CPU ${Math.round(run.cpuUsPerMsg)} µs/msg, peak RSS ${Math.round(run.peakRssMB)} MB`);
    }
  }
} finally {
  await sink.stop();
  if (a.keep) console.error(`kept: ${worker} and ${inthread}`);
  else rmSync(base, { recursive: true, force: true });
}
const summary = {};
for (const v of ['worker', 'in-thread']) {
  const r = runs.filter((x) => x.variant === v);
  summary[v] = { rate: median(r.map((x) => x.rate)), cpuUsPerMsg: median(r.map((x) => x.cpuUsPerMsg)), peakRssMB: median(r.map((x) => x.peakRssMB)), rates: r.map((x) => Math.round(x.rate)) };
}
const out = { commit, copiedFromWorkingTree: missing, rows, concurrency: Number(a.concurrency), reps: Number(a.reps), summary, runs };
writeFileSync(path.join(RESULTS, `ab-worker-${k(rows)}.json`), JSON.stringify(out, null, 2) + '\n');
console.log(`enews ${commit}, ${k(rows)} messages, C=${a.concurrency}, median of ${a.reps}:`);
for (const [v, s] of Object.entries(summary)) {
  console.log(`  ${v.padEnd(9)} ${String(Math.round(s.rate)).padStart(6)} msg/s  CPU ${String(Math.round(s.cpuUsPerMsg)).padStart(5)} µs/msg  peak RSS ${Math.round(s.peakRssMB)} MB   (${s.rates.join(', ')})`);
}
