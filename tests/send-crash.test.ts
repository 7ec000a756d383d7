/**
 * The CLI as a subprocess, killed in the middle of a send: nothing recorded
 * is lost, a re-run finishes the job, and duplicates stay within the
 * messages that were in flight at each kill.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from './helpers/cli.js';
import { builtProject, journalRecordsSoFar, SECRET, smtpServer } from './helpers/send-setup.js';
import { csv, people } from './helpers/subscribers.js';

const CONCURRENCY = 4;

function startSend(
  dir: string,
  url: string,
): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [BIN, 'send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', String(CONCURRENCY)],
    {
      cwd: dir,
      env: cleanEnv({ SMTP_URL: url, UNSUBSCRIBE_SECRET: SECRET }),
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  return { child, done };
}

function journalSent(dir: string): string[] {
  // A last line torn by the kill is passed over.
  return journalRecordsSoFar(dir).flatMap((r) => (r.type === 'sent' ? [r.email as string] : []));
}

describe('crash safety', () => {
  it(
    'SIGKILL at several points mid-send: a final run reaches ' + 'everyone, duplicates bounded by messages in flight',
    async () => {
      const N = 300;
      const dir = await builtProject(csv(people(N)));
      let killAt: (() => void) | null = null;
      let target = 0;
      const server = await smtpServer({
        delayMs: 5,
        onReceived: (_m, total) => {
          if (killAt && total >= target) {
            const k = killAt;
            killAt = null;
            k();
          }
        },
      });
      const killPoints = [11, 29, 52, 80, 113, 151, 194, 240];
      const recordedBeforeKill: number[] = [];
      for (const point of killPoints) {
        const run = startSend(dir, server.url());
        target = point;
        killAt = () => run.child.kill('SIGKILL');
        const r = await run.done;
        expect(r.signal).toBe('SIGKILL');
        // Every message the journal calls sent really arrived: no record without a delivery.
        const sent = journalSent(dir);
        for (const email of sent) expect(server.countFor(email)).toBeGreaterThanOrEqual(1);
        recordedBeforeKill.push(sent.length);
      }
      expect(recordedBeforeKill).toEqual([...recordedBeforeKill].sort((a, b) => a - b));
      const last = await startSend(dir, server.url()).done;
      expect(last.code).toBe(0);

      for (const p of people(N)) expect(server.countFor(p.email), p.email).toBeGreaterThanOrEqual(1);
      const duplicates = server.received.length - N;
      expect(duplicates).toBeLessThanOrEqual(killPoints.length * CONCURRENCY);
      // The journal ends with exactly one sent record per subscriber, whatever the kills did.
      const sent = journalSent(dir);
      expect(new Set(sent).size).toBe(N);
      console.log(
        `crash test: ${killPoints.length} kills, ${server.received.length} messages for ${N} ` +
          `subscribers, ${duplicates} duplicates (bound ${killPoints.length * CONCURRENCY})`,
      );
    },
  );

  it(
    'Ctrl-C (SIGINT) finishes the messages in flight, records ' +
      'them, exits 4; the same command resumes with no duplicate',
    async () => {
      const N = 200;
      const dir = await builtProject(csv(people(N)));
      let onTarget: (() => void) | null = null;
      const server = await smtpServer({
        delayMs: 20,
        onReceived: (_m, total) => {
          if (onTarget && total >= 40) {
            const f = onTarget;
            onTarget = null;
            f();
          }
        },
      });
      const run = startSend(dir, server.url());
      onTarget = () => run.child.kill('SIGINT');
      const r = await run.done;
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('Stopping: finishing the messages in flight and writing the journal');
      expect(r.stderr).toContain('Interrupted: the messages in flight were finished and recorded.');
      const sent = journalSent(dir);
      expect(sent.length).toBe(server.received.length);
      expect(sent.length).toBeLessThan(N);
      const lines = readFileSync(path.join(dir, 'journal/003.jsonl'), 'utf8').trim().split('\n');
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type: 'end', stopped: 'interrupted' });

      const again = await startSend(dir, server.url()).done;
      expect(again.code).toBe(0);
      expect(server.received.length).toBe(N);
      for (const p of people(N)) expect(server.countFor(p.email)).toBe(1);
    },
  );
});
