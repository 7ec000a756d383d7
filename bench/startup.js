#!/usr/bin/env node
/**
 * Start-up of the commands people wait on (issue 28, item 5), each a new process in the example
 * project: `enews build 3` (three languages) with the project's picture cache emptied first and with
 * it kept from the run before, and `enews status 3`. The three alternate, run after run, so a busy
 * machine weighs on each alike; medians of --runs (5). `npm run build` first: this measures lib/.
 *
 *   node bench/startup.js [--runs 5] [--drop-caches]
 *
 * --drop-caches (as root): the kernel's page cache is dropped before every run, as after a reboot.
 * Also run by `npm run bench` in its startup phase.
 */
import { rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { median, ROOT, runMeasured } from './lib.js';

const PICTURE_CACHE = path.join(ROOT, '.enews', 'cache', 'pictures');

const KINDS = [
  {
    name: 'build, picture cache empty',
    args: ['build', '3'],
    before: () => rmSync(PICTURE_CACHE, { recursive: true, force: true }),
  },
  { name: 'build, picture cache kept', args: ['build', '3'], before: () => {} },
  { name: 'status (no journal yet)', args: ['status', '3'], before: () => {} },
];

function dropCaches() {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '3\n');
    return true;
  } catch {
    return false;
  }
}

/** Runs each command `runs` times, alternating; returns the wall-clock medians in ms, every run's and the load. */
export async function measureStartup({ runs = 5, drop = false, log = () => {} } = {}) {
  const times = KINDS.map(() => []);
  const load = [os.loadavg()[0]];
  // One untimed build first: dist/003 and the picture cache as a previous build leaves them.
  await runMeasured(process.execPath, ['bin/enews.js', 'build', '3']);
  let dropped = drop;
  for (let i = 0; i < runs; i++) {
    for (const [k, kind] of KINDS.entries()) {
      kind.before();
      if (drop) dropped = dropCaches() && dropped;
      const r = await runMeasured(process.execPath, ['bin/enews.js', ...kind.args]);
      if (kind.args[0] === 'build' && r.code !== 0)
        throw new Error(`enews build 3 failed (exit ${r.code}):\n${r.stderr}`);
      times[k].push(r.wallMs);
    }
    log(`  run ${i + 1}: ${KINDS.map((kind, k) => `${kind.name} ${(times[k][i] / 1000).toFixed(2)} s`).join(', ')}`);
  }
  load.push(os.loadavg()[0]);
  return {
    droppedCaches: dropped,
    load,
    commands: KINDS.map((kind, k) => ({ name: kind.name, medianMs: median(times[k]), runsMs: times[k] })),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--runs');
  const runs = at >= 0 ? Number(argv[at + 1]) : 5;
  const r = await measureStartup({ runs, drop: argv.includes('--drop-caches'), log: console.log });
  console.log(
    `page cache ${r.droppedCaches ? 'dropped before every run' : 'as it was'}; ` +
      `1-minute load ${r.load.map((l) => l.toFixed(1)).join(' → ')}`,
  );
  for (const c of r.commands) console.log(`${c.name.padEnd(28)} median ${(c.medianMs / 1000).toFixed(2)} s`);
}
