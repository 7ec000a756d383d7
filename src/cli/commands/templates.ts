/** `enews templates`: which templates a project uses, and copying the defaults into it for editing. */
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { plural } from '../words.js';

export function registerTemplates(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const templates = program
    .command('templates')
    .description("the project's templates: its own in templates/, the rest enews's defaults");
  templates
    .command('list')
    .description("list every template and whether it is the project's own or the default")
    .action(async () => setExit(await list(ctx)));
  templates
    .command('eject')
    .description('copy default templates into templates/ to edit them (all, or one by name)')
    .argument('[NAME]', 'a path inside templates/ (partials/footer.mjml), a file name (footer.mjml) or footer')
    .action(async (name: string | undefined) => setExit(await eject(ctx, name)));
}

async function list(ctx: CliContext): Promise<number> {
  const { defaultTemplates, templateFile, PACKAGE_TEMPLATE_PREFIX, templateInputName } = await import(
    '../../project/templates.js'
  );
  const dir = path.join(ctx.root, 'templates');
  for (const rel of defaultTemplates()) {
    const name = templateInputName(ctx.root, templateFile(dir, rel));
    const own = !name.startsWith(PACKAGE_TEMPLATE_PREFIX);
    ctx.output.out(`  ${`templates/${rel}`.padEnd(52)} ${own ? "the project's own" : 'default'}`);
  }
  return ExitCode.ok;
}

async function eject(ctx: CliContext, name: string | undefined): Promise<number> {
  const [{ ejectTemplates, templatesNamed }, { VERSION }] = await Promise.all([
    import('../../project/eject.js'),
    import('../../version.js'),
  ]);
  const dir = path.join(ctx.root, 'templates');
  const wanted = name === undefined ? null : templatesNamed(name);
  const r = ejectTemplates(dir, wanted);
  const show = (rel: string) => ctx.display(path.join(dir, rel));
  const kept = r.kept.map(show).join(' and ');
  if (name !== undefined && r.copied.length === 0) {
    throw new EnewsError(
      'template-exists',
      `${kept} ${r.kept.length === 1 ? 'is' : 'are'} already the project's own, and enews never overwrites it. ` +
        'To start again from the default, delete it first.',
    );
  }
  if (r.copied.length) {
    ctx.output.out(`Copied ${plural(r.copied.length, 'default template')} of enews ${VERSION} into the project:`);
    for (const rel of r.copied) ctx.output.out(`  ${show(rel)}`);
    ctx.output.out(
      "They now win over enews's defaults: edit them. Upgrades of enews no longer change them; " +
        'compare with node_modules/enews/templates/ after an upgrade and merge what you want.',
    );
  }
  if (r.kept.length) ctx.output.out(`Kept ${plural(r.kept.length, 'template')} the project already has: ${kept}`);
  return ExitCode.ok;
}
