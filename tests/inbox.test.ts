/**
 * enews inbox against real returns (see tests/helpers/inbox-scenario.ts):
 * an mbox file and a Maildir holding the same mailbox, and what the command
 * refuses. The IMAP reader is in inbox-imap.test.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventsFile } from '../src/events/events-file.js';
import { acquireLock } from '../src/journal/lock.js';
import { write } from './helpers/project.js';
import {
  EXPECTED_EVENTS,
  LIST,
  MAILBOX,
  essentials,
  eventsIn,
  expectFullResult,
  inbox,
  p,
  prepareScenario,
  runDir,
  SECRET,
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
    // Remembered: every message read, the unproved and unreadable too (listed once, not every run), by hash only.
    const seen = readFileSync(path.join(run, 'inbox-seen.jsonl'), 'utf8').trim().split('\n');
    expect(seen).toHaveLength(MAILBOX.length);
    expect(seen.join('\n')).not.toMatch(/@/);

    const before = readFileSync(events, 'utf8');
    const again = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events]);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(events, 'utf8')).toBe(before);
    expect(again.stdout).toContain(
      `Read ${MAILBOX.length} messages from ${path.join('runs', 'mbox', 'bounces.mbox')}:`,
    );
    expect(again.stdout).toMatch(/ {2}bounced +0\n/);
    expect(again.stdout).toMatch(/ {2}unproved +0\n/);
    expect(again.stdout).toMatch(/ {2}unreadable +0\n/);
    expect(again.stdout).toMatch(new RegExp(` {2}already processed +${MAILBOX.length}\n`));
    expect(again.stdout).toContain(`Recorded 0 events in ${path.join('runs', 'mbox', 'events.jsonl')}.`);
    expect(again.stdout).not.toContain('Unproved');
  });

  it('lists the unproved and the unreadable for a person, once, saying what each claims', async () => {
    const run = runDir('listed');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', path.join(run, 'events.jsonl')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ {2}unproved +3 {3}they do not prove whom they are about: nothing recorded\n/);
    expect(r.stdout).toMatch(/ {2}unreadable +4\n/);
    expect(r.stdout).toContain('Unproved (listed once, never applied:');
    expect(r.stdout).toMatch(/- message 24 <8c4e2a1f-[^>]+> "Please remove me": claims unsubscribed\n/);
    expect(r.stdout).toContain(`"Returned mail: see transcript for details": claims bounced, naming ${p('mia')}`);
    expect(r.stdout).toContain('Unreadable (listed once; look at them in the mailbox):');
    expect(r.stdout).toMatch(
      new RegExp(
        '- message 25 <20170426071252\\.4VxQ3W1mMhz9sWU@mail\\.example\\.org> "Undelivered Mail Returned to Sender": ' +
          'a delivery report without per-recipient fields',
      ),
    );
    expect(r.stdout).toMatch(/- message 28 <[^>]+> "Undelivered Mail Returned to Sender": 20\.\d MB, larger than/);
  });

  it('--dry-run prints what it would record and records nothing', async () => {
    const run = runDir('dry');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--dry-run']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Dry run: would record ${EXPECTED_EVENTS.length} events in`);
    expect(r.stdout).toContain(`  bounced       ${p('fay')} — soft-bounced in issues 1, 2 and 3`);
    expect(r.stdout).toContain(`  unsubscribed  ${p('kim')} (issue 3) — `);
    expect(existsSync(events)).toBe(false);
    expect(existsSync(path.join(run, 'inbox-seen.jsonl'))).toBe(false);
  });

  it('does not write again an event the events file already has', async () => {
    const run = runDir('known');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const at = '2017-04-26T10:00:00.000Z';
    await new EventsFile(events, LIST).record([
      { at, list: LIST, type: 'bounced', email: p('ana'), issue: 3, source: 'import' },
      // An unsubscribe is one per address, whichever issue or path: kim's by mail is the same fact.
      { at, list: LIST, type: 'unsubscribed', email: p('kim'), source: 'page' },
      // Another issue: not the same event.
      { at, list: LIST, type: 'bounced', email: p('ben'), issue: 2, source: 'import' },
    ]);
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.alreadyRecorded).toBe(2);
    expect(r.json.events).toHaveLength(EXPECTED_EVENTS.length - 2);
    const all = eventsIn(events);
    expect(all).toHaveLength(3 + EXPECTED_EVENTS.length - 2);
    expect(all.filter((e) => e.email === p('ana') && e.type === 'bounced')).toHaveLength(1);
    expect(all.filter((e) => e.email === p('kim') && e.type === 'unsubscribed')).toHaveLength(1);
    expect(all.filter((e) => e.email === p('ben'))).toHaveLength(2);
  });

  it('without UNSUBSCRIBE_SECRET proves only by journals and authentication, and says so', async () => {
    const run = runDir('nosecret');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--json'], {});
    expect(r.code, r.stderr).toBe(0);
    // Without the secret neither tokens nor VERP ids can be checked: what remains is a Message-ID that a send
    // journal records (the report quotes the returned message's) and a sender the mailbox's server authenticated.
    const via = (r.json.matched as Array<{ email: string; via: string }>).map((m) => [m.email, m.via]);
    expect(new Set(via.map(([, v]) => v))).toEqual(new Set(['message-id', 'authenticated-sender']));
    expect(via).toContainEqual([p('lea'), 'authenticated-sender']);
    // Amazon SES rewrote the Message-ID of the returned copy: only its VERP id, uncheckable now, names it.
    expect(via.map(([e]) => e)).not.toContain(p('eve'));
    // Kim's request has only its token.
    expect(via.map(([e]) => e)).not.toContain(p('kim'));
    const unproved = r.json.unproved.length;
    expect(unproved).toBe(MAILBOX.length - r.json.ignored - r.json.unmatched.length - via.length);
    expect(r.stderr).toContain(
      'warning: UNSUBSCRIBE_SECRET is not set, so tokens and VERP ids cannot be checked: ' +
        `${unproved} returns stayed unproved.`,
    );
  });
});

describe('enews inbox after the secret was strengthened', () => {
  const NEW = 'rjiJb8c75iikzAlQc46i3EKLetIR5ISoGmkkY8bjA6I=';

  it('proves the returns of messages sent with the old secret while UNSUBSCRIBE_SECRET_OLD holds it', async () => {
    const run = runDir('rotated');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    const mbox = ['--mbox', path.join(run, 'bounces.mbox'), '--dry-run', '--json'];
    const r = await inbox([...mbox, '--events', path.join(run, 'events.jsonl')], {
      UNSUBSCRIBE_SECRET: NEW,
      UNSUBSCRIBE_SECRET_OLD: SECRET,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    // Every token and VERP id of the mailbox was made with the old secret: all prove as before.
    expectFullResult(r.json);
    const without = await inbox([...mbox, '--events', path.join(run, 'events.jsonl')], { UNSUBSCRIBE_SECRET: NEW });
    expect(without.code, without.stderr).toBe(0);
    const via = new Set((without.json.matched as Array<{ via: string }>).map((m) => m.via));
    expect(via).toEqual(new Set(['message-id', 'authenticated-sender']));
  });

  it('refuses a weak UNSUBSCRIBE_SECRET, and accepts a weak old one with a warning', async () => {
    const run = runDir('weak');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox.slice(0, 2));
    const args = ['--mbox', path.join(run, 'bounces.mbox'), '--events', path.join(run, 'events.jsonl'), '--dry-run'];
    const weak = await inbox(args, { UNSUBSCRIBE_SECRET: 'inbox-test-unsubscribe-secret' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('error: UNSUBSCRIBE_SECRET is too weak: about 58 bits of strength');
    expect(weak.stderr).toContain('Make a strong one with: openssl rand -base64 32');
    expect(weak.stdout).toBe('');
    const old = await inbox(args, { UNSUBSCRIBE_SECRET: NEW, UNSUBSCRIBE_SECRET_OLD: 'inbox-test-unsubscribe-secret' });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain(
      'warning: UNSUBSCRIBE_SECRET_OLD holds a weak secret of about 58 bits, under the 128 a current one needs.',
    );
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
    expect(again.json).toMatchObject({ messages: MAILBOX.length, alreadyProcessed: MAILBOX.length, events: [] });
    expect(again.json.unmatched).toHaveLength(0);
    expect(eventsIn(events)).toHaveLength(EXPECTED_EVENTS.length);
  });

  it('remembers what the mbox reader processed: one memory, however the mailbox is read', async () => {
    const run = runDir('one-memory');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox);
    writeMaildir(path.join(run, 'Maildir'), world.mailbox);
    const events = path.join(run, 'events.jsonl');
    const first = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events, '--json']);
    expect(first.json.alreadyProcessed).toBe(0);
    const other = await inbox(['--maildir', path.join(run, 'Maildir'), '--events', events, '--dry-run', '--json']);
    expect(other.json).toMatchObject({ messages: MAILBOX.length, alreadyProcessed: MAILBOX.length, events: [] });
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
    expect(r.stderr).toContain('Nothing was read or recorded.');
    expect(readFileSync(events, 'utf8')).toBe(`${good}\nnot json at all\n`);
    expect(existsSync(path.join(run, 'inbox-seen.jsonl'))).toBe(false);
  });

  it('one run at a time per events file', async () => {
    const run = runDir('locked');
    writeMbox(path.join(run, 'bounces.mbox'), world.mailbox.slice(0, 2));
    // Held by a live process (this one).
    const held = acquireLock(path.join(run, 'inbox-seen.jsonl'), 'test');
    const events = path.join(run, 'events.jsonl');
    const r = await inbox(['--mbox', path.join(run, 'bounces.mbox'), '--events', events]);
    held.release();
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
