#!/usr/bin/env node
/**
 * The library floor: the fastest enews could possibly be with nodemailer.
 * Pushes one pre-built message (dist/003/message.eml) through a nodemailer
 * SMTP pool with C messages in flight, one recipient per message, with the
 * same pool settings enews uses (src/delivery/smtp-config.ts). No CSV, no
 * personalisation, no journal.
 *
 *   node bench/floor.js --port P [--host 127.0.0.1] --concurrency C --count N
 *                       [--message dist/003/message.eml] [--raw string|buffer]
 *
 * Prints one JSON line: { sent, failed, sendMs, rate, rssPeakBytes }.
 */
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
const bytes = readFileSync(a.message);
// enews hands nodemailer a string; `--raw buffer` shows what bytes would cost instead.
const raw = a.raw === 'buffer' ? bytes : bytes.toString('utf8');

const transport = nodemailer.createTransport({
  host: a.host,
  port: Number(a.port),
  secure: false,
  pool: true,
  maxConnections: C,
  maxMessages: 1000, // as enews: reconnect every 1000 messages
  connectionTimeout: 60_000,
  greetingTimeout: 60_000,
  socketTimeout: 60_000,
  logger: false,
  debug: false,
});

await transport.verify(); // enews verifies before its send phase too
let next = 0;
let sent = 0;
let failed = 0;
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
await Promise.all(Array.from({ length: C }, worker));
const sendMs = performance.now() - started;
transport.close();
process.stdout.write(
  JSON.stringify({
    sent,
    failed,
    sendMs,
    rate: (sent * 1000) / sendMs,
    rssPeakBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
