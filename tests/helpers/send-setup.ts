/**
 * What the send tests share: a copy of the example project with issue 3 built and a subscriber
 * list, real SMTP servers (closed after each test), `enews send` run in this process, and the
 * journal read back.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { enews } from './inproc.js';
import { copyProject, read, write } from './project.js';
import { startSmtp, type Behaviour, type TestSmtp } from './smtp.js';
import { csv, people } from './subscribers.js';

export const SECRET = 'gst/2uHwaQ+T5klVARumAqrVD52aqEhYTxT2YKwIx6w=';
/** Retries and timeouts short enough for a test. */
export const FAST = ['--retry-delay', '0.05', '--timeout', '1'];

const servers: TestSmtp[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A real SMTP server that behaves as told; closed after the test. */
export async function smtpServer(behaviour: Behaviour = {}): Promise<TestSmtp> {
  const server = await startSmtp(behaviour);
  servers.push(server);
  return server;
}

/** A copy of the example project with `subscribers` (CSV text) in subscribers.csv and issue 3 built. */
export async function builtProject(subscribers: string): Promise<string> {
  const dir = copyProject();
  write(dir, 'subscribers.csv', subscribers);
  expect((await enews(['build', '3'], dir)).code).toBe(0);
  return dir;
}

/**
 * A built project whose list is `subscribers` (that many people, or CSV text), a server, and
 * `send`: enews send 3 --yes --json, fast, with `extra` options, through that server or `url`.
 */
export async function sendSetup(subscribers: number | string, behaviour: Behaviour = {}) {
  const dir = await builtProject(typeof subscribers === 'number' ? csv(people(subscribers)) : subscribers);
  const server = await smtpServer(behaviour);
  const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
  const send = (extra: string[] = [], url = server.url()) =>
    enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST, ...extra], dir, {
      ...env,
      SMTP_URL: url,
    });
  return { dir, server, send, env };
}

/** Every record of a journal; a line that is not one fails the test. */
export function journalRecords(dir: string, file = 'journal/003.jsonl') {
  return read(dir, file)
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * The records of a journal a run may have left torn (killed, or stopped by a failed write): none
 * when there is no journal, and a torn last line passed over, as enews passes over it.
 */
export function journalRecordsSoFar(dir: string, file = 'journal/003.jsonl') {
  if (!existsSync(path.join(dir, file))) return [];
  const lines = read(dir, file).split('\n').filter(Boolean);
  return lines.flatMap((l, i) => {
    try {
      return [JSON.parse(l)];
    } catch (err) {
      if (i === lines.length - 1) return [];
      throw err;
    }
  });
}
