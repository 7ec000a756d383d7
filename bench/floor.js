#!/usr/bin/env node
/**
 * The library floors: the fastest a nodemailer-based sender can be.
 * Pushes one pre-built message (dist/003/message.eml) through a nodemailer
 * SMTP pool, one recipient per message. No CSV, no personalisation, no
 * journal.
 *
 * - floor (the defaults): C messages in flight, the pool reconnecting every
 *   1000 messages, as enews's sendMail-based pool did (commit 4cfa88e).
 * - floor2 (`--queued 2C --max-messages 0`): the bare pool at its best: 2C
 *   messages queued so every connection has its next message ready, and no
 *   periodic reconnect.
 *
 * - with `--dkim KEYFILE`, the pool signs every message with nodemailer's own
 *   DKIM option (relaxed/relaxed, the key given as a parsed KeyObject, so the
 *   PEM is not parsed again for every message): what the DKIM-signed send is
 *   compared with.
 *
 *   node bench/floor.js --port P [--host 127.0.0.1] --concurrency C --count N
 *                       [--queued Q] [--max-messages M (0: never reconnect)]
 *                       [--message dist/003/message.eml] [--raw string|buffer] [--dkim KEYFILE]
 *
 * Prints one JSON line: { sent, failed, sendMs, rate, rssPeakBytes, cpuUs }
 * (cpuUs: this process's CPU time during the send phase, µs).
 */
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';

const { values: a } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    count: { type: 'string', default: '10000' },
    message: { type: 'string', default: 'dist/003/message.eml' },
    raw: { type: 'string', default: 'string' },
    queued: { type: 'string' },
    'max-messages': { type: 'string', default: '1000' },
    dkim: { type: 'string' },
  },
});
if (!a.port) {
  console.error(
    'usage: node bench/floor.js --port P [--concurrency C] [--count N] [--message FILE] [--raw string|buffer]',
  );
  process.exit(2);
}
const C = Number(a.concurrency);
const N = Number(a.count);
// Messages handed to the pool at once (sendMail calls not yet answered); the pool queues those beyond C.
const Q = Number(a.queued ?? C);
const maxMessages = Number(a['max-messages']) || Infinity;
const bytes = readFileSync(a.message);
// enews hands nodemailer a string; `--raw buffer` shows what bytes would cost instead.
const raw = a.raw === 'buffer' ? bytes : bytes.toString('utf8');

const transport = nodemailer.createTransport({
  host: a.host,
  port: Number(a.port),
  secure: false,
  pool: true,
  maxConnections: C,
  maxMessages, // floor: 1000, as enews's pool did; floor2: never reconnect
  connectionTimeout: 60_000,
  greetingTimeout: 60_000,
  socketTimeout: 60_000,
  logger: false,
  debug: false,
  ...(a.dkim
    ? {
        dkim: {
          domainName: 'example.org',
          keySelector: 'enews',
          privateKey: createPrivateKey(readFileSync(a.dkim, 'utf8')),
        },
      }
    : {}),
});

await transport.verify(); // enews verifies before its send phase too
let next = 0;
let sent = 0;
let failed = 0;
const cpu0 = process.cpuUsage();
const started = performance.now();
async function worker() {
  while (next < N) {
    const i = next++;
    try {
      await transport.sendMail({ envelope: { from: 'coop-enews@example.org', to: [`r${i}@bench.example.net`] }, raw });
      sent++;
    } catch {
      failed++;
    }
  }
}
await Promise.all(Array.from({ length: Q }, worker));
const sendMs = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
transport.close();
process.stdout.write(
  JSON.stringify({
    sent,
    failed,
    sendMs,
    rate: (sent * 1000) / sendMs,
    rssPeakBytes: process.resourceUsage().maxRSS * 1024,
    cpuUs: cpu.user + cpu.system,
  }) + '\n',
);
