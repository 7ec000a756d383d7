/** `enews items pull`: new entries of the website's feeds into the catalog. */
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { positiveNumber } from '../parse.js';
import { printPull } from '../pull-report.js';

export interface PullFlags {
  dryRun?: boolean;
  timeout: string;
}

export function registerItems(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const items = program.command('items').description('the catalog of news items (issues/items.yaml)');
  items
    .command('pull')
    .description(
      "add the new entries of the website's feeds (RSS, Atom, JSON Feed) to the catalog; " +
        'never changes an item that is there',
    )
    .argument('[SOURCE...]', 'feed addresses or files (default: the feeds of newsletter.yaml)')
    .option('--dry-run', 'say what would be added; write nothing')
    .option('--timeout <SECONDS>', 'the longest wait for each feed and each picture', '30')
    .action(async (sources: string[], flags: PullFlags) => setExit(await pull(ctx, sources, flags)));
}

async function pull(ctx: CliContext, sources: string[], flags: PullFlags): Promise<number> {
  const timeoutMs = positiveNumber(flags.timeout, '--timeout') * 1000;
  const { pullItems } = await import('../../feeds/pull.js');
  const typed = sources.map((s) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) ? s : path.resolve(ctx.cwd, s)));
  const result = await pullItems({ root: ctx.root, sources: typed, timeoutMs, dryRun: Boolean(flags.dryRun) });
  printPull(ctx, result, Boolean(flags.dryRun));
  if (!flags.dryRun && result.add.length) {
    ctx.output.out('Next: read the new items in the catalog (summaries are cut at a sentence), then: enews new');
  }
  return ExitCode.ok;
}
