#!/usr/bin/env node
/**
 * Micro-benchmarks of the per-message CPU work of `enews send`, in-process,
 * no SMTP: personalisation (lib/, compiled) and the biggest single cost in
 * the nodemailer floor, its byte-by-byte SMTP dot-stuffing stream, next to
 * an indexOf-based equivalent (same output, checked) to show what a library
 * fix would be worth. Needs `npm run build` and `enews build 3` first.
 *
 *   node --expose-gc bench/micro.js [--n 20000]
 */
import { parseArgs } from 'node:util';
import DataStream from 'nodemailer/lib/smtp-connection/data-stream.js';
import { ROOT, UNSUBSCRIBE_SECRET } from './lib.js';

const { values: a } = parseArgs({ options: { n: { type: 'string', default: '20000' } } });
const N = Number(a.n);
const lib = (p) => import(new URL(`../lib/${p}`, import.meta.url).href);
const { readBuild } = await lib('build/read-build.js');
const { contentPaths, loadNewsletter } = await lib('content/load.js');
const { buildSkeleton } = await lib('mime/compose.js');
const { personalize } = await lib('personalize/recipient.js');
const { unsubscribeToken } = await lib('personalize/unsubscribe.js');

const built = readBuild(ROOT, 3);
const { newsletter } = loadNewsletter(contentPaths(ROOT));
const skeleton = buildSkeleton(newsletter, built.rendered, { contentHash: built.manifest.inputsHash });
const ctx = { newsletter, skeleton, contentHash: built.manifest.inputsHash, secret: UNSUBSCRIBE_SECRET, variant: '' };
const recipients = Array.from({ length: N }, (_, i) => {
  const email = `maria.gonzalez.${i}@members.example.com`;
  return {
    email,
    key: email,
    name: i % 5 === 0 ? 'José Fernández' : 'Maria Gonzalez',
    fields: { organisation: 'Coopérative de Sfax' },
  };
});

function time(label, fn, n = N) {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(i); // warm up
  globalThis.gc?.();
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  const us = Number(process.hrtime.bigint() - t) / 1000 / n;
  console.log(`${us.toFixed(2).padStart(9)} µs  ${label}`);
  return us;
}

let sink = 0;
const sample = personalize(ctx, recipients[0]).raw;
const bytes = (raw) => (typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw);
console.log(
  `per message, ${N.toLocaleString('en-US')} recipients, ${bytes(sample).length} bytes, ` +
    `personalize() returns a ${typeof sample === 'string' ? 'string' : 'Buffer'}`,
);
time('personalize() (token, links, Message-ID, compose)', (i) => (sink += personalize(ctx, recipients[i]).raw.length));
time(
  '  of which unsubscribeToken (HMAC-SHA256)',
  (i) => (sink += unsubscribeToken(UNSUBSCRIBE_SECRET, newsletter.list_id, recipients[i].key).length),
);
if (typeof sample === 'string') {
  const raws = recipients.slice(0, 5000).map((r) => personalize(ctx, r).raw);
  time(
    'Buffer.from(raw): the string-to-bytes step nodemailer does for a string',
    (i) => (sink += Buffer.from(raws[i], 'utf8').length),
    raws.length,
  );
}

// nodemailer's SMTP DATA stream: CRLF normalisation and dot-stuffing, one byte at a time in JS.
const msg = bytes(sample);
const ds = new DataStream();
const viaNodemailer = (buf) => {
  const out = [];
  ds.push = (b) => out.push(b);
  ds._transform(buf, 'buffer', () => {});
  return Buffer.concat(out);
};
time('nodemailer DataStream._transform (dot-stuffing, byte loop)', () => (sink += viaNodemailer(msg).length), 5000);

/** The same transformation with Buffer.indexOf: only line ends are visited. */
function viaIndexOf(buf, lastByte = false) {
  const out = [];
  let from = 0;
  const cut = (at, insert) => {
    if (at > from) out.push(buf.subarray(from, at));
    out.push(insert);
    from = at;
  };
  // Visit every CR and LF in order.
  let cr = buf.indexOf(0x0d);
  let lf = buf.indexOf(0x0a);
  if (buf[0] === 0x2e && (lastByte === false || lastByte === 0x0a)) cut(0, DOT);
  while (cr !== -1 || lf !== -1) {
    const i = cr !== -1 && (lf === -1 || cr < lf) ? cr : lf;
    const byte = buf[i];
    const prev = i ? buf[i - 1] : lastByte;
    if (byte === 0x0a && prev !== 0x0d) cut(i, CR);
    const next = buf[i + 1];
    if (byte === 0x0d && next !== 0x0a && i + 1 < buf.length) cut(i + 1, next === 0x2e ? LF_DOT : LF);
    else if (byte === 0x0a && next === 0x2e) cut(i + 1, DOT);
    if (byte === 0x0d) cr = buf.indexOf(0x0d, i + 1);
    else lf = buf.indexOf(0x0a, i + 1);
  }
  if (!out.length) return buf;
  out.push(buf.subarray(from));
  return Buffer.concat(out);
}
const CR = Buffer.from('\r');
const DOT = Buffer.from('.');
const LF = Buffer.from('\n');
const LF_DOT = Buffer.from('\n.');
const tricky = Buffer.from('.a\r\n.b\nc\r.d\r\n\r\n..e\rf\n');
for (const b of [msg, tricky]) {
  if (!viaIndexOf(b).equals(viaNodemailer(b))) throw new Error('indexOf variant differs from nodemailer DataStream');
}
time('  the same with Buffer.indexOf (output checked identical)', () => (sink += viaIndexOf(msg).length), 5000);
if (sink === 42) console.log('');
