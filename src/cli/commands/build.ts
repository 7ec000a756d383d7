/** `enews build`: render an issue into DIR/NNN/, optionally with screenshots. */
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { CliContext } from '../main.js';
import { formatWarning } from '../output.js';
import { kb, plural } from '../words.js';

interface BuildFlags {
  out: string;
  screenshots?: boolean;
  browser?: string;
}

export function registerBuild(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('build')
    .description('render issue N into DIR/NNN/ (email.html, email.txt, message.eml, web.html, manifest.json)')
    .argument('<number>', 'issue number, e.g. 3 or 003')
    .option('--out <DIR>', 'output folder', 'dist')
    .option('--screenshots', 'also write desktop.png and mobile.png (needs Chromium)')
    .option(
      '--browser <PATH>',
      'Chrome/Chromium executable for --screenshots (default: $CHROMIUM_PATH, else the usual install locations)',
    )
    .action(async (number: string, flags: BuildFlags) => setExit(await build(ctx, number, flags)));
}

async function build(ctx: CliContext, numberArg: string, opts: BuildFlags): Promise<number> {
  const [{ parseIssueNumber, padded }, { prepareIssue }, { writeBuild }, { findBrowser }] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../build/prepare-issue.js'),
    import('../../build/write-build.js'),
    import('../../browser/find-browser.js'),
  ]);
  // Fail before building when the screenshots cannot be taken anyway.
  if (opts.screenshots) findBrowser(opts.browser ?? ctx.env.CHROMIUM_PATH);
  const prepared = await prepareIssue(ctx.cwd, parseIssueNumber(numberArg));
  const dir = path.resolve(ctx.cwd, opts.out, padded(prepared.number));
  const { manifest } = writeBuild(prepared, dir);
  for (const w of prepared.warnings) ctx.output.err(formatWarning(w));
  ctx.output.out(`Built issue ${prepared.number} "${manifest.subject}" into ${ctx.display(dir)}/`);
  for (const name of ['email.html', 'email.txt', 'message.eml', 'web.html']) {
    ctx.output.out(`  ${name.padEnd(12)} ${kb(manifest.sizes[name] ?? 0)}`);
  }
  if (opts.screenshots) {
    const { takeScreenshots } = await import('../../browser/screenshots.js');
    const shots = await takeScreenshots(prepared.sample.html, dir, {
      executablePath: opts.browser ?? ctx.env.CHROMIUM_PATH,
    });
    for (const s of shots) ctx.output.out(`  ${path.basename(s.file).padEnd(12)} ${s.width}×${s.height} px`);
  }
  ctx.output.out(
    `${plural(prepared.items.length, 'item')}, ${plural(prepared.warnings.length, 'warning')}. ` +
      `Review email.html or message.eml, then send.`,
  );
  return ExitCode.ok;
}
