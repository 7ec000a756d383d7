#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by function
 * (name + file + line), inclusive time for the project's own code, and self
 * time by area (enews lib/, each node_modules package, node internals, GC).
 *
 *   node bench/cpuprofile-summary.js FILE.cpuprofile [--top 25] [--json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function summarize(profile, root = process.cwd()) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map(); // node id → µs
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; attribute the gap after a sample to it (V8/DevTools convention).
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });

  const short = (url) => {
    if (!url) return '';
    let p = url.startsWith('file://') ? fileURLToPath(url) : url;
    if (p.startsWith(root + path.sep)) p = path.relative(root, p);
    return p.replace(/^.*node_modules\//, 'node_modules/');
  };
  const keyOf = (n) => {
    const f = n.callFrame;
    const name = f.functionName || (f.url ? '(anonymous)' : n.callFrame.functionName || '(root)');
    return `${name}  ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const areaOf = (n) => {
    const f = n.callFrame;
    const u = short(f.url);
    if (!u) return f.functionName.startsWith('(') ? f.functionName : '(native/builtin)';
    if (u.startsWith('node:')) return 'node: ' + u.slice(5).split('/')[0];
    const pkg = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
    if (pkg) return pkg[1];
    if (u.startsWith('lib/')) return 'enews ' + u.split('/').slice(0, 2).join('/');
    return u;
  };

  const selfByFn = new Map();
  const selfByArea = new Map();
  for (const [id, us] of self) {
    const n = byId.get(id);
    selfByFn.set(keyOf(n), (selfByFn.get(keyOf(n)) ?? 0) + us);
    selfByArea.set(areaOf(n), (selfByArea.get(areaOf(n)) ?? 0) + us);
  }
  // Inclusive time of enews's own functions: each sample counts once per function on its stack.
  const incl = new Map();
  profile.samples.forEach((id, i) => {
    const dt = Math.max(0, deltas[i + 1] ?? 0);
    const seen = new Set();
    for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!short(n.callFrame.url).startsWith('lib/')) continue;
      const k = keyOf(n);
      if (!seen.has(k)) {
        seen.add(k);
        incl.set(k, (incl.get(k) ?? 0) + dt);
      }
    }
  });
  const rows = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, us]) => ({ what: k, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), self: rows(selfByFn), areas: rows(selfByArea), inclusive: rows(incl) };
}

/** Several summaries (one per thread) as one: rows with the same name add up. */
export function mergeSummaries(list) {
  const add = (key) => {
    const m = new Map();
    for (const s of list) for (const r of s[key]) m.set(r.what, (m.get(r.what) ?? 0) + r.ms);
    return m;
  };
  const totalMs = list.reduce((t, s) => t + s.totalMs, 0);
  const rows = (m) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([what, ms]) => ({ what, ms, pct: Math.round((ms / totalMs) * 1000) / 10 }));
  return { totalMs, self: rows(add('self')), areas: rows(add('areas')), inclusive: rows(add('inclusive')) };
}

/**
 * Where profile A spends more than profile B, per message: self time by
 * function, each divided by its own message count. For "enews vs the floor".
 */
export function diffSummaries(a, b, messagesA, messagesB) {
  const per = (rows, n) => new Map(rows.map((r) => [r.what, (r.ms * 1000) / n]));
  const pa = per(a.self, messagesA);
  const pb = per(b.self, messagesB);
  const keys = new Set([...pa.keys(), ...pb.keys()]);
  return [...keys]
    .map((k) => ({ what: k, usA: pa.get(k) ?? 0, usB: pb.get(k) ?? 0, deltaUs: (pa.get(k) ?? 0) - (pb.get(k) ?? 0) }))
    .sort((x, y) => y.deltaUs - x.deltaUs);
}

export function formatDiff(rows, top = 25, labelA = 'A', labelB = 'B') {
  const f = (x) => x.toFixed(1).padStart(7);
  return [
    `self time per message, µs: ${labelA} vs ${labelB} (largest excess first)`,
    `  ${'Δ'.padStart(7)} ${labelA.padStart(7)} ${labelB.padStart(7)}`,
    ...rows.slice(0, top).map((r) => `  ${f(r.deltaUs)} ${f(r.usA)} ${f(r.usB)}  ${r.what}`),
  ].join('\n');
}

export function formatSummary(s, top = 25) {
  const t = (rows, title) =>
    [
      `${title}`,
      ...rows.slice(0, top).map((r) => `${String(r.ms).padStart(8)} ms ${r.pct.toFixed(1).padStart(5)}%  ${r.what}`),
    ].join('\n');
  return [
    `profile: ${s.totalMs} ms sampled`,
    t(s.areas, '\nself time by area'),
    t(s.self, '\ntop self time by function'),
    t(s.inclusive, '\ninclusive time, enews lib/ functions'),
  ].join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    console.error(
      'usage: node bench/cpuprofile-summary.js FILE.cpuprofile [--top N] [--json] ' +
        '[--diff OTHER.cpuprofile --messages N[,M]]',
    );
    process.exit(2);
  }
  const top = Number(args[args.indexOf('--top') + 1]) || 25;
  const s = summarize(JSON.parse(readFileSync(file, 'utf8')));
  if (args.includes('--diff')) {
    const other = args[args.indexOf('--diff') + 1];
    const [na, nb] = (args[args.indexOf('--messages') + 1] ?? '1,1').split(',').map(Number);
    const d = diffSummaries(s, summarize(JSON.parse(readFileSync(other, 'utf8'))), na, nb ?? na);
    console.log(args.includes('--json') ? JSON.stringify(d, null, 2) : formatDiff(d, top, 'this', 'other'));
  } else {
    console.log(args.includes('--json') ? JSON.stringify(s, null, 2) : formatSummary(s, top));
  }
}
