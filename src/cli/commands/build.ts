/**
 * `enews build`: render an issue into DIR/NNN/ (each further language into
 * DIR/NNN/<lang>/), optionally with screenshots of each.
 * It runs the same checks as `enews check` (and --axe, --spam, --links when
 * asked) and writes nothing while any of them finds an error.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { BrowserSession } from '../../browser/session.js';
import type { PreparedIssue } from '../../build/prepare-issue.js';
import type { CliContext } from '../context.js';
import { kb, plural } from '../words.js';
import { removingHeldOnSignal } from '../signals.js';
import {
  type ExtraCheckFlags,
  extraCheckOptions,
  extraChecks,
  printFindings,
  printSupport,
  requireTools,
  startBrowserChecks,
} from '../findings.js';

interface BuildFlags extends ExtraCheckFlags {
  out?: string;
  screenshots?: boolean;
}

export function registerBuild(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const command = program
    .command('build')
    .description(
      'render issue N into DIR/NNN/ (email.html, email.txt, message.eml, web.html, review.html, manifest.json)',
    )
    .argument('<number>', 'issue number, e.g. 3 or 003')
    .option('--out <DIR>', 'output folder (default: dist/ in the project)')
    .option('--screenshots', 'also write desktop.png and mobile.png, and their -dark versions (needs Chromium)');
  extraCheckOptions(command).action(async (number: string, flags: BuildFlags) =>
    // Ctrl-C during a browser check: its Chromium and profile are removed before the process dies.
    setExit(await removingHeldOnSignal(() => build(ctx, number, flags))),
  );
}

async function build(ctx: CliContext, numberArg: string, opts: BuildFlags): Promise<number> {
  // MJML loads on the other core while this one loads the rest (render/mjml-compile.ts).
  (await import('../../render/mjml-compile.js')).startMjmlWorker();
  const [{ parseIssueNumber }, { prepareIssue }, { findBrowser }] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../build/prepare-issue.js'),
    import('../../browser/find-browser.js'),
  ]);
  // Fail before building when the screenshots or a check cannot be done anyway.
  if (opts.screenshots) findBrowser(opts.browser ?? ctx.env.CHROMIUM_PATH);
  await requireTools(ctx, opts);
  // One Chromium for --axe and --screenshots in every language, started when first needed; with --axe, now:
  // it loads axe while the issue is prepared.
  const { browserSession } = await import('../../browser/session.js');
  const session = browserSession(opts.browser ?? ctx.env.CHROMIUM_PATH);
  try {
    await startBrowserChecks(ctx, opts, session);
    const prepared = await prepareIssue(ctx.root, parseIssueNumber(numberArg));
    return await buildPrepared(ctx, prepared, opts, session);
  } finally {
    await session.close();
  }
}

async function buildPrepared(
  ctx: CliContext,
  prepared: PreparedIssue,
  opts: BuildFlags,
  session: BrowserSession,
): Promise<number> {
  const [{ writeBuild }, { buildDir, distDir }] = await Promise.all([
    import('../../build/write-build.js'),
    import('../../build/build-dir.js'),
  ]);
  const findings = [...prepared.warnings, ...(await extraChecks(ctx, prepared, opts, session))];
  printFindings(ctx, findings);
  const errors = findings.filter((w) => w.severity === 'error').length;
  if (errors > 0) {
    ctx.output.out(
      `Issue ${prepared.number} was not built: fix the ${plural(errors, 'error')} above, then build again.`,
    );
    return ExitCode.badInput;
  }
  const dir = buildDir(opts.out ? path.resolve(ctx.cwd, opts.out) : distDir(ctx.root), prepared.number);
  const { manifest, files } = writeBuild(prepared, dir);
  ctx.output.out(`Built issue ${prepared.number} "${manifest.subject}" into ${ctx.display(dir)}/`);
  const forPeople = files.filter((f) => f.forPeople);
  for (const f of forPeople.filter((f) => f.language === manifest.language)) {
    ctx.output.out(`  ${f.name.padEnd(16)} ${kb(f.bytes)}`);
  }
  // The other languages' files are the same, in their folders: one line each, with the sizes of the HTML.
  for (const l of prepared.languages.slice(1)) {
    const sizes = forPeople
      .filter((f) => f.language === l.language && f.name.endsWith('.html'))
      .map((f) => `${f.name.slice(l.folder.length)} ${kb(f.bytes)}`);
    ctx.output.out(`  ${l.folder.padEnd(16)} "${l.rendered.subject}", ${sizes.join(', ')}`);
  }
  // The files of the whole issue: review.html, every language and view on one page.
  for (const f of forPeople.filter((f) => f.language === null)) {
    ctx.output.out(`  ${f.name.padEnd(16)} ${kb(f.bytes)}, every language and view, for reviewers anywhere`);
  }
  if (opts.screenshots) {
    const { takeScreenshots } = await import('../../browser/screenshots.js');
    const { withInlineImages } = await import('../../images/in-content.js');
    for (const l of prepared.languages) {
      // The pictures as built, not from site.base_url: they are not published before the review.
      const html = withInlineImages(l.sample.html, prepared.images.assets);
      const shots = await takeScreenshots(html, path.join(dir, l.folder), { session });
      for (const s of shots) {
        ctx.output.out(`  ${`${l.folder}${path.basename(s.file)}`.padEnd(16)} ${s.width}×${s.height} px`);
      }
    }
  }
  ctx.output.out(
    `${plural(manifest.items.length, 'item')}, ${plural(findings.length, 'warning')}. ` +
      `Review review.html (or email.html, message.eml), approve, then send.`,
  );
  printSupport(ctx, prepared, true);
  return ExitCode.ok;
}
