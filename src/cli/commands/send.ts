import type { CliContext } from '../main.js';

export async function sendCommand(ctx: CliContext, numberArg: string, opts: Record<string, unknown>): Promise<number> {
  ctx.output.err('not implemented yet: ' + numberArg + JSON.stringify(opts));
  return 1;
}
