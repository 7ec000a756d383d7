import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { EnewsError, ExitCode, formatProblem } from '../../errors.js';
import { parseIssueNumber } from '../../content/load.js';
import { parseShard } from '../../plan/audience.js';
import { runSend, type Progress, type SendSummary } from '../../send/run-send.js';
import type { CliContext } from '../main.js';
import { printSummary } from '../summary.js';

export interface SendCliOptions {
  subscribers: string;
  test: string[];
  dryRun?: string | true;
  yes?: boolean;
  concurrency: string;
  rate?: string;
  shard?: string;
  journal?: string;
  suppress: string[];
  skipInvalid?: boolean;
  retryFailed?: boolean;
  acceptRebuild?: boolean;
  maxFailures: string;
  retries: string;
  retryDelay: string;
  timeout: string;
  insecureTls?: boolean;
  json?: boolean;
}

export async function sendCommand(ctx: CliContext, numberArg: string, o: SendCliOptions): Promise<number> {
  const number = parseIssueNumber(numberArg);
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      ctx.output.err('\nStopping: finishing the messages in flight and writing the journal… (press Ctrl-C again to quit at once)');
      controller.abort();
    } else {
      // Every outcome is already written to the journal as it happens; quitting now loses nothing recorded.
      process.exit(ExitCode.stopped);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = ctx.output.isTTY && !o.json ? progressPrinter() : undefined;
  try {
    const summary = await runSend(
      {
        root: ctx.cwd,
        number,
        subscribers: path.resolve(ctx.cwd, o.subscribers),
        test: o.test,
        dryRun: o.dryRun === undefined ? null : o.dryRun === true ? 'out' : o.dryRun,
        concurrency: positiveInt(o.concurrency, '--concurrency'),
        rate: o.rate === undefined ? null : positiveNumber(o.rate.replace(/\/s$/, ''), '--rate'),
        shard: o.shard ? parseShard(o.shard) : null,
        journal: o.journal ?? null,
        suppress: o.suppress,
        skipInvalid: Boolean(o.skipInvalid),
        retryFailed: Boolean(o.retryFailed),
        acceptRebuild: Boolean(o.acceptRebuild),
        maxFailures: nonNegativeInt(o.maxFailures, '--max-failures'),
        maxAttempts: nonNegativeInt(o.retries, '--retries') + 1,
        retryDelayMs: positiveNumber(o.retryDelay, '--retry-delay') * 1000,
        timeoutMs: positiveNumber(o.timeout, '--timeout') * 1000,
        insecureTls: Boolean(o.insecureTls),
        env: ctx.env,
      },
      {
        confirm: (q) => confirm(ctx, q, Boolean(o.yes) || o.dryRun !== undefined || o.test.length > 0),
        progress: progress?.update,
        notice: (line) => ctx.output.err(line),
        signal: controller.signal,
        redact: ctx.redact,
      },
    );
    progress?.clear();
    report(ctx, summary, Boolean(o.json));
    return summary.exitCode;
  } finally {
    progress?.clear();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function confirm(ctx: CliContext, question: string, preapproved: boolean): Promise<boolean> {
  if (preapproved) {
    ctx.output.err(question.replace(/\?/, '.'));
    return true;
  }
  if (!process.stdin.isTTY) {
    throw new EnewsError('needs-confirmation', `${question}\nRefusing to send without confirmation: stdin is not a terminal. Add --yes to send from a script.`, {
      exitCode: ExitCode.usage,
    });
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

function report(ctx: CliContext, s: SendSummary, json: boolean): void {
  if (json) {
    ctx.output.out(JSON.stringify(s, null, 2));
    return;
  }
  if (s.cancelled) {
    ctx.output.err('Cancelled: nothing was sent.');
    return;
  }
  if (s.toSend === 0 && s.mode !== 'test') ctx.output.err('Nobody left to send to.');
  printSummary(ctx.output, s);
  if (s.invalid.length) {
    ctx.output.err('Invalid rows (skipped):');
    for (const p of s.invalid) ctx.output.err(`  - ${formatProblem(p)}`);
  }
}

/** The live progress line; a terminal-only \r line, so it bypasses the line-based Output. */
function progressPrinter() {
  let shown = false;
  return {
    update(p: Progress) {
      const done = p.sent + p.failed + p.deferred;
      const rate = p.rate > 0 ? p.rate : done / Math.max(1, p.elapsedMs / 1000);
      const eta = rate > 0 ? formatDuration(((p.toSend - done) / rate) * 1000) : '?';
      process.stderr.write(
        `\r${done.toLocaleString('en-US')}/${p.toSend.toLocaleString('en-US')} · sent ${p.sent} · failed ${p.failed} · retrying ${p.retrying} · ${rate.toFixed(0)}/s · ETA ${eta}   `,
      );
      shown = true;
    },
    clear() {
      if (shown) process.stderr.write('\r\x1b[K');
      shown = false;
    },
  };
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw usage(`${name} must be a whole number of at least 1 (got "${v}")`);
  return n;
}

function nonNegativeInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw usage(`${name} must be a whole number (got "${v}")`);
  return n;
}

function positiveNumber(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw usage(`${name} must be a positive number (got "${v}")`);
  return n;
}

function usage(message: string): EnewsError {
  return new EnewsError('usage', message, { exitCode: ExitCode.usage });
}
