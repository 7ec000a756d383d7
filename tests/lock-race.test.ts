/**
 * The locks under real contention, between real processes: the run lock of a
 * send (and of enews inbox), and the lock every append to the events file
 * takes. Each scenario starts from what a crash leaves behind (a lock file of
 * a dead process, a torn last line), which is where PID files went wrong.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock } from '../src/journal/lock.js';
import { emptyDir } from './helpers/project.js';

const WORKER = path.join(import.meta.dirname, 'helpers', 'lock-worker.mjs');

function worker(args: string[]): { child: ChildProcess; done: Promise<string> } {
  const child = spawn(process.execPath, [WORKER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d) => (err += d));
  const done = new Promise<string>((resolve, reject) =>
    child.on('close', (code, signal) =>
      code === 0 || signal === 'SIGKILL' ? resolve(out) : reject(new Error(`worker failed (${code}): ${err}`)),
    ),
  );
  return { child, done };
}

/** A lock file as a run that crashed leaves it (the process is gone: PID 2^22 - 1 is never handed out here). */
function crashedLock(file: string): void {
  writeFileSync(file, JSON.stringify({ pid: 4194303, host: 'this-host', started: '2026-12-01T00:00:00.000Z' }));
}

describe('the run lock (one send of an issue and list, one enews inbox)', () => {
  it('has exactly one holder at a time: 6 processes, 2,400 rounds, crashing while holding it', async () => {
    const dir = emptyDir();
    const target = path.join(dir, '003.jsonl');
    crashedLock(`${target}.lock`);
    const marker = path.join(dir, 'holder');
    let rounds = 0;
    let crashes = 0;
    let tookOver = 0;
    const overlaps: string[] = [];
    // Each of 6 slots runs 400 rounds; a worker that crashed is replaced by one doing the rest.
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        let left = 400;
        while (left > 0) {
          const out = await worker(['run', target, marker, String(left), '0.01']).done;
          for (const line of out.split('\n')) {
            if (line === 'round') {
              rounds++;
              left--;
            } else if (line === 'took-over') tookOver++;
            else if (line.startsWith('crash')) {
              crashes++;
              left--;
            } else if (line.startsWith('overlap')) overlaps.push(line);
          }
        }
      }),
    );
    // The last holder may have crashed too, with no worker left to come after it: one more take, here, notices
    // its lock (or finds the lock released), so the count below does not depend on how the run happened to end.
    const last = acquireLock(target, 'test');
    if (last.tookOver) tookOver++;
    last.release();
    expect(overlaps).toEqual([]);
    expect(rounds + crashes).toBe(2400);
    // Every lock a crash left behind (and the one there at the start) was noticed once by the next holder.
    expect(crashes).toBeGreaterThan(10);
    expect(tookOver).toBe(crashes + 1);
  });

  it('is free the moment its holder is killed, three times in a row, and says whose it was', async () => {
    const dir = emptyDir();
    const target = path.join(dir, '003.jsonl');
    for (let round = 0; round < 3; round++) {
      const holder = worker(['hold', target]);
      await new Promise<void>((resolve) =>
        holder.child.stdout!.on('data', (d) => String(d).includes('held') && resolve()),
      );
      expect(() => acquireLock(target)).toThrow(/Another enews send is using/);
      holder.child.kill('SIGKILL');
      await holder.done;
      const lock = acquireLock(target);
      expect(lock.tookOver?.pid).toBe(holder.child.pid);
      lock.release();
    }
  });
});

describe('a refusal names the holder', () => {
  it('even when it looks in the moment between the holder taking the lock and writing who it is', async () => {
    const target = path.join(emptyDir(), '003.jsonl');
    const holder = worker(['hold-then-say', target]);
    await new Promise<void>((resolve) =>
      holder.child.stdout!.on('data', (d) => String(d).includes('locked') && resolve()),
    );
    expect(() => acquireLock(target)).toThrow(`Another enews send is using ${target} (process ${holder.child.pid} on`);
    holder.child.kill('SIGKILL');
    await holder.done;
  });
});

describe('appends to the events file from several processes', () => {
  const LIST = 'enews.coop.example.org';

  function linesOf(file: string): { emails: string[]; damaged: number; tail: string } {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const tail = lines.pop() ?? '';
    const emails: string[] = [];
    let damaged = 0;
    for (const l of lines) {
      try {
        const e = JSON.parse(l) as { email: string; list: string };
        if (e.list !== LIST) damaged++;
        emails.push(e.email);
      } catch {
        damaged++;
      }
    }
    return { emails, damaged, tail };
  }

  it('loses nothing, damages nothing, records each address once: 4 processes, 3,200 appends', async () => {
    const dir = emptyDir();
    const file = path.join(dir, 'events.jsonl');
    // What a crash leaves: an old lock file and a last line cut short.
    crashedLock(`${file}.lock`);
    writeFileSync(file, `{"at":"2026-12-01T00:00:00.000Z","list":"${LIST}","type":"unsub`);
    const outs = await Promise.all(['1', '2', '3', '4'].map((w) => worker(['events', file, w, '800']).done));
    const acknowledged = new Set(outs.flatMap((o) => o.split('\n').filter(Boolean)));
    const { emails, damaged, tail } = linesOf(file);
    expect(damaged).toBe(0);
    expect(tail).toBe('');
    // 80 addresses every process records, 720 of each process's own.
    expect(acknowledged.size).toBe(80 + 4 * 720);
    expect(emails.length).toBe(acknowledged.size);
    expect(new Set(emails)).toEqual(acknowledged);
  });

  it('keeps every acknowledged append when a writer is killed mid-run', async () => {
    const dir = emptyDir();
    const file = path.join(dir, 'events.jsonl');
    const victim = worker(['events', file, 'k', '100000']);
    const others = ['1', '2', '3'].map((w) => worker(['events', file, w, '400']));
    let acked = '';
    await new Promise<void>((resolve) =>
      victim.child.stdout!.on('data', (d) => {
        acked += d;
        if (acked.split('\n').length > 300) resolve();
      }),
    );
    victim.child.kill('SIGKILL');
    const victimOut = await victim.done;
    const outs = await Promise.all(others.map((o) => o.done));
    const acknowledged = new Set([...victimOut.split('\n'), ...outs.flatMap((o) => o.split('\n'))].filter(Boolean));
    const { emails, damaged } = linesOf(file);
    expect(damaged).toBe(0);
    for (const e of acknowledged) expect(emails).toContain(e);
    // Once each, the victim's last append (on disk before it was killed, never acknowledged) at most extra.
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.length - acknowledged.size).toBeLessThanOrEqual(1);
  });
});
