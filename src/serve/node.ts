/**
 * `enews serve` on Node: the Hono app of app.ts with Node's parts plugged
 * in (tokens opened with node:crypto, events appended to the events file
 * with fsync), on a plain HTTP server meant to sit behind the
 * organisation's HTTPS reverse proxy.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { EnewsError, ExitCode } from '../errors.js';
import type { Newsletter } from '../content/schema.js';
import { currentRound, unsubscribeKey } from '../events/events.js';
import type { EventStore } from '../events/store.js';
import { groupRecorder } from '../events/group-append.js';
import { hasPerTurn, perTurn } from '../events/per-turn.js';
import { openTokenWithAny, sealToken } from '../personalize/token.js';
import { newsletterLanguages } from '../content/languages.js';
import { loadStrings } from '../render/strings.js';
import { createServeApp, serveLanguages, type ServeDeps } from './app.js';
import { WARM_UP_ADDRESS, warmUp } from './warm-up.js';
import { PACKAGE_TEMPLATES } from '../project/package.js';
import type { TransportConfig } from '../delivery/transports/index.js';
import { subscriptionDeps } from './subscription-node.js';

export interface ServeSettings {
  newsletter: Newsletter;
  /**
   * The project's templates folder: the pages speak each of the newsletter's languages in the words
   * of its strings file (unsubscribe_page:). Left out: the default language, in English words.
   */
  templatesDir?: string;
  /** UNSUBSCRIBE_SECRET. */
  secret: string;
  /** UNSUBSCRIBE_SECRET_OLD: the links of messages sent with these open too. */
  oldSecrets?: readonly string[];
  /** Where unsubscribes are recorded (the events file, or the shared database). */
  events: EventStore;
  /** The service's log (stderr): why it answers 503, once per reason. */
  log?(line: string): void;
  host: string;
  port: number;
  /** Slow clients: the whole request must arrive within this (ms). */
  requestTimeoutMs?: number;
  /**
   * How confirmation messages go out (the transport `enews send` uses, configured from the environment); needed
   * when newsletter.yaml has `subscribe:`.
   */
  transport?: TransportConfig;
  /** Time source of the sign-up pages (tests). */
  now?: () => number;
}

export interface RunningServer {
  url: string;
  /** The sign-up page's address on this server, when the newsletter has one. */
  subscribeUrl: string | null;
  /** Why unsubscribes cannot be recorded at start (a damaged events file), or null. */
  problem: string | null;
  close(): Promise<void>;
}

