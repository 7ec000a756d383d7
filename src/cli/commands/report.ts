/** `enews report`: (being written). */
import type { Command } from 'commander';
import { EnewsError } from '../../errors.js';
import type { CliContext } from '../main.js';

export function registerReport(program: Command, _ctx: CliContext, _setExit: (code: number) => void): void {
  program
    .command('report')
    .description('(not yet available)')
    .action(() => {
      throw new EnewsError('not-yet', 'enews report is not available yet.');
    });
}
