/**
 * enews inbox records a large mailbox in batches (inbox/run.ts, BATCH), so
 * what it holds does not grow with the mailbox: the results are those of
 * recording the whole mailbox at once, at 1,000 messages, recorded and in a
 * dry run. The mailbox is the scenario's returns (tests/helpers/inbox-scenario.ts)
 * over and over, each copy a message of its own, so later batches meet
 * returns that earlier ones recorded.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mboxSource } from '../src/inbox/mbox.js';
import type { MailSource } from '../src/inbox/message.js';
import { BATCH, type InboxResult, type ResultList, runInbox } from '../src/inbox/run.js';
import { fileState } from '../src/state/open.js';
import { BIN, cleanEnv, runCli } from './helpers/cli.js';
import {
  EXPECTED_EVENTS,
  essentials,
  LIST,
  prepareScenario,
  runDir,
  SECRET,
  sorted,
  world,
  writeMbox,
} from './helpers/inbox-scenario.js';

beforeAll(prepareScenario, 120_000);

const SIZE = 1_000;
const NOW = new Date('2026-12-07T12:00:00.000Z');

/** SIZE messages: the scenario's (but the 20 MB one) in turn, each copy with a header line of its own. */
function mailbox(): Buffer[] {
  const returns = world.mailbox.filter((m) => m.length < 1024 * 1024);
  return Array.from({ length: SIZE }, (_, i) => {
    const m = returns[i % returns.length]!;
    const eol = m.includes('\r\n') ? '\r\n' : '\n';
    return Buffer.concat([Buffer.from(`X-Copy: ${i}${eol}`), m]);
  });
}

async function run(name: string, batch: number, dryRun: boolean, wrap = (s: MailSource) => s) {
  const dir = runDir(name);
  const mbox = path.join(dir, 'bounces.mbox');
  writeMbox(mbox, mailbox());
  const eventsFile = path.join(dir, 'events.jsonl');
  const result = await runInbox({
    root: world.dir,
    source: wrap(mboxSource(mbox, 'bounces.mbox')),
    state: fileState({ root: world.dir, listId: LIST, eventsFile }),
    journals: [],
    dryRun,
    secrets: [SECRET],
    now: () => NOW,
    batch,
  });
  const lines = (file: string) => {
    try {
      return readFileSync(path.join(dir, file), 'utf8').trim().split('\n').sort();
    } catch {
      return [];
    }
  };
  return { result, events: lines('events.jsonl'), seen: lines('inbox-seen.jsonl').map((l) => JSON.parse(l).fp) };
}

const LISTS = ['events', 'matched', 'unmatched', 'unproved'] as const;
/** What a report shows of a list (result-spool.ts FIRST). */
const FIRST_SHOWN = 100;

async function entries<T>(list: ResultList<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of list.all()) out.push(x);
  return out;
}

/**
 * The result as plain values, its lists read back from the spool (then removed), events in a stable order: a batch
 * adds the bounces soft bounces add up to at its end.
 */
async function comparable(r: InboxResult) {
  const lists = {
    unmatched: await entries(r.unmatched),
    unproved: await entries(r.unproved),
    matched: await entries(r.matched),
    events: sorted((await entries(r.events)) as never),
  };
  // What a report shows is the first of each list, and the counts are the lists'.
  for (const k of LISTS) {
    expect(r[k].count).toBe(lists[k].length);
    expect(r[k].first.length).toBe(Math.min(100, lists[k].length));
  }
  expect(r.events.first).toEqual((await entries(r.events)).slice(0, 100));
  const { close, ...rest } = r;
  close();
  return { ...rest, eventsFile: path.basename(r.eventsFile), ...lists };
}

/** Runs `f` with the temporary folder (TMPDIR) a fresh one of its own, returned with what `f` returns. */
async function inTmp<T>(name: string, f: () => Promise<T>): Promise<{ tmp: string; value: T }> {
  const tmp = path.join(runDir(name), 'tmp');
  mkdirSync(tmp, { recursive: true });
  const was = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    return { tmp, value: await f() };
  } finally {
    if (was === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = was;
  }
}

