/**
 * The list state's contract (events/store.ts, journal/store.ts, inbox/seen.ts), the same tests on the files and on
 * PostgreSQL: each fact recorded once whoever records it, durable once acknowledged, journals read back in order,
 * one run at a time per journal, a dead holder holding nothing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import type { SubscriberEvent } from '../src/events/events.js';
import type { JournalRecord } from '../src/journal/journal.js';
import { openListState, type ListState } from '../src/state/open.js';
import { MIGRATIONS } from '../src/state/postgres/db.js';
import { BACKENDS, type Backend, stateEnv } from './helpers/backends.js';
import { emptyDir } from './helpers/project.js';

const LIST = 'enews.coop.example.org';
const WORKER = path.join(import.meta.dirname, 'helpers', 'lock-worker.mjs');

/** A list state of `backend` in a new project folder; `again()` opens another, as a second process would. */
async function fresh(backend: Backend) {
  const root = emptyDir();
  const env = await stateEnv(backend);
  const open = () => openListState({ root, env, listId: LIST });
  return { root, env, state: await open(), again: open };
}

const ev = (email: string, o: Partial<SubscriberEvent> = {}): SubscriberEvent => ({
  at: '2026-12-07T10:00:00.000Z',
  list: LIST,
  type: 'unsubscribed',
  email,
  source: 'page',
  ...o,
});

async function all(state: ListState): Promise<SubscriberEvent[]> {
  const out: SubscriberEvent[] = [];
  await state.events.each((e) => out.push(e));
  return out;
}

