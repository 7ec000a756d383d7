import path from 'node:path';
import { ExitCode } from '../../errors.js';
import { parseIssueNumber } from '../../content/load.js';
import { defaultJournalPath } from '../../journal/paths.js';
import { sendStatus } from '../../send/status.js';
import type { CliContext } from '../main.js';

export async function statusCommand(ctx: CliContext, numberArg: string, o: { journal?: string; json?: boolean }): Promise<number> {
  const number = parseIssueNumber(numberArg);
  const file = o.journal ? path.resolve(ctx.cwd, o.journal) : defaultJournalPath(ctx.cwd, number, null);
  const s = await sendStatus(file);
  if (o.json) {
    ctx.output.out(JSON.stringify(s, null, 2));
    return ExitCode.ok;
  }
  const line = (label: string, n: number | string) => ctx.output.out(`  ${label.padEnd(14)}${String(n).padStart(10)}`);
  ctx.output.out(`Issue ${number}, journal ${path.relative(ctx.cwd, s.journal) || s.journal} (${s.runs} run${s.runs === 1 ? '' : 's'}):`);
  line('sent', s.sent.toLocaleString('en-US'));
  line('failed', s.failed.toLocaleString('en-US'));
  if (s.list) {
    // Against the subscriber file these rows add up: done + not yet + skipped = rows.
    const { skipped } = s.list;
    const other = Object.entries(skipped).filter(([r]) => !r.startsWith('already')).reduce((a, [, n]) => a + n, 0);
    ctx.output.out(`Against ${path.relative(ctx.cwd, s.list.file) || s.list.file}:`);
    line('sent', skipped['already-sent'].toLocaleString('en-US'));
    line('failed', skipped['already-failed'].toLocaleString('en-US'));
    line('not sent yet', s.list.remaining.toLocaleString('en-US'));
    line('skipped', other.toLocaleString('en-US'));
    line('total rows', s.list.rows.toLocaleString('en-US'));
  }
  if (s.lastRun?.stopped) ctx.output.out(`The last run stopped early (${s.lastRun.stopped}) at ${s.lastRun.at}; the same send command resumes it.`);
  else if (s.lastRun) ctx.output.out(`The last run finished at ${s.lastRun.at}.`);
  else ctx.output.out('The last run did not finish (killed or still running); the same send command resumes it.');
  return ExitCode.ok;
}
