#!/usr/bin/env node
/**
 * enews serve under load, and killed under load: N one-click unsubscribe
 * POSTs (distinct subscribers) from C concurrent clients against the real
 * `enews serve` process. One pass runs undisturbed (throughput, latency);
 * a second pass SIGKILLs the server after a third of the requests and
 * restarts it, while the clients retry whatever was not answered 200.
 * Then every subscriber must be in the events file exactly once: a request
 * answered 200 was on disk, and a retried one is not recorded twice.
 *
 *   node bench/serve.js [--requests 1000] [--clients 50] [--state files|postgres]
 *
 * --state postgres keeps the events in a PostgreSQL cluster started for the run (fsync on; issue 23's
 * target: ≥ 1,000 POSTs/s on two cores).
 *
 * Besides the rate and the latencies it prints the server's CPU per POST (user + system, from /proc), the
 * steadiest number on a shared machine, and the p99 without each client's first request (which opens its
 * connection while the server's code is still cold: 50 of them are more than 1 % of 3,000).
 *
 * The clients' own code is compiled first, against a server of the bench's own (warmClient): a cold load
 * generator on the same two cores added its own start to the first requests' latency (measured: p99 45 ms
 * against 57–63 ms for a warmed server at 3,000 requests). The server under test starts cold, as after a deploy.
 *
 * Needs a build of the CLI (npm run build). Prints a table and one JSON line.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sealToken } from '../lib/personalize/token.js';
import { oneClick as oneClickPost } from '../lib/serve/warm-up.js';
import pg_ from 'pg';
import { ROOT } from './lib.js';
import { startPostgres } from './postgres.js';

/** The events a pass recorded in the database, as JSON lines. */
async function eventsInDatabase(url) {
  const c = new pg_.Client({ connectionString: url });
  await c.connect();
  const r = await c.query('SELECT event FROM enews_events ORDER BY id');
  await c.end();
  return r.rows.map((row) => JSON.stringify(row.event));
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); null elsewhere. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const SECRET = 'PuvNoOXMB/29UdUBMsoxjuaq+/MT9FaviU66O9OgISA=';
const LIST = 'enews.coop.example.org';
const { values: a } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    clients: { type: 'string', default: '50' },
    state: { type: 'string', default: 'files' },
  },
});
const N = Number(a.requests);
const C = Number(a.clients);

function project() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-bench-serve-'));
  for (const part of ['issues', 'images', 'templates'])
    cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
  return dir;
}

/** Starts `enews serve --port 0` and resolves with its process and base URL. */
function startServer(dir, stateUrl) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/enews.js'), 'serve', '--port', '0'], {
      cwd: dir,
      env: { PATH: process.env.PATH, UNSUBSCRIBE_SECRET: SECRET, ...(stateUrl ? { STATE_URL: stateUrl } : {}) },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)(\/\S*)/.exec(out);
      if (m) resolve({ child, base: m[1], path: m[2] });
    });
    child.on('error', reject);
  });
}

// The clients: node:http with keep-alive, the lightest load generator at hand (fetch costs the two cores about
// twice the CPU per request, which the server then does not get).
const agent = new http.Agent({ keepAlive: true, maxSockets: C });
const oneClick = (url) => oneClickPost(url, agent);

