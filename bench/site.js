#!/usr/bin/env node
/**
 * `enews site` over a long archive: a copy of the example project gets issues
 * 004–NNN (default 200), each three catalog items and a date a week after the
 * previous issue, all built (in this process, through the CLI's own run()),
 * then `enews site` is timed as staff run it, under GNU time (wall clock and
 * peak RSS). It only reads the builds: a resolve hook makes the run fail if
 * anything imports MJML. A second run must write the same bytes.
 *
 *   node bench/site.js [--issues 200] [--runs 3]
 *
 * Needs a build of the CLI (npm run build) and GNU time (/usr/bin/time).
 * Prints a table and one JSON line.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { run } from '../lib/cli/main.js';
import { machine, median, ROOT, runMeasured } from './lib.js';

const { values: a } = parseArgs({
  options: { issues: { type: 'string', default: '200' }, runs: { type: 'string', default: '3' } },
});
const LAST = Number(a.issues);
const RUNS = Number(a.runs);

/** A resolve hook that refuses MJML: `enews site` must never render again. */
const NO_MJML =
  'data:text/javascript,import{register}from"node:module";register(' +
  encodeURIComponent(
    JSON.stringify(
      'data:text/javascript,export async function resolve(s,c,n){' +
        'if(s==="mjml"||s.startsWith("mjml/"))throw new Error("enews site loaded MJML");return n(s,c)}',
    ),
  ) +
  ')';

const pad = (n) => String(n).padStart(3, '0');

function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Issues 004…LAST from the catalog's items (those that do not announce an issue), a week apart. */
function writeIssues(dir) {
  const catalog = parse(readFileSync(path.join(dir, 'issues', 'items.yaml'), 'utf8'));
  const ids = catalog.filter((i) => i.announces === undefined).map((i) => i.id);
  for (let n = 4; n <= LAST; n++) {
    const items = [0, 1, 2].map((k) => ids[(n * 3 + k) % ids.length]);
    const text = [
      `number: ${n}`,
      `date: ${addDays('2017-05-03', (n - 4) * 7)}`,
      `preheader: Issue ${n} of the benchmark archive.`,
      'intro: |',
      `  Issue ${n} gathers three stories from the catalog. It exists to measure enews site over a`,
      '  long archive; its words are as long as a real introduction.',
      'items:',
      ...items.map((id) => `  - ${id}`),
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'issues', `${pad(n)}.yaml`), text);
  }
}

async function buildAll(dir) {
  const quiet = { out: () => {}, err: () => {}, data: () => {}, isTTY: false };
  const started = performance.now();
  for (let n = 1; n <= LAST; n++) {
    const code = await run(['build', String(n)], { cwd: dir, env: { PATH: process.env.PATH }, output: quiet });
    if (code !== 0) throw new Error(`enews build ${n} exited with ${code}`);
  }
  return performance.now() - started;
}

/** One hash over every file of the site, path and content, to compare runs. */
function treeHash(dir) {
  const h = createHash('sha256');
  const walk = (d, rel) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${rel}${name}/`);
      else h.update(`${rel}${name}\0`).update(readFileSync(full)).update('\0');
    }
  };
  walk(dir, '');
  return h.digest('hex');
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-bench-site-'));
try {
  for (const part of ['issues', 'images', 'templates'])
    cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  writeIssues(dir);
  process.stderr.write(`Building issues 1–${LAST} in ${dir}…\n`);
  const buildMs = await buildAll(dir);
  const runs = [];
  const hashes = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runMeasured(process.execPath, ['--import', NO_MJML, path.join(ROOT, 'bin', 'enews.js'), 'site'], {
      cwd: dir,
      env: { PATH: process.env.PATH },
    });
    if (r.code !== 0) throw new Error(`enews site exited with ${r.code}:\n${r.stderr}`);
    runs.push(r);
    hashes.push(treeHash(path.join(dir, 'site')));
  }
  const index = readFileSync(path.join(dir, 'site', 'index.html'), 'utf8');
  const listed = (index.match(/<li>/g) ?? []).length;
  const result = {
    bench: 'site',
    issues: LAST,
    listed,
    buildAllS: Math.round(buildMs / 100) / 10,
    siteWallMs: runs.map((r) => Math.round(r.wallMs)),
    siteWallMedianMs: Math.round(median(runs.map((r) => r.wallMs))),
    sitePeakRssMB: Math.round(Math.max(...runs.map((r) => r.peakRssKB)) / 102.4) / 10,
    identicalRuns: hashes.every((h) => h === hashes[0]),
    siteBytes: Number(runs.length ? dirSize(path.join(dir, 'site')) : 0),
    machine: machine(),
  };
  console.log(`enews site over ${LAST} issues (${listed} listed on the index)`);
  console.log(`  build of all issues (once):  ${result.buildAllS} s`);
  console.log(`  enews site, wall:            ${result.siteWallMs.join(' / ')} ms (median ${result.siteWallMedianMs})`);
  console.log(`  enews site, peak RSS:        ${result.sitePeakRssMB} MB`);
  console.log(`  site size:                   ${Math.round(result.siteBytes / 1024)} KB`);
  console.log(`  byte-identical runs:         ${result.identicalRuns ? 'yes' : 'NO'}`);
  console.log(JSON.stringify(result));
  if (!result.identicalRuns || listed !== LAST) process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function dirSize(d) {
  let total = 0;
  for (const name of readdirSync(d)) {
    const full = path.join(d, name);
    total += statSync(full).isDirectory() ? dirSize(full) : statSync(full).size;
  }
  return total;
}
