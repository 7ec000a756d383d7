import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EnewsError } from '../errors.js';
import { removeHeld } from '../tmp/orphans.js';
import { FIRST, ResultSpool } from './result-spool.js';

const parent = mkdtempSync(path.join(os.tmpdir(), 'enews-spool-test-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const fresh = (name: string) => {
  const dir = path.join(parent, name);
  mkdirSync(dir);
  return dir;
};

/** Entries whose text a line-by-line reader could get wrong: line separators, lone surrogates, multi-byte text. */
const entry = (i: number) => ({
  n: i,
  subject: `${'é€😀'.repeat(i % 50)} \u2028\u2029\r\n\u0000 \ud800 "quoted" ${i}`,
  ...(i % 3 === 0 ? { detail: 'x'.repeat(i % 700) } : {}),
});

describe('ResultSpool', () => {
  it('reads back every entry, in order and equal, from batches of any size; keeps the count and the first 100', async () => {
    const spool = new ResultSpool(fresh('round-trip'));
    const list = spool.list<ReturnType<typeof entry>>('events');
    const all = Array.from({ length: 5_000 }, (_, i) => entry(i));
    // Batches of 1, 7, 13, …: entries cross the reader's 64 KB chunks at every kind of byte.
    for (let i = 0, size = 1; i < all.length; i += size, size += 6) list.add(all.slice(i, i + size));
    list.add([]);
    expect(list.count).toBe(5_000);
    expect(list.first).toEqual(all.slice(0, FIRST));
    const back: unknown[] = [];
    for await (const e of list.all()) back.push(e);
    expect(back).toEqual(all);
    // Read twice, the same.
    let again = 0;
    for await (const _ of list.all()) again++;
    expect(again).toBe(5_000);
    spool.remove();
  });

  it('an empty list reads back as nothing and writes no file', async () => {
    const dir = fresh('empty');
    const spool = new ResultSpool(dir);
    const list = spool.list('unmatched');
    const back: unknown[] = [];
    for await (const e of list.all()) back.push(e);
    expect([list.count, list.first, back]).toEqual([0, [], []]);
    expect(readdirSync(path.join(dir, readdirSync(dir)[0]!))).toEqual([]);
    spool.remove();
  });

  it('keeps its folder to its owner (0700, files 0600) and removes it, twice without harm', () => {
    const dir = fresh('modes');
    const spool = new ResultSpool(dir);
    spool.list('events').add([{ email: 'a@example.org' }]);
    const [folder] = readdirSync(dir);
    expect(folder).toMatch(/^enews-inbox-/);
    expect(statSync(path.join(dir, folder!)).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, folder!, 'events.jsonl')).mode & 0o777).toBe(0o600);
    spool.remove();
    spool.remove();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removeHeld removes the spools not yet removed (what the Ctrl-C handler does), and only those', () => {
    const dir = fresh('live');
    const a = new ResultSpool(dir);
    const b = new ResultSpool(dir);
    a.list('matched').add([{ n: 1 }]);
    b.remove();
    expect(readdirSync(dir)).toHaveLength(1);
    removeHeld();
    expect(readdirSync(dir)).toEqual([]);
    a.remove();
  });

  it('a folder it cannot write in is an EnewsError naming it (exit 4)', () => {
    const missing = path.join(parent, 'no-such-folder');
    expect(existsSync(missing)).toBe(false);
    let caught: unknown;
    try {
      new ResultSpool(missing);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EnewsError);
    expect((caught as EnewsError).exitCode).toBe(4);
    expect((caught as EnewsError).message).toBe(`Cannot write the results of enews inbox to ${missing}: ENOENT.`);
    // Its folder removed from under it (a cleaner of /tmp): the first write fails the same way, nothing counted.
    const dir = fresh('gone');
    const spool = new ResultSpool(dir);
    const folder = path.join(dir, readdirSync(dir)[0]!);
    rmSync(folder, { recursive: true });
    const list = spool.list('events');
    expect(() => list.add([{ n: 1 }])).toThrow(`Cannot write the results of enews inbox to ${folder}: ENOENT.`);
    expect([list.count, list.first]).toEqual([0, []]);
    spool.remove();
  });

  it('removes the spools of killed runs (their process gone), and no folder of a running process or not its own', () => {
    const dir = fresh('orphans');
    // No process has this id (above any pid_max); the parent of this test's process is running.
    const killed = path.join(dir, 'enews-inbox-99999999-aB3dE9');
    const alive = path.join(dir, `enews-inbox-${process.ppid}-xY7kQ2`);
    const other = path.join(dir, 'enews-inbox-notes');
    for (const d of [killed, alive, other]) {
      mkdirSync(d);
      writeFileSync(path.join(d, 'events.jsonl'), '{"n":1}\n');
    }
    // A file named like a spool is not a spool.
    writeFileSync(path.join(dir, 'enews-inbox-99999998-aaaaaa'), 'x');
    const spool = new ResultSpool(dir);
    const mine = readdirSync(dir).filter((n) => n.startsWith(`enews-inbox-${process.pid}-`));
    expect(mine).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual(
      [mine[0]!, path.basename(alive), 'enews-inbox-99999998-aaaaaa', path.basename(other)].sort(),
    );
    expect(existsSync(killed)).toBe(false);
    spool.remove();
  });
});
