/** `enews check`: validate an issue's content and templates and print the warnings; writes nothing. */
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { CliContext } from '../main.js';
import { formatWarning } from '../output.js';
import { kb, plural } from '../words.js';

export function registerCheck(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('validate content and templates of issue N and print warnings; writes nothing')
    .argument('<number>', 'issue number')
    .action(async (number: string) => setExit(await check(ctx, number)));
}

async function check(ctx: CliContext, numberArg: string): Promise<number> {
  const [{ parseIssueNumber }, { prepareIssue }] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../build/prepare-issue.js'),
  ]);
  const prepared = await prepareIssue(ctx.cwd, parseIssueNumber(numberArg));
  for (const w of prepared.warnings) ctx.output.err(formatWarning(w));
  const size = kb(Buffer.byteLength(prepared.sample.html, 'utf8'));
  const counts =
    `${plural(prepared.items.length, 'item')}, HTML ${size}, ` + `${plural(prepared.warnings.length, 'warning')}`;
  ctx.output.out(`Issue ${prepared.number} is valid: "${prepared.rendered.subject}", ${counts}.`);
  return ExitCode.ok;
}
