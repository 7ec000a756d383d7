/** `enews site`: the web archive (index, one page per issue, feeds) from the built issues in dist/. */
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { plural } from '../words.js';

interface SiteFlags {
  out?: string;
  dist?: string;
}

export function registerSite(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('site')
    .description('write the web archive of every built issue: index.html, NNN/index.html, feed.xml, feed.json')
    // No commander defaults: a folder given is relative to where it is typed, the defaults live in the project.
    .option('--out <DIR>', 'folder to write the archive to, replaced as a whole (default: site/ in the project)')
    .option('--dist <DIR>', 'the builds to publish, as enews build --out wrote them (default: dist/ in the project)')
    .action(async (flags: SiteFlags) => setExit(await site(ctx, flags)));
}

const isAsset = (file: string) => file.startsWith('assets/');

async function site(ctx: CliContext, opts: SiteFlags): Promise<number> {
  const [{ buildSite }, { languageName }, { issuePagePath }, { distDir }] = await Promise.all([
    import('../../site/build-site.js'),
    import('../../content/languages.js'),
    import('../../render/site-urls.js'),
    import('../../build/build-dir.js'),
  ]);
  const result = await buildSite({
    root: ctx.root,
    dist: opts.dist === undefined ? distDir(ctx.root) : path.resolve(ctx.cwd, opts.dist),
    out: opts.out === undefined ? path.join(ctx.root, 'site') : path.resolve(ctx.cwd, opts.out),
    display: ctx.display,
  });
  const numbers = result.issues;
  const range = numbers.length === 1 ? `No. ${numbers[0]}` : `No. ${numbers[0]} to No. ${numbers[numbers.length - 1]}`;
  ctx.output.out(`Wrote the archive of ${plural(numbers.length, 'issue')} (${range}) to ${ctx.display(result.out)}/`);
  const folders = result.languages.map((l) => l.folder).filter((f) => f !== '');
  const top = result.files.filter((f) => !folders.some((folder) => f.startsWith(folder)) && !isAsset(f));
  const pages = top.filter((f) => /^\d+\/index\.html$/.test(f));
  const others = top.filter((f) => !pages.includes(f));
  ctx.output.out(`  ${others.join(', ')} and ${plural(pages.length, 'issue page')} (${pages[0]}…)`);
  if (result.assets > 0) ctx.output.out(`  assets/: ${plural(result.assets, 'picture file')} the emails show`);
  // Every other language: the same pages and feeds in its folder.
  for (const l of result.languages.slice(1)) {
    const first = `${l.folder}${issuePagePath(l.issues[0]!)}`;
    ctx.output.out(
      `  ${l.folder} (${languageName(l.language)}): index.html, feed.xml, feed.json and ` +
        `${plural(l.issues.length, 'issue page')} (${first}…)`,
    );
  }
  const changed = result.changedSinceBuild;
  if (changed.length > 0) {
    const which = changed.length === 1 ? `issue ${changed[0]} has` : `issues ${changed.join(', ')} have`;
    ctx.output.out(
      `Published as built: ${which} changed since ${changed.length === 1 ? 'its' : 'their'} build ` +
        '(build and review again to publish a change).',
    );
  }
  ctx.output.out(`Publish the folder at ${result.baseUrl} (any static web host).`);
  return ExitCode.ok;
}
