/** `enews new`: the next issue file, with the catalog items since the previous issue preselected. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { NewIssuePlan } from '../../content/new-issue.js';
import { isRealDate, formatLongDate, today } from '../../util/dates.js';
import type { CliContext } from '../context.js';
import { positiveNumber } from '../parse.js';
import { printPull, schemaLineNote } from '../pull-report.js';
import { plural } from '../words.js';

export function registerNew(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('new')
    .description('write issues/NNN.yaml for the next issue, preselecting catalog items dated since the previous issue')
    .option('--date <YYYY-MM-DD>', 'date of the new issue (default: today)')
    .option('--number <N>', 'issue number (default: the next one)')
    .option('--pull', "first add the new entries of the website's feeds to the catalog (enews items pull)")
    .option('--timeout <SECONDS>', 'with --pull: the longest wait for each feed and each picture', '30')
    .action(async (flags: NewFlags) => setExit(await newIssue(ctx, flags)));
}

interface NewFlags {
  date?: string;
  number?: string;
  pull?: boolean;
  timeout: string;
}

async function newIssue(ctx: CliContext, opts: NewFlags): Promise<number> {
  const [
    { defaultBuildDir },
    { catalogFiles, contentPaths, loadNewsletter },
    { itemTypeNames },
    { parseIssueNumber },
    { planNewIssue, writeNewIssue },
    { schemaLine },
    { syncCatalogSchemaLine, writeProjectItemsSchema },
  ] = await Promise.all([
    import('../../build/build-dir.js'),
    import('../../content/load.js'),
    import('../../content/item-types.js'),
    import('../../content/issue-number.js'),
    import('../../content/new-issue.js'),
    import('../../project/schema-line.js'),
    import('../../project/project-schemas.js'),
  ]);
  const date = opts.date ?? today();
  if (!isRealDate(date)) {
    throw new EnewsError('usage', `--date "${date}" is not a date; write it as YYYY-MM-DD, e.g. 2017-04-26.`, {
      exitCode: ExitCode.usage,
    });
  }
  const number = opts.number === undefined ? undefined : parseIssueNumber(opts.number);
  const paths = contentPaths(ctx.root);
  const types = itemTypeNames(loadNewsletter(paths).newsletter);
  let plan = planNewIssue(paths, { date, number, types });
  if (opts.pull) {
    // Planned once before: an issue that cannot be made (it exists, a date too early) is refused before the pull.
    const timeoutMs = positiveNumber(opts.timeout, '--timeout') * 1000;
    const { pullItems } = await import('../../feeds/pull.js');
    printPull(ctx, await pullItems({ root: ctx.root, sources: [], timeoutMs, dryRun: false }), false);
    plan = planNewIssue(paths, { date, number, types });
  }
  writeProjectItemsSchema(ctx.root, types);
  writeNewIssue(plan, schemaLine(ctx.root, plan.file, 'issue'));
  const file = ctx.display(plan.file);
  const [catalog, ...more] = catalogFiles(paths);
  const single = more.length === 0 && path.basename(catalog!) === 'items.yaml' ? catalog! : null;
  const repointed = single ? syncCatalogSchemaLine(ctx.root, single, types) : null;
  const saySchema = () => {
    if (!repointed) return;
    ctx.output.out(schemaLineNote(ctx, repointed));
  };
  const prev = plan.previous?.number;
  // A second `enews new` before the previous issue went out is usually a slip (run twice, wrong folder).
  const manifest = prev === undefined ? null : path.join(defaultBuildDir(ctx.root, prev), 'manifest.json');
  if (manifest && !existsSync(manifest)) {
    ctx.output.err(
      `warning: issue ${prev} has not been built yet (there is no ${ctx.display(manifest)}). ` +
        `If you meant to go on with issue ${prev} rather than start issue ` +
        `${plan.number}, delete ${file} and run: enews build ${prev}`,
    );
  }
  if (plan.items.length === 0) {
    ctx.output.out(
      `Wrote ${file}: issue ${plan.number}, ${formatLongDate(plan.date)}, no ` +
        `items preselected: the catalog has no item dated ${searched(plan)}.`,
    );
    saySchema();
    ctx.output.out(
      `Next: add the news to the catalog and list their ids under "items:" ` +
        `in ${file}, write the intro, then run: enews check ${plan.number}`,
    );
    return ExitCode.ok;
  }
  ctx.output.out(
    `Wrote ${file}: issue ${plan.number}, ${formatLongDate(plan.date)}, ` +
      `${plural(plan.items.length, 'item')} preselected:`,
  );
  for (const item of plan.items) ctx.output.out(`  - ${item.id}  (${item.type}, ${item.date})`);
  saySchema();
  ctx.output.out(`Next: write the intro, reorder the items, then run: enews check ${plan.number}`);
  return ExitCode.ok;
}

/** The dates `enews new` looked at, so an empty issue explains itself. */
function searched(plan: NewIssuePlan): string {
  const upTo = formatLongDate(plan.date);
  return plan.previous
    ? `after ${formatLongDate(plan.previous.date)} (issue ${plan.previous.number}) and up to ${upTo}`
    : `on or before ${upTo}`;
}
