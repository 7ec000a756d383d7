import { ExitCode } from '../../errors.js';
import { parseIssueNumber } from '../../content/load.js';
import { prepareIssue } from '../../build/prepare-issue.js';
import type { CliContext } from '../main.js';
import { formatWarning, kb, plural } from '../output.js';

export async function checkCommand(ctx: CliContext, numberArg: string): Promise<number> {
  const prepared = await prepareIssue(ctx.cwd, parseIssueNumber(numberArg));
  for (const w of prepared.warnings) ctx.output.err(formatWarning(w));
  const size = kb(Buffer.byteLength(prepared.sample.html, 'utf8'));
  ctx.output.out(
    `Issue ${prepared.number} is valid: "${prepared.rendered.subject}", ${plural(prepared.items.length, 'item')}, HTML ${size}, ${plural(prepared.warnings.length, 'warning')}.`,
  );
  return ExitCode.ok;
}