describe.each(BACKENDS)('the list state in %s', (backend) => {
  it('records each fact once, in order, and says which were new', async () => {
    const { state } = await fresh(backend);
    try {
      const bounce = (issue: number) => ev('a@x.org', { type: 'bounced', source: 'dsn', issue });
      expect(
        await state.events.record([ev('a@x.org', { issue: 3 }), ev('a@x.org', { issue: 4 }), ev('b@x.org')]),
      ).toEqual([ev('a@x.org', { issue: 3 }), ev('b@x.org')]);
      expect(await state.events.record([bounce(3), bounce(3), bounce(4), ev('b@x.org')])).toEqual([
        bounce(3),
        bounce(4),
      ]);
      expect((await all(state)).map((e) => [e.type, e.email, e.issue])).toEqual([
        ['unsubscribed', 'a@x.org', 3],
        ['unsubscribed', 'b@x.org', undefined],
        ['bounced', 'a@x.org', 3],
        ['bounced', 'a@x.org', 4],
      ]);
      expect(await state.events.has('unsubscribed\nb@x.org')).toBe(true);
      expect(await state.events.has('unsubscribed\nc@x.org')).toBe(false);
      expect(await state.events.problem()).toBeNull();
    } finally {
      await state.close();
    }
  });

  it('says which of many keys are recorded in one look, as of now', async () => {
    const { state, again } = await fresh(backend);
    const other = await again();
    try {
      const key = (email: string) => `unsubscribed\n${email}`;
      expect(await state.events.recorded?.([])).toEqual(new Set());
      await state.events.record([ev('a@x.org'), ev('b@x.org')]);
      const asked = [key('a@x.org'), key('b@x.org'), key('c@x.org'), 'bounced\na@x.org\n3'];
      expect(await state.events.recorded?.(asked)).toEqual(new Set([key('a@x.org'), key('b@x.org')]));
      // Recorded by another process (a second store): seen at the next look.
      await other.events.record([ev('c@x.org')]);
      expect(await state.events.recorded?.(asked)).toEqual(new Set([key('a@x.org'), key('b@x.org'), key('c@x.org')]));
    } finally {
      await other.close();
      await state.close();
    }
  });

  it('records once what two writers record at the same moment, each acknowledged write durable', async () => {
    const { state, again } = await fresh(backend);
    const other = await again();
    try {
      const emails = Array.from({ length: 200 }, (_, i) => `p${i}@x.org`);
      const a = Promise.all(emails.map((e) => state.events.record([ev(e)])));
      const b = Promise.all([...emails].reverse().map((e) => other.events.record([ev(e)])));
      const [ra, rb] = await Promise.all([a, b]);
      // Each address was new to exactly one of them.
      expect(ra.flat().length + rb.flat().length).toBe(200);
      const third = await again();
      expect((await all(third)).map((e) => e.email).sort()).toEqual([...emails].sort());
      await third.close();
    } finally {
      await state.close();
      await other.close();
    }
  });

  it('claims an address once per cooldown, across stores and restarts, however many ask at once', async () => {
    const { state, again } = await fresh(backend);
    const other = await again();
    try {
      const ask = (at: string) => ev('h:x', { type: 'signup-requested', source: 'form', at });
      const day = 24 * 3600_000;
      const first = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          (i % 2 ? state : other).events.claim(ask(`2026-12-07T10:00:${String(i).padStart(2, '0')}.000Z`), day),
        ),
      );
      expect(first.filter(Boolean)).toHaveLength(1);
      // A process started later (a restart, another machine) sees the claim.
      const third = await again();
      expect(await third.events.claim(ask('2026-12-08T09:59:59.000Z'), day)).toBe(false);
      expect(await third.events.claim(ev('h:y', { type: 'signup-requested', source: 'form' }), day)).toBe(true);
      expect(await third.events.claim(ask('2026-12-08T10:01:00.000Z'), day)).toBe(true);
      await third.close();
      expect((await all(state)).filter((e) => e.email === 'h:x')).toHaveLength(2);
    } finally {
      await state.close();
      await other.close();
    }
  });

  it('finds the events of one address in the order recorded', async () => {
    const { state } = await fresh(backend);
    try {
      await state.events.record([
        ev('a@x.org', { type: 'subscribed', source: 'form', name: 'Ann', language: 'fr' }),
        ev('b@x.org'),
        ev('a@x.org'),
        ev('a@x.org', { type: 'resubscribed', source: 'preferences', round: 1 }),
      ]);
      expect((await state.events.about('a@x.org')).map((e) => e.type)).toEqual([
        'subscribed',
        'unsubscribed',
        'resubscribed',
      ]);
      expect(await state.events.about('c@x.org')).toEqual([]);
      // A second unsubscribe of the same round is the same fact; of the next round, a new one.
      expect(await state.events.record([ev('a@x.org'), ev('a@x.org', { round: 1 })])).toEqual([
        ev('a@x.org', { round: 1 }),
      ]);
    } finally {
      await state.close();
    }
  });

  it('keeps every acknowledged event of 4 processes appending at once, one of them killed mid-run', async () => {
    const { root, env, again } = await fresh(backend);
    const file = path.join(root, 'journal', 'events.jsonl');
    const run = (w: string, n: string) => {
      const child = spawn(process.execPath, [WORKER, 'events', file, w, n], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
      return { child, done: new Promise<string>((resolve) => child.on('close', () => resolve(out))), out: () => out };
    };
    const victim = run('k', '100000');
    const others = ['1', '2', '3'].map((w) => run(w, '300'));
    while (victim.out().split('\n').length < 150) await new Promise((r) => setTimeout(r, 10));
    victim.child.kill('SIGKILL');
    const outs = [await victim.done, ...(await Promise.all(others.map((o) => o.done)))];
    const acknowledged = new Set(outs.flatMap((o) => o.split('\n')).filter(Boolean));
    const state = await again();
    const emails = (await all(state)).map((e) => e.email);
    await state.close();
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of acknowledged) expect(emails).toContain(e);
    // At most the victim's last record, committed but not yet acknowledged when it died.
    expect(emails.length - acknowledged.size).toBeLessThanOrEqual(1);
  });

  it('reads a journal back in the order it was appended, and finds the journals of an issue', async () => {
    const { state, again } = await fresh(backend);
    try {
      const j = state.journals;
      const ref = j.journalOf(3, null);
      const shard = j.journalOf(3, { k: 2, n: 4 });
      expect(await j.exists(ref)).toBe(false);
      const records: JournalRecord[] = [
        { type: 'run', at: 'a', issue: 3, inputsHash: 'h', subscribers: 'subscribers.csv', shard: null },
        ...Array.from(
          { length: 1200 },
          (_, i): JournalRecord => ({
            type: 'sent',
            at: 'b',
            key: `r${i}@x.org`,
            email: `r${i}@x.org`,
            messageId: `<${i}@x>`,
            response: '250 ok',
          }),
        ),
        { type: 'end', at: 'c', sent: 1200, failed: 0, deferred: 0, stopped: null },
      ];
      const w = await j.appender(ref, { tornBytes: 0, missingNewline: false });
      await Promise.all(records.map((r) => w.append(r)));
      await w.close();
      const w2 = await j.appender(shard, { tornBytes: 0, missingNewline: false });
      await w2.append({ type: 'run', at: 'a', issue: 3, inputsHash: 'h', subscribers: 's', shard: '2/4' });
      await w2.close();
      const other = await again();
      const back: JournalRecord[] = [];
      await other.journals.read(other.journals.journalOf(3, null), (r) => {
        back.push(r);
        return undefined;
      });
      expect(back).toEqual(records);
      expect((await other.journals.issueJournals(3)).map((r) => r.name)).toEqual([shard.name, ref.name].sort());
      expect(await other.journals.issueJournals(4)).toEqual([]);
      await other.close();
    } finally {
      await state.close();
    }
  });

  it('lets one run at a time hold a journal, and frees it when the holder is killed', async () => {
    const { root, env, state, again } = await fresh(backend);
    const other = await again();
    try {
      const ref = state.journals.journalOf(3, null);
      const held = await state.journals.lock(ref);
      await expect(other.journals.lock(other.journals.journalOf(3, null))).rejects.toMatchObject({
        code: 'journal-locked',
        exitCode: 4,
      });
      // Another journal is another lock.
      (await other.journals.lock(other.journals.journalOf(4, null))).release();
      held.release();
      await state.close();
      // A holder in another process, killed: the lock is free at once, and says whose it was.
      const target = path.join(root, 'journal', '003.jsonl');
      const holder = spawn(process.execPath, [WORKER, 'hold', target], { env: { ...process.env, ...env } });
      await new Promise<void>((resolve) => holder.stdout!.on('data', (d) => String(d).includes('held') && resolve()));
      await expect(other.journals.lock(other.journals.journalOf(3, null))).rejects.toMatchObject({ exitCode: 4 });
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.on('close', resolve));
      let taken = null;
      // The database notices a dead client's closed connection at once; give it a moment.
      for (let i = 0; i < 50 && !taken; i++) {
        taken = await other.journals.lock(other.journals.journalOf(3, null)).catch(() => null);
        if (!taken) await new Promise((r) => setTimeout(r, 20));
      }
      expect(taken?.tookOver?.pid).toBe(holder.pid);
      taken!.release();
    } finally {
      await other.close();
    }
  });

  it('remembers processed messages once, and one enews inbox at a time', async () => {
    const { state, again } = await fresh(backend);
    const other = await again();
    try {
      await state.seen.add(['a', 'b'], '2026-12-07T10:00:00.000Z');
      await other.seen.add(['b', 'c'], '2026-12-07T10:00:01.000Z');
      expect([...(await state.seen.load())].sort()).toEqual(['a', 'b', 'c']);
      const held = await state.seen.lock();
      await expect(other.seen.lock()).rejects.toMatchObject({ code: 'inbox-locked', exitCode: 4 });
      held.release();
    } finally {
      await state.close();
      await other.close();
    }
  });
});

