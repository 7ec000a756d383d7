/** `enews init`: a new newsletter project in an empty or new folder, from flags or questions on a terminal. */
import path from 'node:path';
import { Option, type Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { Dependency, EnewsSource } from '../../project/dependency.js';
import type { AnswerKey } from '../../project/init-answers.js';
import type { CliContext } from '../context.js';
import { usage } from '../parse.js';
import { LinePrompter } from '../prompt.js';

// Declared here rather than read from init-answers.ts, so `enews --help` does not load zod and the schemas.
const FLAGS: Array<[AnswerKey, string, string]> = [
  ['title', '--title <TEXT>', 'title of the newsletter (default: from the folder name)'],
  ['fromName', '--from-name <NAME>', 'sender name (default: the title)'],
  ['from', '--from <ADDRESS>', 'sender address'],
  ['replyTo', '--reply-to <ADDRESS>', 'where replies go (default: the sender address)'],
  ['listId', '--list-id <ID>', 'list id, like a domain name (default: <title>.<sender domain>)'],
  ['postalAddress', '--postal-address <TEXT>', 'postal address for the footer'],
  ['siteUrl', '--site-url <URL>', 'where the web archive is published'],
  ['unsubscribeUrl', '--unsubscribe-url <URL>', 'unsubscribe link (default: <site-url>unsubscribe)'],
  ['unsubscribeMailto', '--unsubscribe-mailto <ADDRESS>', 'unsubscribe address read by enews inbox'],
  ['language', '--language <TAG>', 'language tag (default: en)'],
];

type InitFlags = Partial<Record<AnswerKey, string>> & { yes?: boolean; ci?: 'github'; enews?: string };

export function registerInit(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const cmd = program
    .command('init')
    .description('create a newsletter project in DIR (new or empty); asks for its details on a terminal')
    .argument('[DIR]', 'folder of the new project', '.')
    .option('--yes', 'ask nothing: take the defaults for everything not given');
  for (const [, flag, help] of FLAGS) cmd.option(flag, help);
  cmd
    .addOption(
      new Option('--ci <SERVICE>', 'also write a CI workflow checking and building each pull request').choices([
        'github',
      ]),
    )
    .option('--enews <SPEC>', "enews in the project's package.json (default: the source this enews came from)")
    .action(async (dir: string, flags: InitFlags) => setExit(await init(ctx, dir, flags)));
}

async function init(ctx: CliContext, dir: string, flags: InitFlags): Promise<number> {
  const [project, { PLACEHOLDER_DOMAIN }, { scaffoldFiles }, dependency, { schemaLine }, { today }] = await Promise.all(
    [
      import('../../project/init.js'),
      import('../../content/placeholders.js'),
      import('../../project/scaffold.js'),
      import('../../project/dependency.js'),
      import('../../project/schema-line.js'),
      import('../../util/dates.js'),
    ],
  );
  const target = path.resolve(ctx.cwd, dir);
  const shown = dir === '.' ? `This folder (${target})` : ctx.display(target);
  project.checkTarget(target, shown);
  const given: Partial<Record<AnswerKey, string>> = {};
  for (const [key] of FLAGS) if (flags[key] !== undefined) given[key] = flags[key];
  project.checkGiven(given);
  const missing = FLAGS.filter(([key]) => given[key] === undefined);
  const onTerminal = !flags.yes && missing.length > 0 && Boolean(process.stdin.isTTY);
  if (!flags.yes && missing.length > 0 && !onTerminal) {
    throw usage(
      `enews init asks for the newsletter's details on a terminal, and stdin is not one. ` +
        `Give them as options (${missing.map(([, f]) => f.split(' ')[0]).join(', ')}), ` +
        'or add --yes to take the defaults for those not given.',
    );
  }
  const answers = onTerminal
    ? await withPrompter(ctx, (p) => project.gatherAnswers(given, path.basename(target), p))
    : await project.gatherAnswers(given, path.basename(target), null);
  const source = flags.enews ? dependency.sourceOf(flags.enews, ctx.cwd) : dependency.installedSource();
  const enews = dependency.dependencyFor(source, target);
  const files = scaffoldFiles(answers, {
    name:
      path
        .basename(target)
        .toLowerCase()
        .replace(/[^a-z0-9._-]+/g, '-') || 'newsletter',
    date: today(),
    enews: enews.spec,
    schemaLine: (file, schema) => schemaLine(target, path.join(target, file), schema),
    ci: flags.ci ?? null,
  });
  const copies = enews.vendor ? [enews.vendor] : [];
  project.writeScaffold(target, files, copies);
  ctx.output.out(`Created the project of "${answers.title}" in ${ctx.display(target)}:`);
  for (const rel of [...files.map(([f]) => f), ...copies.map((c) => c.to)]) ctx.output.out(`  ${rel}`);
  for (const line of dependencyLines(ctx, source, enews)) ctx.output.out(line);
  const cd = path.relative(ctx.cwd, target);
  ctx.output.out('Next:');
  if (cd) ctx.output.out(`  cd ${/\s/.test(cd) ? `"${cd}"` : cd}`);
  ctx.output.out('  npm install');
  ctx.output.out('  npx enews build 1');
  const madeUp = Object.values(answers).some((v) => v.includes(PLACEHOLDER_DOMAIN));
  ctx.output.out(
    `Then write what is still a placeholder (texts marked TODO${madeUp ? `, addresses at ${PLACEHOLDER_DOMAIN}` : ''}):`,
  );
  ctx.output.out('  npx enews check 1 lists each one; enews send refuses until they are written.');
  ctx.output.out('Copy .env.example to .env for sending; README.md has the weekly routine.');
  return ExitCode.ok;
}

/** What package.json names as enews, and whether that installs elsewhere: a team clones the project. */
function dependencyLines(ctx: CliContext, source: EnewsSource, enews: Dependency): string[] {
  switch (source.kind) {
    case 'spec':
      return [`package.json names enews as "${enews.spec}".`];
    case 'tarball':
      return [
        `package.json names enews as "${enews.spec}", a copy of ${ctx.display(source.file)}:`,
        "  commit it, so that a colleague's clone and CI install the same enews.",
      ];
    case 'local':
      return [
        `package.json names enews as "${enews.spec}", a path on this computer: npm install works only here.`,
        '  For a project others clone, run enews init with --enews and a version, a git URL or a tarball',
        '  (a tarball is copied into the project).',
      ];
  }
}

async function withPrompter<T>(
  ctx: CliContext,
  f: (p: import('../../project/init.js').Prompter) => Promise<T>,
): Promise<T> {
  const terminal = new LinePrompter(process.stdin, process.stderr);
  const line = async (prompt: string) => {
    const typed = await terminal.line(prompt);
    if (typed === null)
      throw new EnewsError(
        'init-stopped',
        'Stopped before the last question (Ctrl-D or Ctrl-C): enews init wrote nothing.',
      );
    return typed;
  };
  try {
    ctx.output.err('Press Enter to take the value in [brackets]; Ctrl-D stops without writing anything.');
    return await f({
      ask: async (label, fallback, lines) => {
        const first = await line(`${label} [${fallback}]: `);
        if (!lines || !first.trim()) return first;
        const all = [first];
        for (let more = await line('  '); more.trim(); more = await line('  ')) all.push(more);
        return all.map((l) => l.trim()).join('\n');
      },
      refuse: (why) => ctx.output.err(`  Not valid: ${why}`),
    });
  } finally {
    terminal.close();
  }
}
