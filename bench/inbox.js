#!/usr/bin/env node
/**
 * node bench/inbox.js — throughput and peak memory of `enews inbox --mbox`
 * on generated mailboxes of returned mail, matched against a generated send
 * journal. Each mailbox is read twice: the first run records, the second
 * finds everything already processed. Peak RSS that stays flat from the
 * small mailbox to the large one is what shows the mailbox is streamed (issue
 * 28's target: ≤ 200 MB at 1,000 and at 100,000 messages, ≥ 2,000 messages/s
 * on the first read). The 1-minute load average before each run is shown:
 * on a shared machine it says how far to trust the times.
 *
 * The mail is made from the test fixtures (tests/fixtures/inbox): Postfix,
 * Gmail and Exchange bounces, Yahoo complaints and out-of-office replies,
 * each returning a copy of a ~16 KB newsletter where real ones do.
 *
 * Needs the compiled CLI (npm run build). Environment:
 *   BENCH_INBOX_SIZES=1000,10000,100000   mailbox sizes, in messages (100,000: a 1.2 GB mbox)
 *   BENCH_INBOX_JOURNAL=100000     sent lines in the journal (1000000 for a 1M-line journal)
 *   BENCH_KEEP=1                   keep the generated files in bench/results/tmp/
 *   BENCH_INBOX_COMPARE=DIR        another checkout (built) to compare with: the first reads alternate
 *                                  between the two, BENCH_ROUNDS times (default 3), medians shown; the
 *                                  --json, events file and inbox-seen.jsonl of every run must be the same
 *                                  bytes (times aside)
 */
import { cpSync, createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import os from 'node:os';
import { verpId } from '../lib/personalize/return-path.js';
import { installCleanup, RESULTS, ROOT, runMeasured, UNSUBSCRIBE_SECRET } from './lib.js';

const SIZES = (process.env.BENCH_INBOX_SIZES ?? '1000,10000,100000').split(',').map(Number);
const JOURNAL = Number(process.env.BENCH_INBOX_JOURNAL ?? 100_000);
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'inbox');
const work = path.join(RESULTS, 'tmp', `inbox-${process.pid}`);
const COMPARE = process.env.BENCH_INBOX_COMPARE ? path.resolve(process.env.BENCH_INBOX_COMPARE) : null;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (COMPARE ? 3 : 1));

const verp = (messageId) => `coop-enews-bounces+${verpId(messageId)}@example.org`;
const messageId = (i) => `<bench${String(i).padStart(8, '0')}@example.org>`;
const email = (i) => `reader${String(i).padStart(8, '0')}@example.org`;

/** A stand-in for a sent newsletter: its headers as enews writes them and a ~16 KB body. */
function original(i) {
  const headers =
    `To: "Reader ${i}" <${email(i)}>\nDate: Wed, 26 Apr 2017 07:12:39 +0000\nMessage-ID: ${messageId(i)}\n` +
    'From: "ILO COOP" <coop-enews@example.org>\nReply-To: coop@example.org\n' +
    'Subject: ILO COOP eNewsUpdate No. 3\nList-Id: "ILO COOP eNewsUpdate" <enews.coop.example.org>\n' +
    'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable';
  const body = 'News on cooperatives and the social and solidarity economy from the ILO. '.repeat(220);
  return { headers, message: `${headers}\n\n${body.replace(/(.{72})/g, '$1=\n')}\n` };
}

const templates = Object.fromEntries(
  ['dsn-postfix-failed', 'dsn-gmail-delayed', 'dsn-exchange-failed', 'arf-yahoo', 'ooo-vacation'].map((f) => [
    f,
    readFileSync(path.join(FIXTURES, `${f}.eml`), 'utf8'),
  ]),
);
// Half hard bounces, then soft bounces, complaints, Exchange NDRs and out-of-office replies.
const MIX = [
  'dsn-postfix-failed',
  'dsn-postfix-failed',
  'dsn-postfix-failed',
  'dsn-postfix-failed',
  'dsn-postfix-failed',
  'dsn-gmail-delayed',
  'dsn-gmail-delayed',
  'arf-yahoo',
  'dsn-exchange-failed',
  'ooo-vacation',
];

function returnFor(n) {
  const i = (n * 7919) % JOURNAL;
  const o = original(i);
  const values = {
    EMAIL: email(i),
    VERP_ADDRESS: verp(messageId(i)),
    MESSAGE_ID: messageId(i),
    SUBJECT: 'ILO COOP eNewsUpdate No. 3',
    ORIGINAL_HEADERS: o.headers,
    ORIGINAL_MESSAGE: o.message,
  };
  const text = templates[MIX[n % MIX.length]].replace(/\{\{([A-Z_]+)\}\}\n?/g, (all, key) =>
    key === 'ORIGINAL_MESSAGE' ? values[key] : values[key] + (all.endsWith('\n') ? '\n' : ''),
  );
  // Every real return has its own Message-ID (the fixtures have one each): so have these, in their header block.
  const end = text.indexOf('\n\n');
  return (
    text.slice(0, end).replace(/^Message-I[dD]: .*$/m, `Message-ID: <bench-return-${n}@mx.example>`) + text.slice(end)
  );
}

