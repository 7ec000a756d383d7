/**
 * `enews check`: validate an issue's content and templates, check the built
 * email (accessibility, contrast, dark mode, client support) and print the
 * findings; writes nothing. --axe, --spam and --links add the checks that
 * need Chromium, SpamAssassin or the network. Errors make it exit 1.
 */
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import {
  type ExtraCheckFlags,
  extraCheckOptions,
  extraChecks,
  printFindings,
  printLanguages,
  printSupport,
  requireTools,
  startBrowserChecks,
} from '../findings.js';
import { kb, plural } from '../words.js';
import { removingHeldOnSignal } from '../signals.js';

export function registerCheck(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const command = program
    .command('check')
    .description('validate content and templates of issue N, check the email and print findings; writes nothing')
    .argument('<number>', 'issue number');
  extraCheckOptions(command).action(async (number: string, flags: ExtraCheckFlags) =>
    // Ctrl-C during a browser check: its Chromium and profile are removed before the process dies.
    setExit(await removingHeldOnSignal(() => check(ctx, number, flags))),
  );
}

async function check(ctx: CliContext, numberArg: string, flags: ExtraCheckFlags): Promise<number> {
  // MJML loads in its worker thread while this one loads the content, as in build.
  (await import('../../render/mjml-compile.js')).startMjmlWorker();
  await requireTools(ctx, flags);
  const { parseIssueNumber } = await import('../../content/issue-number.js');
  const number = parseIssueNumber(numberArg);
  // Before the issue's code loads: Chromium starts meanwhile.
  const session = await startBrowserChecks(ctx, flags);
  const prepared = await import('../../build/prepare-issue.js')
    .then(({ prepareIssue }) => prepareIssue(ctx.root, number))
    .catch(async (err: unknown) => {
      await session?.close();
      throw err;
    });
  const extra = await extraChecks(ctx, prepared, flags, session).finally(() => session?.close());
  const findings = [...prepared.warnings, ...extra];
  printFindings(ctx, findings);
  const errors = findings.filter((w) => w.severity === 'error').length;
  // The verdict names the default language's email; printLanguages adds the others.
  const main = prepared.languages[0]!;
  const size = kb(Buffer.byteLength(main.sample.html, 'utf8'));
  const counts =
    `${plural(main.items.length, 'item')}, HTML ${size}, ` +
    `${plural(findings.length - errors, 'warning')}${errors ? `, ${plural(errors, 'error')}` : ''}`;
  ctx.output.out(
    errors
      ? `Issue ${prepared.number} has problems to fix before it is sent: "${main.rendered.subject}", ${counts}.`
      : `Issue ${prepared.number} is valid: "${main.rendered.subject}", ${counts}.`,
  );
  printLanguages(ctx, prepared);
  printSupport(ctx, prepared);
  return errors ? ExitCode.badInput : ExitCode.ok;
}
