/** `enews approve`: record that a person approved the current build of issue N. */
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import { printApprovals } from '../approvals.js';
import type { CliContext } from '../context.js';

interface ApproveFlags {
  by?: string;
  language: string[];
  note?: string;
  hash?: string;
  build?: string;
}

export function registerApprove(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('approve')
    .description('record an approval of the current build of issue N (issues/NNN.approvals.yaml; commit it)')
    .argument('<number>', 'issue number')
    // Checked in approve() rather than by commander, so a mistyped option gets its "did you mean" first.
    .option('--by <"NAME <ADDRESS>">', 'who approves, e.g. "Jane Doe <jane@example.org>" (required)')
    .option('--language <LANG>', 'approve this language only (repeatable; default: every language)', collect, [])
    .option('--note <TEXT>', 'a line to keep with the approval')
    .option(
      '--hash <HEX>',
      'the build hash the reviewer quoted from review.html: refuse if it is not the current build',
    )
    .option('--build <DIR>', 'the build to approve (default: dist/NNN)')
    .action(async (number: string, flags: ApproveFlags) => setExit(await approve(ctx, number, flags)));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function approve(ctx: CliContext, numberArg: string, o: ApproveFlags): Promise<number> {
  const [{ parseIssueNumber }, { approveBuild }, { shortHash }, { usage }] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../approval/approve.js'),
    import('../../approval/words.js'),
    import('../parse.js'),
  ]);
  const number = parseIssueNumber(numberArg);
  if (o.by === undefined) throw usage('--by "Name <address>" is required: who approves the build.');
  const r = approveBuild({
    root: ctx.root,
    number,
    build: o.build === undefined ? null : path.resolve(ctx.cwd, o.build),
    by: o.by,
    languages: o.language,
    note: o.note ?? null,
    hash: o.hash ?? null,
    now: new Date(),
  });
  const who = r.entry.by;
  const what = `build ${shortHash(r.entry.build)} of issue ${number} (${r.entry.languages.join(', ')})`;
  if (r.already) ctx.output.out(`${who} had already approved ${what}: nothing to record.`);
  else ctx.output.out(`Recorded in ${ctx.display(r.file)}: ${who} approved ${what}. Commit it with the issue.`);
  printApprovals(ctx, number, r.state);
  return ExitCode.ok;
}
