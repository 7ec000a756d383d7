/**
 * `enews status`: counts from the send journal, and who is left, by the same rules as `send`; and,
 * when newsletter.yaml asks for approvals or someone gave one, who approved which build.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode, formatError } from '../../errors.js';
import { approvalJson, printApprovalReport } from '../approvals.js';
import type { CliContext } from '../context.js';
import { openState } from '../state.js';
import { count, plural, skipReasons, sumOf } from '../words.js';

interface StatusFlags {
  journal?: string;
  shard?: string;
  subscribers?: string;
  events?: string;
  build?: string;
  json?: boolean;
}

export function registerStatus(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('status')
    .description('counts from the send journal of issue N, who is left, and who approved which build')
    .argument('<number>', 'issue number')
    .option('--journal <FILE>', 'journal file (default: journal/NNN.jsonl)')
    .option('--shard <K/N>', 'the shard whose journal to read (journal/NNN-shard-K-of-N.jsonl)')
    .option('--subscribers <FILE>', 'count against this subscriber file (default: the one the send used)')
    .option('--events <FILE>', 'subscriber events to honour (default: the file the send used)')
    .option('--build <DIR>', 'the build whose approvals to show (default: dist/NNN)')
    .option('--json', 'print the counts as JSON')
    .action(async (number: string, flags: StatusFlags) => setExit(await status(ctx, number, flags)));
}

async function status(ctx: CliContext, numberArg: string, o: StatusFlags): Promise<number> {
  const [{ parseIssueNumber }, { parseShard }, { sendStatus }, { approvalReport }, { defaultBuildDir }, { hashKeys }] =
    await Promise.all([
      import('../../content/load.js'),
      import('../../util/shard.js'),
      import('../../send/status.js'),
      import('../../approval/gate.js'),
      import('../../build/build-dir.js'),
      import('../../config/unsubscribe-secret.js'),
    ]);
  const number = parseIssueNumber(numberArg);
  const events = o.events ? path.resolve(ctx.cwd, o.events) : null;
  const buildDir = o.build ? path.resolve(ctx.cwd, o.build) : defaultBuildDir(ctx.root, number);
  // The journal's counts do not depend on the content files: a broken one only hides the approvals.
  let approvals: import('../../approval/gate.js').ApprovalReport;
  try {
    approvals = approvalReport(ctx.root, number, buildDir);
  } catch (err) {
    if (!(err instanceof EnewsError)) throw err;
    ctx.output.err(`warning: the approvals cannot be shown: ${formatError(err)}`);
    approvals = { state: null, changed: [], file: '', none: true };
  }
  const state = await openState(ctx, events);
  let s: import('../../send/status.js').SendStatus;
  try {
    s = await sendStatus(
      {
        root: ctx.root,
        number,
        journal: o.journal ? path.resolve(ctx.cwd, o.journal) : null,
        shard: o.shard ? parseShard(o.shard) : null,
        subscribers: o.subscribers ? path.resolve(ctx.cwd, o.subscribers) : null,
        events,
        secrets: hashKeys(ctx.env),
      },
      state,
    );
  } catch (err) {
    // Before the first send the approvals are what there is to say.
    if (!(err instanceof EnewsError) || err.code !== 'no-journal' || approvals.none) throw err;
    if (o.json) ctx.output.data(JSON.stringify({ journal: null, approvals: approvalJson(approvals) }, null, 2));
    else {
      ctx.output.out(`Issue ${number}: not sent yet. ${err.message}`);
      printApprovalReport(ctx, number, approvals, buildDir);
    }
    return ExitCode.ok;
  } finally {
    await state.close();
  }
  if (o.json) {
    ctx.output.data(JSON.stringify(approvals.none ? s : { ...s, approvals: approvalJson(approvals) }, null, 2));
    return ExitCode.ok;
  }
  const line = (label: string, n: number, note = '') =>
    ctx.output.out(`  ${label.padEnd(14)}${count(n).padStart(10)}${note ? `   ${note}` : ''}`);
  ctx.output.out(`Issue ${number}, journal ${s.journal} (${plural(s.runs, 'run')}):`);
  line(
    'sent',
    s.sent,
    s.possibleDuplicates
      ? `${count(s.possibleDuplicates)} of them possibly twice (a reply lost after the message was handed over)`
      : '',
  );
  line('failed', s.failed);
  if (s.list) {
    // Against the subscriber file these rows add up: done + not yet + skipped = rows.
    const { skipped } = s.list;
    const done: Array<keyof typeof skipped> = ['already-sent', 'already-failed'];
    ctx.output.out(`Against ${s.list.file}${s.list.shard ? ` (shard ${s.list.shard})` : ''}:`);
    line('sent', skipped['already-sent']);
    line('failed', skipped['already-failed']);
    line('not sent yet', s.list.remaining);
    line('skipped', sumOf(skipped, done), skipReasons(skipped, done));
    const { signups } = s.list;
    line(
      'total rows',
      s.list.rows,
      signups.rows ? `${count(s.list.rows - signups.rows)} in the file, ${plural(signups.rows, 'sign-up')}` : '',
    );
  }
  for (const f of s.missingSuppressions)
    ctx.output.err(
      `warning: the suppression list ${f} that the send used is gone; its addresses count as not sent yet.`,
    );
  if (s.lastRun?.stopped)
    ctx.output.out(
      `The last run stopped early (${s.lastRun.stopped}) at ${s.lastRun.at}; the same send command resumes it.`,
    );
  else if (s.lastRun) ctx.output.out(`The last run finished at ${s.lastRun.at}.`);
  else ctx.output.out('The last run did not finish (killed or still running); the same send command resumes it.');
  if (!approvals.none) printApprovalReport(ctx, number, approvals, buildDir);
  return ExitCode.ok;
}
