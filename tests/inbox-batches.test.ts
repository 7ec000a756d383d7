/**
 * enews inbox records a large mailbox in batches (inbox/run.ts, BATCH), so
 * what it holds does not grow with the mailbox: the results are those of
 * recording the whole mailbox at once, at 1,000 messages, recorded and in a
 * dry run. The mailbox is the scenario's returns (tests/helpers/inbox-scenario.ts)
 * over and over, each copy a message of its own, so later batches meet
 * returns that earlier ones recorded.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { mboxSource } from '../src/inbox/mbox.js';
import { BATCH, runInbox, type InboxResult } from '../src/inbox/run.js';
import { fileState } from '../src/state/open.js';
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

async function run(name: string, batch: number, dryRun: boolean) {
  const dir = runDir(name);
  const mbox = path.join(dir, 'bounces.mbox');
  writeMbox(mbox, mailbox());
  const eventsFile = path.join(dir, 'events.jsonl');
  const result = await runInbox({
    root: world.dir,
    source: mboxSource(mbox, 'bounces.mbox'),
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

/** The result with its events in a stable order: a batch adds the bounces soft bounces add up to at its end. */
const comparable = (r: InboxResult) => ({
  ...r,
  eventsFile: path.basename(r.eventsFile),
  events: sorted(r.events as never),
});

describe('enews inbox in batches', () => {
  it('records 1,000 messages in batches of 64 as in one: the same result, events and memory', async () => {
    expect(SIZE).toBeLessThan(BATCH);
    const whole = await run('whole', BATCH, false);
    const batched = await run('batched', 64, false);
    expect(whole.result.messages).toBe(SIZE);
    // Each fact once, however many copies of its return: the events of the scenario, no more.
    expect(sorted(essentials(whole.result.events))).toEqual(sorted(EXPECTED_EVENTS));
    expect(whole.result.alreadyRecorded).toBe(whole.result.matched.length - EXPECTED_EVENTS.length + 1);
    expect(comparable(batched.result)).toEqual(comparable(whole.result));
    expect(batched.events).toEqual(whole.events);
    expect(batched.events).toHaveLength(EXPECTED_EVENTS.length);
    expect(batched.seen.sort()).toEqual(whole.seen.sort());
    expect(new Set(batched.seen).size).toBe(SIZE);
  });

  it('in a dry run, later batches see what earlier ones would record: the same result as in one', async () => {
    const whole = await run('whole-dry', BATCH, true);
    const batched = await run('batched-dry', 7, true);
    expect(comparable(batched.result)).toEqual(comparable(whole.result));
    expect(sorted(essentials(batched.result.events))).toEqual(sorted(EXPECTED_EVENTS));
    expect([batched.events, batched.seen, whole.events, whole.seen]).toEqual([[], [], [], []]);
  });
});