async function write(file, lines) {
  const out = createWriteStream(file);
  for (const l of lines()) if (!out.write(l)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

async function project(size) {
  const dir = path.join(work, `mbox-${size}`);
  mkdirSync(path.join(dir, 'journal'), { recursive: true });
  cpSync(path.join(ROOT, 'issues'), path.join(dir, 'issues'), { recursive: true });
  await write(path.join(dir, 'journal', '003.jsonl'), function* () {
    const run = {
      type: 'run',
      at: '2017-04-26T07:12:00.000Z',
      issue: 3,
      inputsHash: 'bench',
      subscribers: 'b.csv',
      shard: null,
    };
    yield `${JSON.stringify(run)}\n`;
    for (let i = 0; i < JOURNAL; i++) {
      const r = {
        type: 'sent',
        at: '2017-04-26T07:12:39.000Z',
        key: email(i),
        email: email(i),
        messageId: messageId(i),
        response: '250 2.0.0 Ok: queued',
      };
      yield `${JSON.stringify(r)}\n`;
    }
  });
  await write(path.join(dir, 'bounces.mbox'), function* () {
    for (let n = 0; n < size; n++) {
      // mboxrd: a From line before each message, body lines that start with From escaped.
      yield `From MAILER-DAEMON Wed Apr 26 09:12:41 2017\n${returnFor(n).replace(/^(>*From )/gm, '>$1')}\n`;
    }
  });
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;

async function main() {
  if (![ROOT, COMPARE].every((r) => r === null || existsSync(path.join(r, 'lib', 'inbox', 'run.js')))) {
    console.error('The compiled CLI is missing or old: run npm run build first (in both checkouts).');
    process.exit(2);
  }
  installCleanup(() => process.env.BENCH_KEEP || rmSync(work, { recursive: true, force: true }));
  const rows = [];
  const medians = [];
  // The other checkout first in each round, so this one's state is what the second read finds.
  const checkouts = [...(COMPARE ? [['compare', COMPARE]] : []), ['this', ROOT]];
  for (const size of SIZES) {
    const dir = await project(size);
    const mbox = path.join(dir, 'bounces.mbox');
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, UNSUBSCRIBE_SECRET };
    const measure = async (label, root, pass, round) => {
      const load = os.loadavg()[0].toFixed(1);
      const bin = path.join(root, 'bin', 'enews.js');
      const r = await runMeasured(process.execPath, [bin, 'inbox', '--mbox', mbox, '--json'], { cwd: dir, env });
      if (r.code !== 0) throw new Error(`enews inbox (${label}) failed (${r.code}): ${r.stderr}`);
      const j = JSON.parse(r.stdout);
      rows.push({
        messages: size,
        checkout: label,
        round,
        pass,
        mbox: mb(statSync(mbox).size),
        journal: `${JOURNAL.toLocaleString('en-US')} lines`,
        seconds: (r.wallMs / 1000).toFixed(2),
        'msg/s': Math.round(size / (r.wallMs / 1000)),
        'CPU s': r.cpuS?.toFixed(2),
        'peak RSS': mb(r.peakRssKB * 1024),
        events: j.events.length,
        unmatched: j.unmatched.length,
        processed: j.alreadyProcessed,
        load,
      });
      console.error(
        `${size} messages, ${label}, ${pass} run: ${rows.at(-1).seconds} s, peak RSS ${rows.at(-1)['peak RSS']}, load ${load}`,
      );
      return {
        wallMs: r.wallMs,
        rssKB: r.peakRssKB,
        cpuS: r.cpuS,
        json: r.stdout.replace(/"at": "[^"]*"/g, '"at"'),
      };
    };
    const firsts = new Map(checkouts.map(([label]) => [label, []]));
    let reference = null;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [label, root] of checkouts) {
        // Each first read starts from nothing recorded.
        for (const f of ['events.jsonl', 'inbox-seen.jsonl']) rmSync(path.join(dir, 'journal', f), { force: true });
        const m = await measure(label, root, 'first', round);
        firsts.get(label).push(m);
        // What the run wrote must be the same bytes too (times aside): the events and the memory of messages.
        const written = ['events.jsonl', 'inbox-seen.jsonl'].map((f) =>
          readFileSync(path.join(dir, 'journal', f), 'utf8').replace(/"at":"[^"]*"/g, '"at"'),
        );
        const output = [m.json, ...written];
        reference ??= output;
        for (const [i, what] of ['--json', 'events file', 'inbox-seen.jsonl'].entries())
          if (output[i] !== reference[i])
            throw new Error(`${size} messages: the ${what} of ${label} differs from the first run's`);
      }
    }
    await measure('this', ROOT, 'again', 1);
    for (const [label, runs] of firsts) {
      const wall = median(runs.map((r) => r.wallMs));
      const rss = median(runs.map((r) => r.rssKB));
      medians.push({
        messages: size,
        checkout: label,
        runs: runs.length,
        'median s': (wall / 1000).toFixed(2),
        'msg/s': Math.round(size / (wall / 1000)),
        // User + system time: what the load of other processes on the machine disturbs least.
        'median CPU s': median(runs.map((r) => r.cpuS)).toFixed(2),
        'median peak RSS': mb(rss * 1024),
      });
    }
    // The mailboxes are large (100,000 messages: 1.2 GB): each goes once measured.
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
  console.table(rows);
  console.log('First reads, medians:');
  console.table(medians);
  if (!process.env.BENCH_KEEP) rmSync(work, { recursive: true, force: true });
}

await main();
