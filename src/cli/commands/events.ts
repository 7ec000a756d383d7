/** `enews events`: (being written). */
import type { Command } from 'commander';
import { EnewsError } from '../../errors.js';
import type { CliContext } from '../main.js';

export function registerEvents(program: Command, _ctx: CliContext, _setExit: (code: number) => void): void {
  program
    .command('events')
    .description('(not yet available)')
    .action(() => {
      throw new EnewsError('not-yet', 'enews events is not available yet.');
    });
}
