#!/usr/bin/env node
/**
 * Summarises a V8 .heapsnapshot: self size by object kind (constructor name
 * for objects, node type for strings, arrays, code…), and the largest single
 * objects with what holds them (their retainers). Enough to see which
 * collection grows with the subscriber list.
 *
 *   node --max-old-space-size=8192 bench/heapsnapshot-summary.js FILE.heapsnapshot [--top 20] [--json]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function summarizeHeap(snap, top = 20) {
  const m = snap.snapshot.meta;
  const NF = m.node_fields.length;
  const EF = m.edge_fields.length;
  const nType = m.node_fields.indexOf('type');
  const nName = m.node_fields.indexOf('name');
  const nSelf = m.node_fields.indexOf('self_size');
  const nEdges = m.node_fields.indexOf('edge_count');
  const eType = m.edge_fields.indexOf('type');
  const eName = m.edge_fields.indexOf('name_or_index');
  const eTo = m.edge_fields.indexOf('to_node');
  const types = m.node_types[0];
  const edgeTypes = m.edge_types[0];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / NF;

  const kind = (i) => {
    const t = types[nodes[i + nType]];
    if (
      t === 'object' ||
      t === 'closure' ||
      t === 'native' ||
      t === 'hidden' ||
      t === 'array' ||
      t === 'synthetic' ||
      t === 'object shape'
    ) {
      return `${t}: ${strings[nodes[i + nName]].slice(0, 60)}`;
    }
    return t; // string, concatenated string, sliced string, number, code, regexp, bigint…
  };

  const byKind = new Map();
  let total = 0;
  for (let i = 0; i < nodes.length; i += NF) {
    const k = kind(i);
    const e = byKind.get(k) ?? { kind: k, count: 0, bytes: 0 };
    e.count++;
    e.bytes += nodes[i + nSelf];
    total += nodes[i + nSelf];
    byKind.set(k, e);
  }

  // Largest single objects and who retains them (one pass over all edges).
  const biggest = [];
  for (let i = 0; i < nodes.length; i += NF) {
    const s = nodes[i + nSelf];
    if (biggest.length < top || s > biggest[biggest.length - 1].bytes) {
      biggest.push({ index: i, kind: kind(i), bytes: s, retainers: [] });
      biggest.sort((a, b) => b.bytes - a.bytes);
      if (biggest.length > top) biggest.pop();
    }
  }
  const wanted = new Map(biggest.map((b) => [b.index, b]));
  let e = 0;
  for (let i = 0; i < nodes.length; i += NF) {
    const n = nodes[i + nEdges];
    for (let j = 0; j < n; j++, e += EF) {
      const target = wanted.get(edges[e + eTo]);
      if (!target || target.retainers.length >= 3) continue;
      const et = edgeTypes[edges[e + eType]];
      const name = et === 'element' || et === 'hidden' ? `[${edges[e + eName]}]` : strings[edges[e + eName]];
      target.retainers.push(`${kind(i)} .${name}`);
    }
  }
  const mb = (b) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    nodes: count,
    totalMB: mb(total),
    byKind: [...byKind.values()]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, top)
      .map((x) => ({ ...x, MB: mb(x.bytes) })),
    biggest: biggest.map(({ kind: k, bytes, retainers }) => ({ kind: k, MB: mb(bytes), retainers })),
  };
}

export function formatHeap(s) {
  const lines = [
    `heap snapshot: ${s.nodes.toLocaleString('en-US')} objects, ${s.totalMB} MB self size in total`,
    '',
    'self size by kind',
  ];
  for (const k of s.byKind)
    lines.push(`  ${String(k.MB).padStart(8)} MB ${k.count.toLocaleString('en-US').padStart(11)} × ${k.kind}`);
  lines.push('', 'largest single objects (retained by)');
  for (const b of s.biggest)
    lines.push(`  ${String(b.MB).padStart(8)} MB  ${b.kind}  ←  ${b.retainers.join('  |  ') || '(root)'}`);
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (!file) {
    console.error(
      'usage: node --max-old-space-size=8192 bench/heapsnapshot-summary.js FILE.heapsnapshot [--top N] [--json]',
    );
    process.exit(2);
  }
  const top = Number(args[args.indexOf('--top') + 1]) || 20;
  const s = summarizeHeap(JSON.parse(readFileSync(file, 'utf8')), top);
  console.log(args.includes('--json') ? JSON.stringify(s, null, 2) : formatHeap(s));
}
