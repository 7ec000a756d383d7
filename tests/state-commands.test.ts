/**
 * The guarantees of the list state through the commands people run, the same tests with the files under
 * journal/ and with PostgreSQL (STATE_URL): an acknowledged unsubscribe is recorded once across several
 * `enews serve`; two sends of one issue started together, one sends and one refuses; a send killed again and
 * again reaches everyone in the end with duplicates bounded by the messages in flight; two `enews inbox` at
 * once record each return once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentPaths, loadNewsletter } from '../src/content/load.js';
import { sealToken } from '../src/personalize/token.js';
import { startServe } from '../src/serve/node.js';
import { openListState, type ListState } from '../src/state/open.js';
import { BACKENDS, stateEnv } from './helpers/backends.js';
import { BIN, cleanEnv, runCli } from './helpers/cli.js';
import { builtProject, SECRET, smtpServer } from './helpers/send-setup.js';
import { csv, people } from './helpers/subscribers.js';
import { writeMbox } from './helpers/inbox-scenario.js';

const LIST = 'enews.coop.example.org';
const PATH = '/coop/enews/unsubscribe';

async function stateOf(dir: string, env: Record<string, string>): Promise<ListState> {
  return openListState({ root: dir, env, listId: LIST });
}

async function eventsIn(dir: string, env: Record<string, string>) {
  const state = await stateOf(dir, env);
  const out: Array<{ type: string; email: string; issue?: number }> = [];
  await state.events.each((e) => out.push(e));
  await state.close();
  return out;
}

describe.each(BACKENDS)('with the list state in %s', (backend) => {
  it('two enews serve record each one-click once, and only after it is kept', async () => {
    const dir = await builtProject(csv(people(1)));
    const env = await stateEnv(backend);
    const { newsletter } = loadNewsletter(contentPaths(dir));
    const states = [await stateOf(dir, env), await stateOf(dir, env)];
    const servers = await Promise.all(
      states.map((s) => startServe({ newsletter, secret: SECRET, events: s.events, host: '127.0.0.1', port: 0 })),
    );
    try {
      const bases = servers.map((s) => s.url.slice(0, s.url.indexOf(PATH)));
      const emails = Array.from({ length: 30 }, (_, i) => `u${i}@example.org`);
      const post = (base: string, email: string) =>
        fetch(`${base}${PATH}?t=${sealToken(SECRET, LIST, email, 3)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
      const answers = await Promise.all(emails.flatMap((e) => [...bases, ...bases].map((b) => post(b, e))));
      expect(answers.map((r) => r.status)).toEqual(Array(120).fill(200));
      const recorded = await eventsIn(dir, env);
      expect(recorded.map((e) => e.email).sort()).toEqual([...emails].sort());
      expect(recorded.every((e) => e.type === 'unsubscribed' && e.issue === 3)).toBe(true);
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      await Promise.all(states.map((s) => s.close()));
    }
  });

  it('two sends started together: one delivers, the other refuses at once (exit 4) and sends nothing', async () => {
    const dir = await builtProject(csv(people(40)));
    const server = await smtpServer({ delayMs: 50 });
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, ...(await stateEnv(backend)) };
    const args = ['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', '4'];
    const [a, b] = await Promise.all([runCli(args, { cwd: dir, env }), runCli(args, { cwd: dir, env })]);
    expect([a.code, b.code].sort()).toEqual([0, 4]);
    expect((a.code === 4 ? a : b).stderr).toContain('Another enews send is using');
    for (const p of people(40)) expect(server.countFor(p.email)).toBe(1);
  });

  it('a send killed again and again reaches everyone, duplicates bounded by the messages in flight', async () => {
    const N = 200;
    const CONCURRENCY = 4;
    const dir = await builtProject(csv(people(N)));
    const state = await stateEnv(backend);
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
    const start = (): { child: ChildProcess; done: Promise<number | null> } => {
      const child = spawn(
        process.execPath,
        [BIN, 'send', '3', '--subscribers', 'subscribers.csv', '--yes', '--concurrency', String(CONCURRENCY)],
        { cwd: dir, env: cleanEnv({ SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, ...state }) },
      );
      return { child, done: new Promise((resolve) => child.on('close', (code) => resolve(code))) };
    };
    const kills = [17, 45, 90, 140];
    for (const point of kills) {
      const run = start();
      target = point;
      killAt = () => run.child.kill('SIGKILL');
      await run.done;
    }
    expect(await start().done).toBe(0);
    for (const p of people(N)) expect(server.countFor(p.email), p.email).toBeGreaterThanOrEqual(1);
    expect(server.received.length - N).toBeLessThanOrEqual(kills.length * CONCURRENCY);
    // The journal records each subscriber as sent once.
    const s = await stateOf(dir, state);
    let sent = 0;
    await s.journals.read(s.journals.journalOf(3, null), (r) => {
      if (r.type === 'sent') sent++;
      return undefined;
    });
    await s.close();
    expect(sent).toBe(N);
  });

  it('two enews inbox at once on one mailbox record each return once', async () => {
    const dir = await builtProject(csv(people(3)));
    const server = await smtpServer();
    const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET, ...(await stateEnv(backend)) };
    expect((await runCli(['send', '3', '--subscribers', 'subscribers.csv', '--yes'], { cwd: dir, env })).code).toBe(0);
    // Unsubscribe requests by mail, each with its subscriber's token: 3 returns.
    const requests = server.received.map((m, i) => {
      const token = /subject=unsubscribe%20([A-Za-z0-9_-]+)/.exec(m.raw.toString())![1];
      return Buffer.from(
        `From: someone${i}@example.net\nTo: coop-enews-unsubscribe@example.org\nSubject: unsubscribe ${token}\n` +
          `Message-ID: <req${i}@example.net>\nDate: Wed, 26 Apr 2017 10:00:0${i} +0000\n\nplease\n`,
      );
    });
    const mbox = path.join(dir, 'returns.mbox');
    writeMbox(mbox, requests);
    const [a, b] = await Promise.all([
      runCli(['inbox', '--mbox', mbox], { cwd: dir, env }),
      runCli(['inbox', '--mbox', mbox], { cwd: dir, env }),
    ]);
    // One records; the other waits its turn and finds nothing new, or is refused while the first runs.
    for (const r of [a, b]) expect([0, 4], r.stderr).toContain(r.code);
    const again = await runCli(['inbox', '--mbox', mbox, '--json'], { cwd: dir, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyProcessed: 3, events: [] });
    const recorded = await eventsIn(dir, env);
    expect(recorded.map((e) => e.email).sort()).toEqual(
      people(3)
        .map((p) => p.email.toLowerCase())
        .sort(),
    );
  });
});
