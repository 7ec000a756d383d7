import { EnewsError, ExitCode } from '../../errors.js';
import { contentPaths, parseIssueNumber } from '../../content/load.js';
import { planNewIssue, writeNewIssue } from '../../content/new-issue.js';
import { displayPath } from '../../content/yaml-file.js';
import { isRealDate, formatLongDate, today } from '../../util/dates.js';
import type { CliContext } from '../main.js';
import { plural } from '../output.js';

export async function newCommand(ctx: CliContext, opts: { date?: string; number?: string }): Promise<number> {
  const date = opts.date ?? today();
  if (!isRealDate(date)) {
    throw new EnewsError('usage', `--date "${date}" is not a date; write it as YYYY-MM-DD, e.g. 2017-04-26.`, { exitCode: ExitCode.usage });
  }
  const number = opts.number === undefined ? undefined : parseIssueNumber(opts.number);
  const plan = planNewIssue(contentPaths(ctx.cwd), { date, number });
  writeNewIssue(plan);
  ctx.output.out(`Wrote ${displayPath(plan.file)}: issue ${plan.number}, ${formatLongDate(plan.date)}, ${plural(plan.items.length, 'item')} preselected:`);
  for (const item of plan.items) ctx.output.out(`  - ${item.id}  (${item.type}, ${item.date})`);
  ctx.output.out(`Next: write the intro, reorder the items, then run: enews check ${plan.number}`);
  return ExitCode.ok;
}
