import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDir } from '../../tests/helpers/project.js';
import { eventKey, type SubscriberEvent } from './events.js';
import { EventsFile } from './events-file.js';

const LIST = 'enews.coop.example.org';
const ev = (email: string, o: Partial<SubscriberEvent> = {}): SubscriberEvent => ({
  at: '2026-12-07T10:00:00.000Z',
  list: LIST,
  type: 'unsubscribed',
  email,
  source: 'page',
  ...o,
});
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

function setup(clock = { now: 0 }) {
  const file = path.join(emptyDir(), 'journal', 'events.jsonl');
  return { file, store: new EventsFile(file, LIST, { now: () => clock.now }), clock };
}

describe('EventsFile', () => {
  it('records each fact once: an unsubscribe per address, a bounce per address and issue', async () => {
    const { file, store } = setup();
    expect(await store.record([ev('a@x.org', { issue: 3 }), ev('a@x.org', { issue: 4 }), ev('b@x.org')])).toHaveLength(
      2,
    );
    const bounce = (issue: number) => ev('a@x.org', { type: 'bounced', source: 'dsn', issue });
    expect(await store.record([bounce(3), bounce(3), bounce(4)])).toEqual([bounce(3), bounce(4)]);
    expect(await store.record([ev('a@x.org'), bounce(3)])).toEqual([]);
    expect(lines(file)).toHaveLength(4);
    expect(await store.has(eventKey({ type: 'unsubscribed', email: 'a@x.org' }))).toBe(true);
    expect(await store.has(eventKey({ type: 'unsubscribed', email: 'c@x.org' }))).toBe(false);
  });

  it('decides against what another writer appended since its last look', async () => {
    const { file, store } = setup();
    await store.record([ev('a@x.org')]);
    const other = new EventsFile(file, LIST);
    expect(await other.record([ev('b@x.org'), ev('a@x.org')])).toEqual([ev('b@x.org')]);
    expect(await store.record([ev('b@x.org'), ev('c@x.org')])).toEqual([ev('c@x.org')]);
    expect(lines(file).map((l) => JSON.parse(l).email)).toEqual(['a@x.org', 'b@x.org', 'c@x.org']);
  });

  it('keeps its place when asked while its own append waits for fsync (as serve asks problem() on every POST)', async () => {
    const { file, store } = setup();
    // Each record resolves only after its fsync, on the thread pool; the questions asked meanwhile read the file.
    for (let i = 0; i < 60; i++) {
      let done = false;
      const recorded = store.record([ev(`r${i}@x.org`)]).then(() => (done = true));
      while (!done) {
        expect(await store.problem()).toBeNull();
        await new Promise((r) => setImmediate(r));
      }
      await recorded;
    }
    expect(lines(file)).toHaveLength(60);
    // A second writer's line of the same length as this store's last is read, not skipped as if it were its own.
    await new EventsFile(file, LIST).record([ev('o60@x.org')]);
    expect(await store.record([ev('o60@x.org'), ev('last@x.org')])).toEqual([ev('last@x.org')]);
    expect(lines(file)).toHaveLength(62);
    expect(await store.problem()).toBeNull();
  });

  it('cuts a line a dead writer left torn, and keeps a whole last line that lacks its newline', async () => {
    const { file, store } = setup();
    await store.record([ev('a@x.org')]);
    appendFileSync(file, '{"at":"2026-12-07T10:00:00.000Z","list":"enews.coop.exa');
    await store.record([ev('b@x.org')]);
    expect(lines(file).map((l) => JSON.parse(l).email)).toEqual(['a@x.org', 'b@x.org']);
    appendFileSync(file, JSON.stringify(ev('c@x.org')));
    expect(await new EventsFile(file, LIST).record([ev('c@x.org'), ev('d@x.org')])).toEqual([ev('d@x.org')]);
    expect(lines(file).map((l) => JSON.parse(l).email)).toEqual(['a@x.org', 'b@x.org', 'c@x.org', 'd@x.org']);
  });

  it('notices damage appended after its last look, refuses to write behind it, and notices a repair', async () => {
    const clock = { now: 0 };
    const { file, store } = setup(clock);
    await store.record([ev('a@x.org')]);
    const good = readFileSync(file, 'utf8');
    appendFileSync(file, 'garbage\n');
    await expect(store.record([ev('b@x.org')])).rejects.toMatchObject({ code: 'log-damaged', exitCode: 4 });
    expect(await store.problem()).toContain('is damaged at line 2');
    expect(readFileSync(file, 'utf8')).toBe(`${good}garbage\n`);
    writeFileSync(file, good);
    // Read again at most once a second while damaged.
    expect(await store.problem()).toContain('is damaged at line 2');
    clock.now += 1000;
    expect(await store.problem()).toBeNull();
    expect(await store.record([ev('b@x.org')])).toEqual([ev('b@x.org')]);
  });

  it('refuses a file of another list by name, and reads events written before lists were recorded', async () => {
    const { file, store } = setup();
    await store.record([ev('a@x.org')]);
    const old = { at: '2026-01-01T00:00:00Z', type: 'bounced', email: 'o@x.org', source: 'dsn', issue: 1 };
    appendFileSync(file, `${JSON.stringify(old)}\n`);
    const seen: string[] = [];
    await store.each((e) => seen.push(e.email));
    expect(seen).toEqual(['a@x.org', 'o@x.org']);
    appendFileSync(file, `${JSON.stringify({ ...old, list: 'other.example.net' })}\n`);
    await expect(store.record([ev('b@x.org')])).rejects.toThrow(
      'holds events of the list other.example.net (line 3), not of enews.coop.example.org',
    );
    await expect(store.each(() => {})).rejects.toThrow('holds events of the list other.example.net');
  });

  it('sees at its next look without the lock what changed: an append, a truncation, a removal, a replacement', async () => {
    const { file, store } = setup();
    const key = (email: string) => eventKey({ type: 'unsubscribed', email });
    await store.record([ev('a@x.org')]);
    expect([await store.has(key('a@x.org')), await store.has(key('b@x.org'))]).toEqual([true, false]);
    appendFileSync(file, `${JSON.stringify(ev('b@x.org'))}\n`);
    expect(await store.has(key('b@x.org'))).toBe(true);
    writeFileSync(file, `${JSON.stringify(ev('c@x.org'))}\n`);
    expect([await store.has(key('a@x.org')), await store.has(key('c@x.org'))]).toEqual([false, true]);
    const { renameSync, rmSync } = await import('node:fs');
    rmSync(file);
    expect([await store.has(key('c@x.org')), await store.problem()]).toEqual([false, null]);
    writeFileSync(`${file}.new`, `${JSON.stringify(ev('d@x.org'))}\n`);
    renameSync(`${file}.new`, file);
    expect(await store.has(key('d@x.org'))).toBe(true);
    appendFileSync(file, 'not an event\n');
    expect(await store.problem()).toContain('is damaged at line 2');
    expect(lines(file)).toHaveLength(2);
  });

  it('reads a file replaced since its last look from the start', async () => {
    const { file, store } = setup();
    await store.record([ev('a@x.org'), ev('b@x.org')]);
    writeFileSync(`${file}.new`, `${JSON.stringify(ev('z@x.org'))}\n`);
    const { renameSync } = await import('node:fs');
    renameSync(`${file}.new`, file);
    expect(await store.record([ev('a@x.org'), ev('z@x.org')])).toEqual([ev('a@x.org')]);
  });
});
