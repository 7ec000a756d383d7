/**
 * enews inbox against real returns (see tests/helpers/inbox-scenario.ts):
 * an mbox file and a Maildir holding the same mailbox, and what the command
 * refuses. The IMAP reader is in inbox-imap.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../src/events/event-log.js';
import { write } from './helpers/project.js';
import {
  EXPECTED_EVENTS,
  EXPECTED_UNMATCHED,
  MAILBOX,
  essentials,
  eventsIn,
  expectFullResult,
  inbox,
  p,
  prepareScenario,
  runDir,
  sorted,
  world,
  writeMaildir,
  writeMbox,
} from './helpers/inbox-scenario.js';

beforeAll(prepareScenario, 120_000);

describe('enews inbox reads an mbox file', () => {
  it('records each return for its recipient and issue, once; a second run records nothing', async () => {
    const run = runDir('mbox');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expectFullResult(r.json);
    expect(essentials(eventsIn(events))).toEqual(essentials(r.json.events));
    // The events keep what a person needs to judge them.
    const byEmail = (e: string) => eventsIn(events).filter((x) => x.email === e);
    expect(byEmail(p('ana'))[0]!.detail).toMatch(/^5\.1\.1 smtp; 550 5\.1\.1 <ana@postfix\.example\.net>: Recipient/);
    expect(byEmail(p('fay')).find((x) => x.type === 'bounced')!.detail).toBe('soft-bounced in issues 1, 2 and 3');
    expect(byEmail(p('hal'))[0]!.detail).toBe('abuse report by Yahoo!-Mail-Feedback/2.0');
    // Remembered: every message dealt with (the unmatched stay to be shown again), by hash only.
    const seen = readFileSync(path.join(run, 'inbox-seen.jsonl'), 'utf8').trim().split('\n');
    expect(seen).toHaveLength(MAILBOX.length - EXPECTED_UNMATCHED.length);
    expect(seen.join('\n')).not.toMatch(/@/);

    const before = readFileSync(events, 'utf8');
    const again = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(events, 'utf8')).toBe(before);
    expect(again.stdout).toContain(
      `Read ${MAILBOX.length} messages from ${path.join('runs', 'mbox', 'bounces.mbox')}:`,
    );
    expect(again.stdout).toMatch(/ {2}bounced +0\n/);
    expect(again.stdout).toMatch(/ {2}unmatched +6\n/);
    expect(again.stdout).toMatch(/ {2}already processed +19\n/);
    expect(again.stdout).toContain(`Recorded 0 events in ${path.join('runs', 'mbox', 'events.jsonl')}.`);
    expect(again.stdout).toContain('Not matched (left in the mailbox;');
    expect(again.stdout).toMatch(
      new RegExp(
        '- message 22 <20170426071252\\.4VxQ3W1mMhz9sWU@mail\\.example\\.org> "Undelivered Mail Returned to Sender": ' +
          'a delivery report without per-recipient fields',
      ),
    );
    expect(again.stdout).toMatch(/- message 25 <[^>]+> "Undelivered Mail Returned to Sender": 20\.\d MB, larger than/);
    expect(again.stdout).toMatch(
      /- message 21 <8c4e2a1f-[^>]+> "Please remove me": stranger@example\.net is not in any send journal/,
    );
  });

  it('--dry-run prints what it would record and records nothing', async () => {
    const run = runDir('dry');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Dry run: would record 16 events in');
    expect(r.stdout).toContain(`  bounced       ${p('fay')} — soft-bounced in issues 1, 2 and 3`);
    expect(r.stdout).toContain(`  unsubscribed  ${p('kim')} — `);
    expect(existsSync(events)).toBe(false);
    expect(existsSync(path.join(run, 'inbox-seen.jsonl'))).toBe(false);
  });

  it('does not write again an event the events file already has', async () => {
    const run = runDir('known');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const at = '2017-04-26T10:00:00.000Z';
    await appendEvents(events, [
      { at, type: 'bounced', email: p('ana'), issue: 3, source: 'import' },
      { at, type: 'unsubscribed', email: p('lea'), source: 'page' },
      // Another issue: not the same event.
      { at, type: 'bounced', email: p('ben'), issue: 2, source: 'import' },
    ]);
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.alreadyRecorded).toBe(2);
    expect(r.json.events).toHaveLength(14);
    const all = eventsIn(events);
    expect(all).toHaveLength(17);
    expect(all.filter((e) => e.email === p('ana') && e.type === 'bounced')).toHaveLength(1);
    expect(all.filter((e) => e.email === p('ben') && e.type === 'bounced')).toHaveLength(2);
  });

  it('without UNSUBSCRIBE_SECRET matches unsubscribe requests by From address only, and says so', async () => {
    const run = runDir('nosecret');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--json'], {});
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'warning: UNSUBSCRIBE_SECRET is not set: 3 unsubscribe requests matched by From address only',
    );
    // Kim's request came from another address of hers: only the token could tell, so it is left for a person.
    expect(r.json.outcomes.unsubscribed).toBe(1);
    expect(r.json.unmatched).toContainEqual(
      expect.objectContaining({ why: 'not-on-list', detail: 'kim.lee@mail.example.com' }),
    );
    expect(
      eventsIn(events)
        .filter((e) => e.type === 'unsubscribed')
        .map((e) => e.email),
    ).toEqual([p('lea')]);
  });
});

describe('enews inbox reads a Maildir', () => {
  it('with the same fixtures, the same results; then nothing new', async () => {
    const run = runDir('maildir');
    writeMaildir(path.join(run, 'Maildir'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--maildir', path.join(run, 'Maildir'), '--events', events, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expectFullResult(r.json);
    expect(sorted(essentials(eventsIn(events)))).toEqual(sorted(EXPECTED_EVENTS));
    const again = await inbox(['--maildir', path.join(run, 'Maildir'), '--events', events, '--json']);
    expect(again.json).toMatchObject({ messages: MAILBOX.length, alreadyProcessed: 19, events: [] });
    expect(again.json.unmatched).toHaveLength(6);
    expect(eventsIn(events)).toHaveLength(EXPECTED_EVENTS.length);
  });

  it('refuses a folder that is not a Maildir', async () => {
    const r = await inbox(['--maildir', runDir('not-a-maildir')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('is not a Maildir: it has no cur/ or new/ folder.');
  });
});

describe('enews inbox refuses what it cannot do', () => {
  it('an events file that cannot be written: exit 4, nothing read', async () => {
    const run = runDir('unwritable');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox.slice(0, 2));
    write(run, 'not-a-folder', '');
    const r = await inbox([
      '--mbox',
      path.join(run, 'bounces.mbox'),
      '--events',
      path.join(run, 'not-a-folder', 'e.jsonl'),
    ]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('is not a folder. Nothing was read or recorded.');
  });

  it('a damaged events file stops the run (exit 4) even when no message is for the list', async () => {
    const run = runDir('damaged-quiet');
    // Only an out-of-office reply: nothing to record, yet the file it would be recorded in is damaged.
    const ooo = MAILBOX.findIndex(([file]) => file === 'ooo-vacation.eml');
    writeMbox(path.join(run, 'ooo.mbox'), [world.mailbox[ooo]!]);
    const good = JSON.stringify({ at: 'x', type: 'bounced', email: 'a@example.org', source: 'import' });
    const events = write(run, 'events.jsonl', `${good}\nnot json at all\n`);
    const r = await inbox(['--mbox', path.join(run, 'ooo.mbox'), '--events', events]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`${path.join('runs', 'damaged-quiet', 'events.jsonl')} is damaged at line 2`);
    expect(readFileSync(events, 'utf8')).toBe(`${good}\nnot json at all\n`);
    expect(existsSync(path.join(run, 'inbox-seen.jsonl'))).toBe(false);
  });

  it('one run at a time per events file', async () => {
    const run = runDir('locked');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox.slice(0, 2));
    // Held by a live process (this one) on this machine: not stale.
    const holder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), procStart: null };
    write(run, 'inbox-seen.jsonl.lock', JSON.stringify(holder));
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`Another enews inbox is recording into ${path.join('runs', 'locked', 'events.jsonl')}.`);
    expect(existsSync(events)).toBe(false);
  });

  it('needs exactly one mailbox', async () => {
    const none = await inbox([], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Say where returned mail is: --mbox FILE, --maildir DIR or --imap URL');
    const two = await inbox(['--mbox', 'a', '--maildir', 'b']);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('Give one mailbox at a time (got --mbox and --maildir).');
  });
});
