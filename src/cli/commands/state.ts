/** `enews state import [DIR]`: a project's list state files (journal/) copied into the database STATE_URL names. */
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { openState } from '../state.js';
import { count, plural } from '../words.js';

export function registerState(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const state = program.command('state').description('the list state: files under journal/, or a database (STATE_URL)');
  state
    .command('import')
    .description("copy a project's journal/ (events, send journals, inbox memory) into the database of STATE_URL")
    .argument('[DIR]', 'the project folder whose journal/ to copy (default: this project)')
    .action(async (dir: string | undefined) => setExit(await importState(ctx, dir)));
}

async function importState(ctx: CliContext, dir: string | undefined): Promise<number> {
  if (!ctx.env.STATE_URL?.trim()) {
    throw new EnewsError('state-url-missing', 'STATE_URL is not set: there is no database to import into.', {
      problems: [
        {
          message:
            'Set STATE_URL=postgres://user:password@host:5432/database (environment or .env), the database the ' +
            "team's enews commands will share, then run enews state import again.",
        },
      ],
    });
  }
  const { importFiles } = await import('../../state/import.js');
  const from = dir === undefined ? ctx.root : path.resolve(ctx.cwd, dir);
  const state = await openState(ctx);
  try {
    const r = await importFiles(from, state);
    ctx.output.out(`Copied ${ctx.display(r.from)} into ${state.where}:`);
    ctx.output.out(`  events          ${count(r.events.copied)} copied, ${count(r.events.already)} already there`);
    for (const j of r.journals) {
      ctx.output.out(
        j.differs
          ? `  journal ${j.name.padEnd(8)} NOT copied: the database holds a journal of that name with other records`
          : `  journal ${j.name.padEnd(8)} ${plural(j.copied, 'record')} copied, ${count(j.already)} already there`,
      );
    }
    if (r.journals.length === 0) ctx.output.out('  journals        none');
    ctx.output.out(`  inbox memory    ${count(r.seen.copied)} copied, ${count(r.seen.already)} already there`);
    const differ = r.journals.filter((j) => j.differs);
    if (differ.length) {
      ctx.output.err(
        `warning: ${plural(differ.length, 'journal')} left as they are (${differ.map((j) => j.name).join(', ')}): ` +
          'the database already records other outcomes under that name. Compare them before you send that issue.',
      );
      return ExitCode.badInput;
    }
    return ExitCode.ok;
  } finally {
    await state.close();
  }
}