describe('serve on PostgreSQL', () => {
  it('opens the connections its batches use before it listens (prepare), not at the first burst', async () => {
    const { env, state } = await fresh('postgres');
    const client = new pg.Client({ connectionString: env.STATE_URL });
    await client.connect();
    // Connections to this database other than the one asking.
    const others = async () =>
      Number(
        (
          await client.query(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
          )
        ).rows[0].n,
      );
    try {
      expect(await others()).toBe(0);
      state.events.prepare!();
      for (let i = 0; i < 200 && (await others()) < state.events.lanes!; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(await others()).toBe(state.events.lanes);
      // The first batches find them open: recording opens no more.
      await Promise.all(Array.from({ length: 4 }, (_, i) => state.events.record([ev(`burst${i}@example.org`)])));
      expect(await others()).toBe(state.events.lanes);
    } finally {
      await client.end();
      await state.close();
    }
  });
});

describe('the database schema (PostgreSQL)', () => {
  it('is made once when six processes open a new database at the same moment, and each then works', async () => {
    const env = await stateEnv('postgres');
    const opened = await Promise.all(
      Array.from({ length: 6 }, () => openListState({ root: emptyDir(), env, listId: LIST })),
    );
    try {
      // Each open migrates on first use; all six at once race for the schema.
      const news = await Promise.all(opened.map((s, i) => s.events.record([ev(`p${i}@example.org`)])));
      expect(news.map((n) => n.length)).toEqual([1, 1, 1, 1, 1, 1]);
      expect((await all(opened[0]!)).length).toBe(6);
      const client = new pg.Client({ connectionString: env.STATE_URL });
      await client.connect();
      try {
        const rows = (await client.query('SELECT version FROM enews_migrations ORDER BY version')).rows;
        expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((_, i) => i + 1));
      } finally {
        await client.end();
      }
    } finally {
      await Promise.all(opened.map((s) => s.close()));
    }
  });

  it('made by a newer enews is refused with what to do, and left as it was', async () => {
    const env = await stateEnv('postgres');
    const first = await openListState({ root: emptyDir(), env, listId: LIST });
    await first.events.record([ev('a@example.org')]);
    await first.close();
    const client = new pg.Client({ connectionString: env.STATE_URL });
    await client.connect();
    try {
      await client.query('INSERT INTO enews_migrations (version) VALUES ($1)', [MIGRATIONS.length + 1]);
      const state = await openListState({ root: emptyDir(), env, listId: LIST });
      try {
        await expect(state.events.record([ev('b@example.org')])).rejects.toMatchObject({
          code: 'state-newer',
          exitCode: 1,
          message: expect.stringContaining(`schema version ${MIGRATIONS.length + 1}`),
        });
      } finally {
        await state.close();
      }
      expect((await client.query('SELECT count(*)::int AS n FROM enews_events')).rows[0].n).toBe(1);
    } finally {
      await client.end();
    }
  });
});
