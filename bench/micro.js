#!/usr/bin/env node
/**
 * Micro-benchmarks of the per-message CPU work of `enews send`, in-process,
 * no SMTP: personalisation (lib/, compiled) piece by piece, SMTP's
 * dot-stuffing (nodemailer's DataStream against enews's pre-stuffed bytes),
 * DKIM signing (nodemailer's signer against enews's), and a journal append. Needs
 * `npm run build` and `enews build 3` first.
 *
 *   node --expose-gc bench/micro.js [--n 20000] [--dkim-bits 2048]
 *
 * Each line: µs per call (median of 3 timed passes after a warm-up).
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median, ROOT, UNSUBSCRIBE_SECRET } from './lib.js';

const { values: a } = parseArgs({
  options: { n: { type: 'string', default: '20000' }, 'dkim-bits': { type: 'string', default: '2048' } },
});
const N = Number(a.n);
const lib = (p) => import(new URL(`../lib/${p}`, import.meta.url).href);
const { readBuild } = await lib('build/read-build.js');
const { contentPaths, loadNewsletter } = await lib('content/load.js');
const { buildSkeleton, composeWire, messageIdFor, wireTemplate } = await lib('mime/compose.js');
const { stuffLines, unstuff } = await lib('mime/dot-stuff.js');
const { personalize, personalizeWire } = await lib('personalize/recipient.js');
const { sealToken } = await lib('personalize/token.js');
const { track, nodemailerStuff } = await lib('delivery/transports/data-stream.js');
const { dkimSigner, signedBytes } = await lib('delivery/dkim.js');
const { default: NodemailerDkim } = await import('nodemailer/lib/dkim');

const built = readBuild(ROOT, 3, path.join(ROOT, 'dist', '003'));
const { newsletter } = loadNewsletter(contentPaths(ROOT));
const skeleton = buildSkeleton(newsletter, built.rendered, { contentHash: built.manifest.inputsHash });
const wire = wireTemplate(skeleton);
const ctx = {
  newsletter,
  skeleton,
  contentHash: built.manifest.inputsHash,
  issue: 3,
  secret: UNSUBSCRIBE_SECRET,
  variant: '',
};
const recipients = Array.from({ length: N }, (_, i) => {
  const email = `maria.gonzalez.${i}@members.example.com`;
  return {
    email,
    key: email,
    name: i % 5 === 0 ? 'José Fernández' : 'Maria Gonzalez',
    fields: { organisation: 'Coopérative de Sfax' },
  };
});

let sink = 0;
function time(label, fn, n = N) {
  for (let i = 0; i < Math.min(n, 2000); i++) fn(i); // warm up
  const passes = [];
  for (let p = 0; p < 3; p++) {
    globalThis.gc?.();
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    passes.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  const us = median(passes);
  console.log(`${us.toFixed(2).padStart(9)} µs  ${label}`);
  return us;
}
async function timeAsync(label, fn, n) {
  for (let i = 0; i < Math.min(n, 50); i++) await fn(i);
  const passes = [];
  for (let p = 0; p < 3; p++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn(i);
    passes.push(Number(process.hrtime.bigint() - t) / 1000 / n);
  }
  const us = median(passes);
  console.log(`${us.toFixed(2).padStart(9)} µs  ${label}`);
  return us;
}

const sample = personalizeWire(ctx, wire, recipients[0]).wire;
console.log(
  `per message, ${N.toLocaleString('en-US')} recipients, ${sample.length} bytes on the wire; ` +
    `Node ${process.version}\n`,
);
console.log('personalisation');
time('personalizeWire(): the send path (token, links, Message-ID, bytes)', (i) => {
  sink += personalizeWire(ctx, wire, recipients[i]).wire.length;
});
time('personalize(): the same message as a string (preview, build)', (i) => {
  sink += personalize(ctx, recipients[i]).raw.length;
});
time('  of which sealToken (HMAC-SHA256 + AES-256-GCM)', (i) => {
  sink += sealToken(UNSUBSCRIBE_SECRET, newsletter.list_id, recipients[i].key, 3).length;
});
time('  of which messageIdFor (SHA-256)', (i) => {
  sink += messageIdFor(skeleton, ctx.contentHash, recipients[i].key).length;
});
const fields = (i) => ({
  name: recipients[i].name,
  email: recipients[i].email,
  messageId: '<0123456789abcdef0123456789abcdef@example.org>',
  date: new Date(),
  listUnsubscribe: '<https://example.org/u?t=abc&i=3>, <mailto:u@example.org?subject=unsubscribe%20abc>',
  oneClick: true,
  slot: (name) => (name === 'name' ? recipients[i].name : name === 'email' ? recipients[i].email : 'x'),
});
const fixed = Array.from({ length: 1000 }, (_, i) => fields(i));
time('  of which composeWire (headers, slots, one Buffer)', (i) => {
  sink += composeWire(wire, fixed[i % 1000]).wire.length;
});
time('  of which stuffLines on a recipient header block (nothing to change)', (i) => {
  sink += stuffLines(`To: ${recipients[i].name} <${recipients[i].email}>\r\nDate: x\r\nMessage-ID: <y>\r\n`).length;
});

console.log("\nSMTP's dot-stuffing (23 KB message)");
const wires = recipients.slice(0, 2000).map((r) => personalizeWire(ctx, wire, r).wire);
const raws = wires.map(unstuff);
time(
  "nodemailer's DataStream transform (what SMTPConnection does to every message)",
  (i) => (sink += nodemailerStuff(raws[i % raws.length]).length),
  5000,
);
for (let i = 0; i < 20; i++) {
  if (!nodemailerStuff(raws[i]).equals(wires[i]))
    throw new Error('pre-stuffed bytes differ from nodemailer DataStream');
}
time(
  "  the same message pre-stuffed by enews, through the adapter's pass-through (checked identical)",
  (i) => (sink += nodemailerStuff(track(wires[i % wires.length], true)).length),
  5000,
);
time('unstuff (the unstuffed bytes, for DKIM and dry runs)', (i) => (sink += unstuff(wires[i % wires.length]).length));

console.log('\njournal');
const dir = mkdtempSync(path.join(os.tmpdir(), 'enews-micro-'));
const fd = openSync(path.join(dir, 'j.jsonl'), 'a', 0o600);
const rec = (i) => ({
  type: 'sent',
  at: new Date().toISOString(),
  key: recipients[i].key,
  email: recipients[i].email,
  messageId: '<0123456789abcdef0123456789abcdef@example.org>',
  response: '250 2.0.0 Ok: queued as 4Xk2Z1abcd',
});
time('JSON.stringify of a sent record (with its date)', (i) => (sink += JSON.stringify(rec(i)).length));
time('writeSync of one record (a system call)', (i) => (sink += writeSync(fd, `${JSON.stringify(rec(i))}\n`)));
const lines = Array.from({ length: 4 }, (_, i) => `${JSON.stringify(rec(i))}\n`).join('');
time('writeSync of four records at once, per record', () => (sink += writeSync(fd, lines)) / 4, N / 4);
closeSync(fd);
rmSync(dir, { recursive: true, force: true });

console.log(`\nDKIM (RSA-${a['dkim-bits']}, relaxed/relaxed, one message at a time)`);
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: Number(a['dkim-bits']),
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const dkim = { domainName: 'example.org', keySelector: 'enews' };
const theirs = new NodemailerDkim({ ...dkim, privateKey: createPrivateKey(privateKey) });
const ours = dkimSigner({ ...dkim, privateKey, ed25519: null });
const messages = recipients.slice(0, 500).map((r, i) => {
  const m = personalizeWire(ctx, wire, r);
  return { from: 'b@example.org', to: r.email, raw: '', messageId: m.messageId, seq: i + 1, ...m };
});
for (const m of messages.slice(0, 20)) {
  const chunks = [];
  for await (const c of theirs.sign(unstuff(m.wire))) chunks.push(c);
  if (!Buffer.concat(chunks).equals(await signedBytes(ours, m))) throw new Error('the signers disagree');
}
await timeAsync(
  "nodemailer's signer (body canonicalised and hashed in JavaScript, RSA on the event loop)",
  async (i) => {
    for await (const c of theirs.sign(unstuff(messages[i % messages.length].wire))) sink += c.length;
  },
  500,
);
let onLoop = 0n;
const ourSign = async (i) => {
  const t = process.hrtime.bigint();
  const fields = ours.fields(messages[i % messages.length]);
  onLoop += process.hrtime.bigint() - t;
  sink += (await fields).length;
};
const total = await timeAsync(
  'enews signer from the pieces (the same field, byte for byte; RSA in the thread pool)',
  ourSign,
  500,
);
onLoop = 0n;
await timeAsync('  (again, to time the part on the event loop)', ourSign, 500);
console.log(
  `${(Number(onLoop) / 1000 / (500 * 3)).toFixed(2).padStart(9)} µs    of which on the event loop (canonicalising, ` +
    `hashing, the field), the rest of ${total.toFixed(0)} µs the signature`,
);
if (sink === 42) console.log('');
