/**
 * Fault soak: 5 000 subscribers through a server that, at random with a fixed
 * seed, throttles, defers, drops connections mid-DATA, stalls, and rejects
 * some recipients for good. At the end every subscriber is accounted for
 * exactly once and everyone whose trouble was temporary got exactly one message.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../src/delivery/testing/fake-clock.js';
import { BIN, cleanEnv } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, write } from './helpers/project.js';
import { startSmtp, type Reply, type TestSmtp } from './helpers/smtp.js';
import { csv, people } from './helpers/subscribers.js';

/** Seeded, so every run injects the same faults. */
const rng = seededRandom;

const N = 5000;
/** 13–23 s alone: a build, then 5,000 messages with stalls that wait out --timeout; room for a busy CI machine. */
const SOAK_TIMEOUT_MS = 180_000;
const SECRET = 'ELaHN6HMG2Z36Voj9sgfa3X5Z1WoT23I9Uv3I1UeAJg=';
let server: TestSmtp | undefined;
afterAll(async () => server?.close());

describe('fault soak', () => {
  it(
    `${N} subscribers through random 421/450/451/452/550/554, drops and ` +
      `stalls: each accounted for once, each temporary one delivered once`,
    async () => {
      const dir = copyProject();
      const list = people(N);
      write(dir, 'subscribers.csv', csv(list));
      expect((await enews(['build', '3'], dir)).code).toBe(0);

      const index = new Map(list.map((p, i) => [p.email, i]));
      // Permanent trouble belongs to an address: the same answer every time it is tried.
      const rejectAtRcpt = (a: string) =>
        index.get(a)! % 97 === 13 ? { code: 550, message: '5.1.1 User unknown' } : undefined;
      const rejectAtData = (a: string) => index.get(a)! % 89 === 7;
      const random = rng(20261128);
      const injected: Record<string, number> = {};
      const count = (k: string) => (injected[k] = (injected[k] ?? 0) + 1);
      server = await startSmtp({
        rcpt: (a) => {
          const r = rejectAtRcpt(a);
          if (r) count('550');
          return r;
        },
        data: (to): Reply | 'drop' | 'stall' | undefined => {
          if (rejectAtData(to[0]!)) {
            count('554');
            return { code: 554, message: '5.7.1 Message rejected as spam' };
          }
          const x = random();
          const faults: Array<[number, string, Reply | 'drop' | 'stall']> = [
            [0.015, '421', { code: 421, message: '4.7.0 Try again later, closing connection' }],
            [0.015, '450', { code: 450, message: '4.2.1 Mailbox busy' }],
            [0.02, '451', { code: 451, message: '4.3.0 Temporary local problem' }],
            [0.01, '452', { code: 452, message: '4.3.1 Insufficient system storage' }],
            [0.01, 'drop', 'drop'],
            [0.002, 'stall', 'stall'],
          ];
          let edge = 0;
          for (const [p, name, outcome] of faults) {
            edge += p;
            if (x < edge) {
              count(name);
              return outcome;
            }
          }
        },
      });

      const child = spawn(
        process.execPath,
        [
          BIN,
          'send',
          '3',
          '--subscribers',
          'subscribers.csv',
          '--yes',
          '--json',
          '--concurrency',
          '8',
          '--retries',
          '10',
          '--retry-delay',
          '0.02',
          '--timeout',
          '2',
          '--data-timeout',
          '2',
        ],
        { cwd: dir, env: cleanEnv({ SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET }) },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(stderr).not.toContain('unexpected');
      const s = JSON.parse(stdout);

      const permanent = list.filter((p) => rejectAtRcpt(p.email) || rejectAtData(p.email)).map((p) => p.email);
      expect(code).toBe(3);
      expect(s).toMatchObject({
        rows: N,
        sent: N - permanent.length,
        failed: permanent.length,
        deferred: 0,
        notAttempted: 0,
      });
      expect(
        s.sent +
          s.failed +
          s.deferred +
          s.notAttempted +
          Object.values(s.skipped as Record<string, number>).reduce((a, b) => a + b, 0),
      ).toBe(N);

      // The journal: exactly one final outcome per subscriber, none missing, none twice.
      const records = readFileSync(path.join(dir, 'journal/003.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      const outcomes = records.filter((r) => r.type === 'sent' || r.type === 'failed');
      expect(outcomes).toHaveLength(N);
      expect(new Set(outcomes.map((r) => r.email)).size).toBe(N);
      expect(
        outcomes
          .filter((r) => r.type === 'failed')
          .map((r) => r.email)
          .sort(),
      ).toEqual([...permanent].sort());

      // Delivered: exactly once for everyone whose failures were temporary, never for the rejected.
      const permanentSet = new Set(permanent);
      for (const p of list) expect(server.countFor(p.email), p.email).toBe(permanentSet.has(p.email) ? 0 : 1);

      // Every drop and stall came after the whole message: each is journaled as uncertain, and the
      // recipients they hit are counted (and flagged) as possible duplicates once sent.
      const uncertain = records.filter((r) => r.type === 'uncertain');
      expect(uncertain).toHaveLength((injected.drop ?? 0) + (injected.stall ?? 0));
      const flagged = outcomes.filter((r) => r.possibleDuplicate).map((r) => r.email);
      expect(flagged.sort()).toEqual([...new Set(uncertain.map((r) => r.email))].sort());
      expect(s.possibleDuplicates).toBe(flagged.length);

      // No retry storm: the server saw each message a bounded number of times.
      const faults = Object.values(injected).reduce((a, b) => a + b, 0);
      expect(server.dataAttempts).toBeLessThan(N * 1.15);
      console.log(
        `soak: ${N} subscribers, faults injected ${JSON.stringify(injected)} (${faults} in all), ` +
          `DATA attempts ${server.dataAttempts}, delivered ${server.received.length}, ` +
          `failed ${permanent.length}, slow-downs ${s.slowDowns}`,
      );
    },
    SOAK_TIMEOUT_MS,
  );
});