export async function startServe(s: ServeSettings): Promise<RunningServer> {
  const url = s.newsletter.unsubscribe.url;
  if (!url) {
    throw new EnewsError(
      'serve-no-url',
      'newsletter.yaml has no unsubscribe url, so there is nothing for enews serve to answer.',
      {
        problems: [
          {
            message:
              'Add unsubscribe: url: https://…/unsubscribe to issues/newsletter.yaml ' +
              '(the address your proxy forwards to enews serve).',
          },
        ],
      },
    );
  }
  const path = new URL(url).pathname;
  const problem = await s.events.problem();
  // What the first unsubscribe would do on its way (load the files' lock addon, ≈ 70 ms; open the database's
  // connections) is done before listening: a burst at start (a newsletter just sent) would otherwise wait for it.
  s.events.prepare?.();
  // Concurrent unsubscribes share one lock and one fsync; each is answered once its own line is on disk.
  // Whether one is new is decided by the store, under its lock: a second POST, to this process or another
  // serving the same list, records nothing.
  const record = groupRecorder(s.events, s.events.lanes ?? 1);
  // Likewise the questions every POST asks first: one look for the requests of one turn of the event loop.
  const has = hasPerTurn(s.events);
  const problemNow = perTurn(() => s.events.problem());
  // Read (and checked) before the server starts: a strings file with a problem stops serve with file:line.
  const strings =
    s.templatesDir || s.newsletter.subscribe
      ? loadStrings(s.templatesDir ?? PACKAGE_TEMPLATES, newsletterLanguages(s.newsletter))
      : null;
  const languages = strings && s.templatesDir ? serveLanguages(s.newsletter, strings) : undefined;
  const keys = [s.secret, ...(s.oldSecrets ?? [])];
  const subscription = strings ? await subscriptionDeps(s, strings, keys) : null;
  const deps: ServeDeps = {
    ...(languages ? { languages } : {}),
    identity: {
      title: s.newsletter.title,
      language: s.newsletter.language,
      brandColor: s.newsletter.brand.color,
      postalAddress: s.newsletter.postal_address.trim(),
    },
    listId: s.newsletter.list_id,
    path,
    open: (token) => openTokenWithAny(keys, token),
    // After a subscriber came back, their unsubscribe is a new fact: it belongs to their current round.
    alreadyUnsubscribed: async (address) => has(unsubscribeKey(address, await currentRound({ has }, address))),
    record: async (u) => {
      const round = await currentRound({ has }, u.address);
      await record({
        at: new Date().toISOString(),
        list: s.newsletter.list_id,
        type: 'unsubscribed',
        email: u.address,
        source: u.source,
        ...(u.issue ? { issue: u.issue } : {}),
        ...(round ? { round } : {}),
      });
    },
    maxBody: 16 * 1024,
    // Damaged (found at any append), not writable, a full disk: the proxy and monitoring hear it before a
    // subscriber does, and every 503 is logged with its reason.
    problem: problemNow,
    ...(s.log ? { log: s.log } : {}),
    ...(subscription ? { subscription: subscription.deps } : {}),
  };
  const app = createServeApp(deps);
  // The first requests would otherwise wait for their code to compile (warm-up.ts). An app that only asks what
  // the real one asks before it records, and has no sign-up pages (nothing there to send a confirmation from); a
  // failure here is the real app's to report, so it is not reported twice.
  const { subscription: _signup, ...unsubscribeOnly } = deps;
  const rehearsal = createServeApp({
    ...unsubscribeOnly,
    record: async (u) => void (await currentRound({ has }, u.address)),
    log: () => {},
  });
  await warmUp(rehearsal.fetch, path, sealToken(s.secret, s.newsletter.list_id, WARM_UP_ADDRESS, null)).catch(() => {});
  const timeout = s.requestTimeoutMs ?? 10_000;
  // Slow clients (a request trickling in byte by byte) are cut off; Node checks every
  // connectionsCheckingInterval, 30 s by default, so that is shortened too.
  const server = createAdaptorServer({
    fetch: app.fetch,
    serverOptions: {
      requestTimeout: timeout,
      headersTimeout: Math.min(timeout, 10_000),
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: Math.min(1_000, timeout),
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new EnewsError(
          'serve-listen',
          `Cannot listen on ${s.host}:${s.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use' : err.code}.`,
          {
            exitCode: ExitCode.badInput,
            problems: [{ message: 'Choose another port with --port, or stop what is using it.' }],
          },
        ),
      ),
    );
    server.listen(s.port, s.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  const origin = `http://${host}:${port}`;
  return {
    url: `${origin}${path}`,
    subscribeUrl: subscription ? `${origin}${subscription.deps.paths.subscribe}` : null,
    problem,
    close: async () => {
      await closeServer();
      await subscription?.mailer.close();
    },
  };

  function closeServer() {
    return new Promise<void>((resolve) => {
      // A service manager's stop (SIGTERM) must not cut an unsubscribe off between its fsync and its 200: no
      // new connection is taken, requests in flight are answered, and each connection is closed as soon as it
      // is idle. One that is still busy after the longest a request may take is cut off.
      // createAdaptorServer makes a node:http server when not given another createServer.
      const http = server as Server;
      const idle = setInterval(() => http.closeIdleConnections(), 50);
      const cut = setTimeout(() => http.closeAllConnections(), timeout);
      http.close(() => {
        clearInterval(idle);
        clearTimeout(cut);
        resolve();
      });
      http.closeIdleConnections();
    });
  }
}
