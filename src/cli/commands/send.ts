/**
 * `enews send`: its options, their parsing, and the conversation around the
 * core's two steps (prepare → confirm → deliver). The core is imported when
 * the command runs, so other commands never load it.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { EnewsError, ExitCode, formatProblem } from '../../errors.js';
import type { EngineSettings } from '../../send/deliver.js';
import type { SendRequest } from '../../send/prepare.js';
import type { SendResult } from '../../send/result.js';
import type { ConnectionSettings } from '../../send/transport.js';
import type { ListState } from '../../state/open.js';
import type { CliContext } from '../context.js';
import { openState } from '../state.js';
import { nonNegativeInt, positiveInt, positiveNumber, usage } from '../parse.js';

interface SendFlags {
  subscribers?: string;
  test: string[];
  as?: string;
  language?: string;
  dryRun?: string | true;
  yes?: boolean;
  concurrency: string;
  rate?: string;
  shard?: string;
  journal?: string;
  events?: string;
  build?: string;
  suppress: string[];
  skipInvalid?: boolean;
  retryFailed?: boolean;
  acceptRebuild?: boolean;
  maxFailures: string;
  retries: string;
  retryDelay: string;
  timeout: string;
  dataTimeout: string;
  insecureTls?: boolean;
  json?: boolean;
  review?: boolean;
}

export function registerSend(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('send')
    .description('deliver issue N (as built) to a subscriber list over SMTP ($SMTP_URL)')
    .argument('<number>', 'issue number')
    // Not commander's requiredOption: it is checked before unknown options, so `--subscriber` would be reported
    // as a missing --subscribers instead of a typo with its "did you mean". Checked in send() instead.
    .option('--subscribers <FILE>', 'subscribers CSV (header row; email required; optional with --test)')
    .option('--test <ADDRESS>', 'send only to this address, subject marked [TEST] (repeatable)', collect, [])
    .option('--as <EMAIL>', 'with --test: render the test message as this subscriber of the list')
    .option('--review', "with --test: attach the build's review.html (every language and view) to the test message")
    .option(
      '--language <LANG>',
      "with --test: send this language's version (default: the subscriber's, else the first)",
    )
    // No preset: --dry-run without DIR writes into out/ in the project, a DIR given is relative to where it is typed.
    .addOption(new Option('--dry-run [DIR]', 'write each message as DIR/<n>.eml instead of sending (default: out/)'))
    .option('--yes', 'do not ask for confirmation (required when stdin is not a terminal)')
    .option('--concurrency <N>', 'SMTP connections in parallel', '4')
    .option('--rate <N/s>', 'at most N messages per second (default: unlimited)')
    .option('--shard <K/N>', 'send only to shard K of N (split by address hash)')
    .option('--journal <FILE>', 'journal file (default: journal/NNN.jsonl)')
    .option('--build <DIR>', 'the build to send (default: dist/NNN, as enews build writes it)')
    .option('--events <FILE>', 'subscriber events to honour (default: journal/events.jsonl)')
    .option('--suppress <FILE>', 'CSV of addresses that must not receive mail (repeatable)', collect, [])
    .option('--skip-invalid', 'send to the valid rows even if some rows are invalid (they are listed)')
    .option('--retry-failed', 'send again to recipients the journal records as failed')
    .option('--max-failures <N>', 'stop after this many failures in a row', '10')
    .option('--timeout <SECONDS>', 'SMTP connection and reply timeout', '60')
    .option(
      '--data-timeout <SECONDS>',
      'wait this long for the reply after a whole message was sent (RFC 5321: 10 minutes)',
      '600',
    )
    .option('--retries <N>', 'retries per recipient for temporary failures (4xx, dropped connection)', '5')
    .option('--retry-delay <SECONDS>', 'first retry delay; doubles each time, with jitter', '2')
    .option('--accept-rebuild', 'continue a send whose journal was written for an earlier build of the issue')
    .option('--insecure-tls', 'accept any TLS certificate (only for a test server you trust)')
    .option('--json', 'print the final summary as JSON on stdout')
    .action(async (number: string, flags: SendFlags) => setExit(await send(ctx, number, flags)));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function send(ctx: CliContext, numberArg: string, o: SendFlags): Promise<number> {
  // Ctrl-C is heard from the first moment: while planning it stops the planning (exit 4, nothing left on disk),
  // while sending it stops taking new recipients; a second Ctrl-C quits at once.
  const controller = new AbortController();
  let interrupts = 0;
  let dispose: (() => void) | null = null;
  const onSignal = () => {
    if (++interrupts === 1) {
      ctx.output.err(
        '\nStopping: finishing the messages in flight and writing the journal… (press Ctrl-C again to quit at once)',
      );
      controller.abort();
    } else {
      // Every outcome is already written to the journal as it happens; quitting now loses nothing recorded.
      dispose?.();
      process.exit(ExitCode.stopped);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await sendWithSignals(ctx, numberArg, o, controller.signal, (d) => (dispose = d));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function sendWithSignals(
  ctx: CliContext,
  numberArg: string,
  o: SendFlags,
  signal: AbortSignal,
  onDispose: (dispose: () => void) => void,
): Promise<number> {
  const [{ parseIssueNumber }, { parseShard }] = await Promise.all([
    import('../../content/load.js'),
    import('../../util/shard.js'),
  ]);
  const number = parseIssueNumber(numberArg);
  if (o.subscribers === undefined && o.test.length === 0)
    throw usage(
      '--subscribers FILE is required: the subscriber CSV to send to. Only a --test send can go without one.',
    );
  if (o.as !== undefined && o.test.length === 0)
    throw usage('--as only works with --test: it says whose message the test address gets.');
  if (o.language !== undefined && o.test.length === 0)
    throw usage(
      '--language only works with --test: a send gives each subscriber the language of their language column.',
    );
  if (o.review && o.test.length === 0)
    throw usage('--review only works with --test: it attaches review.html to the test messages for a reviewer.');
  const resolve = (p: string) => path.resolve(ctx.cwd, p);
  const engine = {
    rate: o.rate === undefined ? null : positiveNumber(o.rate.replace(/\/s$/, ''), '--rate'),
    maxFailures: nonNegativeInt(o.maxFailures, '--max-failures'),
    maxAttempts: nonNegativeInt(o.retries, '--retries') + 1,
    retryDelayMs: positiveNumber(o.retryDelay, '--retry-delay') * 1000,
  };
  const request: SendRequest = {
    root: ctx.root,
    number,
    build: o.build === undefined ? null : resolve(o.build),
    subscribers: o.subscribers === undefined ? null : resolve(o.subscribers),
    test: o.test,
    as: o.as ?? null,
    language: o.language ?? null,
    dryRun: o.dryRun === undefined ? null : o.dryRun === true ? path.join(ctx.root, 'out') : resolve(o.dryRun),
    journal: o.journal === undefined ? null : resolve(o.journal),
    suppress: o.suppress.map(resolve),
    shard: o.shard ? parseShard(o.shard) : null,
    skipInvalid: Boolean(o.skipInvalid),
    retryFailed: Boolean(o.retryFailed),
    acceptRebuild: Boolean(o.acceptRebuild),
    review: Boolean(o.review),
    concurrency: positiveInt(o.concurrency, '--concurrency'),
    env: ctx.env,
  };
  const connection = {
    timeoutMs: positiveNumber(o.timeout, '--timeout') * 1000,
    dataTimeoutMs: positiveNumber(o.dataTimeout, '--data-timeout') * 1000,
    insecureTls: Boolean(o.insecureTls),
  };
  if (signal.aborted) throw interrupted();
  const state = await openState(ctx, o.events === undefined ? null : resolve(o.events));
  try {
    return await sendPlanned(ctx, o, state, request, connection, engine, signal, onDispose);
  } finally {
    await state.close();
  }
}

async function sendPlanned(
  ctx: CliContext,
  o: SendFlags,
  state: ListState,
  request: SendRequest,
  connection: ConnectionSettings,
  engine: EngineSettings,
  signal: AbortSignal,
  onDispose: (dispose: () => void) => void,
): Promise<number> {
  const [{ prepareSend }, { sendTransport }, { deliverSend }, result, report] = await Promise.all([
    import('../../send/prepare.js'),
    import('../../send/transport.js'),
    import('../../send/deliver.js'),
    import('../../send/result.js'),
    import('../send-report.js'),
  ]);
  const plan = await prepareSend(request, state, { signal, onDispose });
  const finish = (r: SendResult, target: string) => {
    if (o.json) ctx.output.data(JSON.stringify(report.jsonSummary(r, target), null, 2));
    else {
      if (r.cancelled) ctx.output.err('Cancelled: nothing was sent.');
      else {
        if (r.toSend === 0 && r.mode !== 'test') ctx.output.err('Nobody left to send to.');
        report.printSummary(ctx.output, r, target);
      }
      if (r.invalid.length) {
        ctx.output.err('Invalid rows (skipped):');
        for (const p of r.invalid) ctx.output.err(`  - ${formatProblem(p)}`);
      }
    }
    return r.exitCode;
  };

  const progress = ctx.output.isTTY && !o.json ? report.progressPrinter((s) => process.stderr.write(s)) : undefined;
  try {
    // Made, not opened: the server is first contacted after the confirmation.
    const transport = await sendTransport(plan, connection);
    const target = plan.request.dryRun !== null ? ctx.display(transport.target) : transport.target;
    for (const n of plan.notices) for (const line of report.noticeLines(n)) ctx.output.err(line);
    if (plan.audience.toSend === 0) return finish(result.unsentResult(plan, transport.target, false), target);
    const languages = report.languageLine(plan.audience);
    if (languages) ctx.output.err(languages);
    const signups = report.signupLine(plan.audience.signups);
    if (signups) ctx.output.err(signups);
    const preapproved = Boolean(o.yes) || plan.mode !== 'send';
    if (!(await confirm(ctx, report.question(plan, target), preapproved)))
      return finish(result.unsentResult(plan, transport.target, true), target);
    if (signal.aborted) throw interrupted();
    const sent = await deliverSend(plan, transport, engine, {
      progress: progress?.update,
      signal,
      redact: ctx.redact,
    });
    progress?.clear();
    return finish(sent, target);
  } finally {
    progress?.clear();
    plan.dispose();
  }
}

function interrupted(): EnewsError {
  return new EnewsError('interrupted', 'Stopped before sending (Ctrl-C): nothing was sent.', {
    exitCode: ExitCode.stopped,
    problems: [{ message: 'Run the same command again to send.' }],
  });
}

async function confirm(ctx: CliContext, question: string, preapproved: boolean): Promise<boolean> {
  if (preapproved) {
    ctx.output.err(question.replace(/\?/, '.'));
    return true;
  }
  if (!process.stdin.isTTY) {
    throw new EnewsError(
      'needs-confirmation',
      `A send without a terminal needs --yes: there is nobody to ask "${question}" ` +
        '(stdin is not a terminal). Nothing was sent.',
      {
        exitCode: ExitCode.usage,
        problems: [{ message: 'Add --yes to send from a script, cron or CI.' }],
      },
    );
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