describe('enews inbox in batches', () => {
  it('records 1,000 messages in batches of 64 as in one: the same result, events and memory', async () => {
    expect(SIZE).toBeLessThan(BATCH);
    const whole = await run('whole', BATCH, false);
    const batched = await run('batched', 64, false);
    expect(whole.result.messages).toBe(SIZE);
    const [w, b] = [await comparable(whole.result), await comparable(batched.result)];
    // Each fact once, however many copies of its return: the events of the scenario, no more.
    expect(sorted(essentials(w.events))).toEqual(sorted(EXPECTED_EVENTS));
    expect(w.alreadyRecorded).toBe(w.matched.length - EXPECTED_EVENTS.length + 1);
    expect(b).toEqual(w);
    expect(batched.events).toEqual(whole.events);
    expect(batched.events).toHaveLength(EXPECTED_EVENTS.length);
    expect(batched.seen.sort()).toEqual(whole.seen.sort());
    expect(new Set(batched.seen).size).toBe(SIZE);
  });

  it('in a dry run, later batches see what earlier ones would record: the same result as in one', async () => {
    const whole = await run('whole-dry', BATCH, true);
    const batched = await run('batched-dry', 7, true);
    const [w, b] = [await comparable(whole.result), await comparable(batched.result)];
    expect(b).toEqual(w);
    expect(sorted(essentials(b.events))).toEqual(sorted(EXPECTED_EVENTS));
    expect([batched.events, batched.seen, whole.events, whole.seen]).toEqual([[], [], [], []]);
  });

  it('spools the lists in a folder of its own in TMPDIR: there until the result is closed, then gone', async () => {
    const { tmp, value } = await inTmp('spool-kept', () => run('spool-kept', 64, false));
    expect(readdirSync(tmp)).toHaveLength(1);
    expect(readdirSync(path.join(tmp, readdirSync(tmp)[0]!)).sort()).toEqual(LISTS.map((l) => `${l}.jsonl`));
    expect(value.result.matched.count).toBeGreaterThan(64);
    value.result.close();
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('a run that fails after batches were spooled removes its spool, and the error is the one it met', async () => {
    // The mailbox fails to read after 200 messages: three batches of 64 recorded and spooled before.
    const failing = (s: MailSource): MailSource => ({
      ...s,
      messages: async function* (known) {
        let n = 0;
        for await (const m of s.messages(known)) {
          if (++n > 200) throw new Error('the disk went away');
          yield m;
        }
      },
      markProcessed: (m) => s.markProcessed(m),
      close: () => s.close(),
    });
    let seenDuring: string[] = [];
    const watched = (s: MailSource): MailSource => {
      const f = failing(s);
      return {
        ...f,
        markProcessed: async (m) => {
          seenDuring = readdirSync(process.env.TMPDIR!);
          return f.markProcessed(m);
        },
      };
    };
    const { tmp, value } = await inTmp('spool-failed', () =>
      run('spool-failed', 64, false, watched).then(
        () => 'finished',
        (err: Error) => err.message,
      ),
    );
    expect(value).toBe('the disk went away');
    expect(seenDuring).toHaveLength(1);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('enews inbox --json prints the spooled lists whole, then removes the spool; the same text without --json', async () => {
    const dir = runDir('cli-spool');
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    writeMbox(path.join(dir, 'bounces.mbox'), mailbox());
    const args = (events: string, json: boolean) => [
      'inbox',
      '--mbox',
      path.join(dir, 'bounces.mbox'),
      '--events',
      path.join(dir, events),
      ...(json ? ['--json'] : []),
    ];
    const env = { UNSUBSCRIBE_SECRET: SECRET, TMPDIR: tmp };
    const r = await runCli(args('events.jsonl', true), { cwd: world.dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(tmp)).toEqual([]);
    const json = JSON.parse(r.stdout);
    // Every entry of every list, as the library's result holds them.
    const lib = await run('cli-spool-lib', BATCH, false);
    const plain = await comparable(lib.result);
    expect(json.matched).toEqual(plain.matched);
    expect(json.unmatched).toEqual(plain.unmatched);
    expect(json.unproved).toEqual(plain.unproved);
    expect(json.events).toHaveLength(plain.events.length);
    // Lists longer than what is kept in memory: the rest came back from the spool.
    expect(json.matched.length).toBeGreaterThan(FIRST_SHOWN);
    expect(json.unmatched.length).toBeGreaterThan(FIRST_SHOWN);
    // Another events file in another folder: another memory of processed messages, so the same messages again.
    mkdirSync(path.join(dir, 'text'));
    const text = await runCli(args(path.join('text', 'events.jsonl'), false), { cwd: world.dir, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Recorded ${json.events.length} events in`);
    // Unproved: the first 100; unreadable: all of them, read back from the spool.
    expect(text.stdout.match(/^ {2}- /gm)).toHaveLength(
      Math.min(FIRST_SHOWN, json.unproved.length) + json.unmatched.length,
    );
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('Ctrl-C during a run removes the spool, and the process still ends by the signal', async () => {
    const dir = runDir('cli-interrupted');
    const tmp = path.join(dir, 'tmp');
    mkdirSync(tmp);
    // Many copies: the run lasts long enough to be interrupted while it reads.
    writeMbox(path.join(dir, 'bounces.mbox'), [...mailbox(), ...mailbox(), ...mailbox()]);
    const child = spawn(
      process.execPath,
      [BIN, 'inbox', '--mbox', path.join(dir, 'bounces.mbox'), '--events', path.join(dir, 'events.jsonl')],
      {
        cwd: world.dir,
        env: cleanEnv({ UNSUBSCRIBE_SECRET: SECRET, TMPDIR: tmp }),
        stdio: 'ignore',
      },
    );
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, signal) => resolve([code, signal])),
    );
    let spool: string | undefined;
    while (!spool) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      spool = readdirSync(tmp)[0];
    }
    child.kill('SIGINT');
    expect(await ended).toEqual([null, 'SIGINT']);
    expect(existsSync(path.join(tmp, spool))).toBe(false);
    expect(readdirSync(tmp)).toEqual([]);
  });
});