/** The clients' code run before any pass: 500 POSTs from C clients to a node:http server that answers 200. */
async function warmClient() {
  const dummy = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise((resolve) => dummy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${dummy.address().port}/unsubscribe`;
  for (let i = 0; i < 500; i += C)
    await Promise.all(
      Array.from({ length: C }, (_, j) =>
        oneClick(`${url}?t=${sealToken(SECRET, LIST, `warm${i + j}@example.org`, 3)}`),
      ),
    );
  dummy.closeAllConnections();
  await new Promise((resolve) => dummy.close(resolve));
}

async function pass(kill) {
  const dir = project();
  const stateUrl = pg ? await pg.database() : null;
  let server = await startServer(dir, stateUrl);
  const urls = Array.from(
    { length: N },
    (_, i) => `?t=${sealToken(SECRET, LIST, `reader${String(i).padStart(6, '0')}@example.org`, 3)}`,
  );
  const latencies = [];
  // Without each client's first request (its connection being set up, the server's code not yet compiled).
  const warmLatencies = [];
  let next = 0;
  let answered = 0;
  let retries = 0;
  let restarting = null;
  const started = performance.now();
  const cpuBefore = cpuSeconds(server.child.pid);
  async function client() {
    for (;;) {
      const i = next++;
      if (i >= N) return;
      for (;;) {
        if (restarting) await restarting;
        const t0 = performance.now();
        try {
          const status = await oneClick(`${server.base}${server.path}${urls[i]}`);
          if (status === 200) {
            latencies.push(performance.now() - t0);
            if (i >= C) warmLatencies.push(performance.now() - t0);
            answered++;
            break;
          }
        } catch {
          // The server is gone (killed): wait for the restart and send it again.
        }
        retries++;
        await new Promise((res) => setTimeout(res, 20));
      }
      if (kill && answered === Math.floor(N / 3) && !restarting) {
        server.child.kill('SIGKILL');
        restarting = (async () => {
          await new Promise((res) => server.child.once('exit', res));
          server = await startServer(dir, stateUrl);
          restarting = null;
        })();
      }
    }
  }
  await Promise.all(Array.from({ length: C }, client));
  const ms = performance.now() - started;
  // The server's CPU per answer, steadier than the rate on a shared machine (undisturbed pass only: one process).
  const cpuAfter = kill ? null : cpuSeconds(server.child.pid);
  server.child.kill('SIGTERM');
  const lines = stateUrl
    ? await eventsInDatabase(stateUrl)
    : readFileSync(path.join(dir, 'journal/events.jsonl'), 'utf8').split('\n').filter(Boolean);
  const perAddress = new Map();
  for (const l of lines) {
    const e = JSON.parse(l);
    perAddress.set(e.email, (perAddress.get(e.email) ?? 0) + 1);
  }
  rmSync(dir, { recursive: true, force: true });
  latencies.sort((x, y) => x - y);
  warmLatencies.sort((x, y) => x - y);
  const q = (p, of = latencies) => of[Math.min(of.length - 1, Math.floor(p * of.length))];
  return {
    kill,
    answered,
    retries,
    recorded: lines.length,
    everyOneOnce: perAddress.size === N && [...perAddress.values()].every((n) => n === 1),
    seconds: ms / 1000,
    perSecond: N / (ms / 1000),
    p50: q(0.5),
    p99: q(0.99),
    p99Warm: q(0.99, warmLatencies),
    serverCpuMsPerRequest: cpuBefore !== null && cpuAfter !== null ? ((cpuAfter - cpuBefore) * 1000) / N : null,
  };
}

const pg = a.state === 'postgres' ? await startPostgres() : null;
await warmClient();
const clean = await pass(false);
const killed = await pass(true);
await pg?.stop();
for (const r of [clean, killed]) {
  console.log(
    `${r.kill ? 'SIGKILL + restart' : 'undisturbed     '}  ${r.answered}/${N} answered 200, ${r.recorded} recorded, ` +
      `every subscriber once: ${r.everyOneOnce ? 'yes' : 'NO'}, ${r.perSecond.toFixed(0)} req/s, ` +
      `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${r.p99Warm.toFixed(1)} without each client's first), ` +
      `${r.retries} retries` +
      (r.serverCpuMsPerRequest === null ? '' : `, server CPU ${r.serverCpuMsPerRequest.toFixed(3)} ms per POST`),
  );
}
console.log(JSON.stringify({ state: a.state, requests: N, clients: C, clean, killed }));
process.exitCode = clean.everyOneOnce && killed.everyOneOnce ? 0 : 1;
