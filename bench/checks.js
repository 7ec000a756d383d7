#!/usr/bin/env node
/**
 * node bench/checks.js — wall time of `enews check 3 --axe` (the example in
 * three languages, four views each: issue 28's target is ≤ 3 s) and of
 * `enews build 3 --axe --screenshots`, medians of BENCH_CHECKS_RUNS runs on
 * a copy of the example project. Each line shows the 1-minute load average
 * before the run: on a shared machine it says how far to trust the times.
 *
 * With BENCH_CHECKS_AGAINST=<another checkout, built>, each run of this
 * checkout alternates with one of that checkout on the same copy (A, B, A, B,
 * …), so both see the same load; the outputs of the two are compared too.
 *
 * Needs the compiled CLI (npm run build) and Chromium (CHROMIUM_PATH or the usual places). Environment:
 *   BENCH_CHECKS_RUNS=5          runs of each command (and checkout)
 *   BENCH_CHECKS_AGAINST=DIR     the other checkout (its bin/enews.js and lib/)
 *   BENCH_CHECKS_BUILD=0         skip build --axe --screenshots
 */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installCleanup, median, RESULTS, ROOT, runMeasured } from './lib.js';

const RUNS = Number(process.env.BENCH_CHECKS_RUNS ?? 5);
const AGAINST = process.env.BENCH_CHECKS_AGAINST ? path.resolve(process.env.BENCH_CHECKS_AGAINST) : null;
const work = path.join(RESULTS, 'tmp', `checks-${process.pid}`);
installCleanup(() => rmSync(work, { recursive: true, force: true }));

const project = path.join(work, 'project');
mkdirSync(project, { recursive: true });
for (const part of ['issues', 'images', 'templates', 'subscribers.example.csv']) {
  cpSync(path.join(ROOT, part), path.join(project, part), { recursive: true });
}

const checkouts = [{ name: 'this', root: ROOT }, ...(AGAINST ? [{ name: 'against', root: AGAINST }] : [])];
const commands = [
  { name: 'check 3 --axe', args: ['check', '3', '--axe'] },
  ...(process.env.BENCH_CHECKS_BUILD === '0'
    ? []
    : [{ name: 'build 3 --axe --screenshots', args: ['build', '3', '--axe', '--screenshots', '--out', '{out}'] }]),
];

console.log(`enews checks: ${RUNS} runs each${AGAINST ? `, alternating with ${AGAINST}` : ''}`);
for (const command of commands) {
  const times = new Map(checkouts.map((c) => [c.name, []]));
  const outputs = new Map();
  for (let i = 0; i < RUNS; i++) {
    for (const c of checkouts) {
      const out = path.join(work, `out-${c.name}`);
      rmSync(out, { recursive: true, force: true });
      const load = os.loadavg()[0].toFixed(2);
      const args = command.args.map((a) => (a === '{out}' ? out : a));
      const r = await runMeasured(process.execPath, [path.join(c.root, 'bin', 'enews.js'), ...args], { cwd: project });
      if (r.code !== 0) {
        console.error(`${c.name}: enews ${args.join(' ')} exited ${r.code}\n${r.stderr}`);
        process.exit(1);
      }
      times.get(c.name).push(r.wallMs / 1000);
      // The build's own folder differs by checkout: the lines are compared without it.
      outputs.set(c.name, r.stdout.replaceAll(out, '{out}'));
      console.log(
        `  ${command.name.padEnd(28)} ${c.name.padEnd(8)} ${(r.wallMs / 1000).toFixed(2)} s` +
          `  (CPU ${r.cpuS?.toFixed(2)} s, load ${load})`,
      );
    }
  }
  for (const c of checkouts) {
    const t = times.get(c.name);
    console.log(
      `${command.name} (${c.name}): median ${median(t).toFixed(2)} s of ${t.map((x) => x.toFixed(2)).join(', ')}`,
    );
  }
  if (AGAINST) {
    const same = outputs.get('this') === outputs.get('against');
    console.log(`${command.name}: output ${same ? 'identical' : 'DIFFERENT'} between the two checkouts`);
  }
}
rmSync(work, { recursive: true, force: true });
