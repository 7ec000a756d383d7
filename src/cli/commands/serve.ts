/**
 * `enews serve`: the subscriber endpoint (unsubscribe page and RFC 8058 one-click; sign-up and preferences pages
 * when newsletter.yaml has subscribe:), behind a reverse proxy.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { openState } from '../state.js';
import { usage } from '../parse.js';
import { weakOldWarning } from '../secret-words.js';

interface ServeFlags {
  port: string;
  host: string;
  events?: string;
}

export function registerServe(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'subscriber endpoint: unsubscribe page and one-click unsubscribe on the path of unsubscribe.url, /healthz; ' +
        'with subscribe: in newsletter.yaml, the sign-up, confirmation and preferences pages',
    )
    .option('--port <P>', 'port (0 picks a free one)', '4290')
    .option('--host <H>', 'address to listen on (keep 127.0.0.1 behind a reverse proxy)', '127.0.0.1')
    .option('--events <FILE>', 'subscriber events file (default: journal/events.jsonl)')
    .action(async (flags: ServeFlags) => setExit(await serve(ctx, flags)));
}

async function serve(ctx: CliContext, o: ServeFlags): Promise<number> {
  const [{ startServe }, keys] = await Promise.all([
    import('../../serve/node.js'),
    import('../../config/unsubscribe-secret.js'),
  ]);
  const port = /^\d{1,5}$/.test(o.port) && Number(o.port) <= 65535 ? Number(o.port) : NaN;
  if (Number.isNaN(port)) {
    throw usage(`--port ${o.port} is not a port number; use 1024–65535, or 0 for any free port.`);
  }
  const secrets = keys.unsubscribeSecrets(ctx.env);
  const secret = secrets.current;
  if (!secret) {
    throw new EnewsError(
      'unsubscribe-secret-missing',
      'UNSUBSCRIBE_SECRET is not set, so enews serve cannot read the unsubscribe links.',
      {
        exitCode: ExitCode.badInput,
        problems: [{ message: 'Set UNSUBSCRIBE_SECRET to the value `enews send` used (environment or .env).' }],
      },
    );
  }
  for (const line of weakOldWarning(secrets.weakOld)) ctx.output.err(line);
  const state = await openState(ctx, o.events ? path.resolve(ctx.cwd, o.events) : null);
  try {
    return await serveUntilStopped(ctx, o, port, { current: secret, old: secrets.old }, state, startServe);
  } finally {
    await state.close();
  }
}

async function serveUntilStopped(
  ctx: CliContext,
  o: ServeFlags,
  port: number,
  secrets: { current: string; old: string[] },
  state: import('../../state/open.js').ListState,
  startServe: typeof import('../../serve/node.js').startServe,
): Promise<number> {
  const { contentPaths, loadNewsletter } = await import('../../content/load.js');
  const paths = contentPaths(ctx.root);
  const { newsletter } = loadNewsletter(paths);
  // The sign-up's confirmation message is rendered with MJML before serve listens, in MJML's worker thread
  // (bin/enews.js starts it before the CLI loads; here when it did not), which is stopped once serve listens.
  const mjml = await import('../../render/mjml-compile.js');
  if (newsletter.subscribe) mjml.startMjmlWorker();
  // Confirmations of sign-ups go out the way enews send's messages do: SMTP_URL is read (and checked) now. Without
  // it the unsubscribe page still works (it must), and sign-ups are refused until it is set.
  let transport: import('../../delivery/transports/index.js').TransportConfig | undefined;
  if (newsletter.subscribe) {
    const { configureTransport } = await import('../../delivery/transports/index.js');
    try {
      transport = configureTransport('smtp', ctx.env);
    } catch (err) {
      if (!(err instanceof EnewsError)) throw err;
      ctx.output.err(
        `warning: ${err.message} The sign-up page refuses sign-ups (503) until it is set: it could not send ` +
          'their confirmations. Unsubscribes work.',
      );
    }
  }
  const server = await startServe({
    newsletter,
    templatesDir: paths.templatesDir,
    secret: secrets.current,
    oldSecrets: secrets.old,
    events: state.events,
    log: (line) => ctx.output.err(`${new Date().toISOString()} ${line}`),
    host: o.host,
    port,
    ...(transport ? { transport } : {}),
  });
  await mjml.stopMjmlWorker();
  if (server.problem)
    ctx.output.err(
      `error: ${server.problem}\nUnsubscribes are refused (503) until that is fixed; ` +
        'enews serve notices the fix by itself.',
    );
  ctx.output.out(`Unsubscribe endpoint of ${newsletter.title}: ${server.url}`);
  if (server.subscribeUrl) ctx.output.out(`Sign-up page: ${server.subscribeUrl}`);
  ctx.output.err(`Recording to ${state.events.where}. Health check: /healthz. Press Ctrl-C to stop.`);
  await new Promise<void>((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const stop = () => {
      for (const s of signals) process.off(s, stop);
      resolve();
    };
    for (const s of signals) process.on(s, stop);
  });
  await server.close();
  ctx.output.err('Stopped.');
  return ExitCode.ok;
}
