#!/usr/bin/env node
/**
 * `enews preview` while staff edit: how long from saving a file to the page
 * being told to reload with the new render (the example issue 3, in its three
 * languages). A copy of the example project, `enews preview 3 --port 0` as a
 * child process, its /events stream read as the page reads it; each edit
 * rewrites the intro of issues/003.yaml and the time to the next `reload`
 * event is taken. This is a benchmark, not a test: the time depends on the
 * machine and on what else runs on it.
 *
 *   node bench/preview.js [--edits 20]
 *
 * Needs a build of the CLI (npm run build). Prints a table and one JSON line.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { machine, median, ROOT } from './lib.js';

const { values: a } = parseArgs({ options: { edits: { type: 'string', default: '20' } } });
const EDITS = Number(a.edits);

const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-bench-preview-'));
for (const part of ['issues', 'images', 'templates'])
  cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
const issueFile = path.join(dir, 'issues', '003.yaml');
const original = readFileSync(issueFile, 'utf8');

const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'enews.js'), 'preview', '3', '--port', '0'], {
  cwd: dir,
  stdio: ['ignore', 'pipe', 'pipe'],
});
const cleanup = () => {
  child.kill();
  rmSync(dir, { recursive: true, force: true });
};

try {
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`enews preview exited (${code})`)));
  });

  // The page's own event stream: one `reload` per finished render.
  const res = await fetch(`${url}events`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const nextReload = async () => {
    for (;;) {
      const i = buffered.indexOf('event: reload');
      if (i >= 0) {
        buffered = buffered.slice(i + 13);
        return;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffered += decoder.decode(value, { stream: true });
    }
  };
  // Let the first render finish and settle.
  await new Promise((r) => setTimeout(r, 2000));
  buffered = '';

  const times = [];
  for (let i = 0; i < EDITS; i++) {
    const started = performance.now();
    writeFileSync(issueFile, original.replace('highlights a number', `highlights (edit ${i}) a number`));
    await nextReload();
    times.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 300));
  }
  writeFileSync(issueFile, original);
  const sorted = [...times].sort((x, y) => x - y);
  const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))];
  console.log(`enews preview 3 (en, fr, es): save → reload event, ${EDITS} edits`);
  console.log(
    `  median ${median(times).toFixed(0)} ms, p90 ${p90.toFixed(0)} ms, ` +
      `min ${sorted[0].toFixed(0)} ms, max ${sorted.at(-1).toFixed(0)} ms (includes the 100 ms debounce)`,
  );
  console.log(
    JSON.stringify({ bench: 'preview', machine: machine(), edits: EDITS, median: median(times), p90, times }),
  );
} finally {
  cleanup();
}
