/** `enews inbox`: (being written). */
import type { Command } from 'commander';
import { EnewsError } from '../../errors.js';
import type { CliContext } from '../main.js';

export function registerInbox(program: Command, _ctx: CliContext, _setExit: (code: number) => void): void {
  program
    .command('inbox')
    .description('(not yet available)')
    .action(() => {
      throw new EnewsError('not-yet', 'enews inbox is not available yet.');
    });
}
