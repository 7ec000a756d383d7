import path from 'node:path';
import { ExitCode } from '../../errors.js';
import { parseIssueNumber } from '../../content/load.js';
import { prepareIssue } from '../../build/prepare-issue.js';
import { issueDirName, writeBuild } from '../../build/write-build.js';
import type { CliContext } from '../main.js';
import { formatWarning, kb, plural } from '../output.js';
import { findBrowser } from '../../preview/browser.js';

export interface BuildOptions {
  out: string;
  screenshots?: boolean;
  browser?: string;
}

export async function buildCommand(ctx: CliContext, numberArg: string, opts: BuildOptions): Promise<number> {
  // Fail before building when the screenshots cannot be taken anyway.
  if (opts.screenshots) findBrowser(opts.browser ?? ctx.env.CHROMIUM_PATH);
  const prepared = await prepareIssue(ctx.cwd, parseIssueNumber(numberArg));
  const dir = path.resolve(ctx.cwd, opts.out, issueDirName(prepared.number));
  const { manifest } = writeBuild(prepared, dir);
  for (const w of prepared.warnings) ctx.output.err(formatWarning(w));
  ctx.output.out(`Built issue ${prepared.number} "${manifest.subject}" into ${ctx.display(dir)}/`);
  for (const name of ['email.html', 'email.txt', 'message.eml']) {
    ctx.output.out(`  ${name.padEnd(12)} ${kb(manifest.sizes[name] ?? 0)}`);
  }
  if (opts.screenshots) {
    const { takeScreenshots } = await import('../../preview/screenshots.js');
    const shots = await takeScreenshots(prepared.sample.html, dir, { executablePath: opts.browser ?? ctx.env.CHROMIUM_PATH });
    for (const s of shots) ctx.output.out(`  ${path.basename(s.file).padEnd(12)} ${s.width}×${s.height} px`);
  }
  ctx.output.out(`${plural(prepared.items.length, 'item')}, ${plural(prepared.warnings.length, 'warning')}. Review email.html or message.eml, then send.`);
  return ExitCode.ok;
}
