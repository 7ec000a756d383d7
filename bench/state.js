#!/usr/bin/env node
/**
 * The list state in PostgreSQL against the files (issue 23): a whole `enews send` of the same list to the same
 * Postfix smtp-sink with the same concurrency, its journal and events once in files under journal/ and once in
 * a database on this machine (loopback, fsync on), alternating runs, medians. Target: the database ≥ 0.8 × the
 * files. Then `enews serve` with the database: bench/serve.js --state postgres.
 *
 *   node bench/state.js            100k subscribers, 3 rounds
 *   BENCH_QUICK=1 node bench/state.js    10k, 1 round
 *
 * Needs Debian's postfix (smtp-sink) and postgresql packages, and a build (npm run build).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensure } from './gen-subscribers.js';
import { installCleanup, median, RESULTS, ROOT, runMeasured, startSink, UNSUBSCRIBE_SECRET } from './lib.js';
import { startPostgres } from './postgres.js';

const QUICK = process.env.BENCH_QUICK === '1';
const N = QUICK ? 10_000 : 100_000;
const ROUNDS = Number(process.env.BENCH_REPS ?? (QUICK ? 1 : 3));
const C = 4;
const TARGET = 0.8;

installCleanup();
if (!existsSync(path.join(ROOT, 'dist', '003', 'manifest.json'))) throw new Error('run: node bin/enews.js build 3');
const subscribers = path.join(RESULTS, 'data', `subscribers-${N / 1000}k.csv`);
mkdirSync(path.dirname(subscribers), { recursive: true });
await ensure(N, subscribers);
const sink = await startSink();
const pg = await startPostgres();

async function send(state) {
  // Each run its own journal/ (files) or database: a fresh send of the whole list.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-bench-state-'));
  const env = {
    ...process.env,
    SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
    UNSUBSCRIBE_SECRET,
    ...(state === 'postgres' ? { STATE_URL: await pg.database() } : {}),
  };
  const args = [
    'bin/enews.js',
    'send',
    '3',
    '--subscribers',
    subscribers,
    '--yes',
    '--concurrency',
    String(C),
    '--json',
  ];
  if (state === 'files')
    args.push('--journal', path.join(dir, 'journal.jsonl'), '--events', path.join(dir, 'events.jsonl'));
  const before = await sink.settle();
  const r = await runMeasured(process.execPath, args, { env, cwd: ROOT });
  const received = (await sink.settle()) - before;
  rmSync(dir, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`${state}: exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const summary = JSON.parse(r.stdout);
  if (summary.sent !== N || received !== N)
    throw new Error(`${state}: sent ${summary.sent}, received ${received} of ${N}`);
  return { wallMs: r.wallMs, rate: (N * 1000) / r.wallMs, peakRssKB: r.peakRssKB, cpuS: r.cpuS };
}

const runs = { files: [], postgres: [] };
try {
  for (let i = 0; i < ROUNDS; i++) {
    for (const state of i % 2 === 0 ? ['files', 'postgres'] : ['postgres', 'files']) {
      const r = await send(state);
      runs[state].push(r);
      console.error(
        `round ${i + 1} ${state.padEnd(8)} ${r.rate.toFixed(0)} msg/s (whole command), ${(r.peakRssKB / 1024).toFixed(0)} MB`,
      );
    }
  }
} finally {
  await sink.stop();
  await pg.stop();
}
const files = median(runs.files.map((r) => r.rate));
const postgres = median(runs.postgres.map((r) => r.rate));
const ratio = postgres / files;
console.log(
  `${N.toLocaleString('en-US')} subscribers, c=${C}, medians of ${ROUNDS}: files ${files.toFixed(0)} msg/s, ` +
    `PostgreSQL ${postgres.toFixed(0)} msg/s, ratio ${ratio.toFixed(3)} (target ≥ ${TARGET}) ${ratio >= TARGET ? 'PASS' : 'FAIL'}`,
);
console.log(
  JSON.stringify({ size: N, concurrency: C, rounds: ROUNDS, files: runs.files, postgres: runs.postgres, ratio }),
);
process.exitCode = ratio >= TARGET ? 0 : 1;
