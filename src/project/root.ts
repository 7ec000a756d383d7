/**
 * Which folder is the project: like git, the nearest folder at or above the
 * working folder that holds issues/newsletter.yaml, unless --project names
 * one. Project files are then read relative to that root, while paths people
 * type (--subscribers, --out…) stay relative to where they typed them.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnewsError } from '../errors.js';
import { PACKAGE_TEMPLATE_PREFIX, PACKAGE_TEMPLATES } from './package.js';

/** The file that makes a folder an enews project. */
export const PROJECT_MARKER = 'issues/newsletter.yaml';

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

function isProject(dir: string): boolean {
  return existsSync(path.join(dir, 'issues', 'newsletter.yaml'));
}

/**
 * The nearest folder at or above `start` holding issues/newsletter.yaml. Failing that, `start`
 * itself when it has an issues/ folder: a project whose newsletter.yaml went missing is still that
 * project, and reading it then names the missing file instead of claiming there is no project.
 */
export function findProjectRoot(start: string): string | null {
  const from = path.resolve(start);
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (isProject(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  return isDir(path.join(from, 'issues')) ? from : null;
}

/** The folder --project names, checked the same way. */
export function projectFromFlag(cwd: string, value: string): string | EnewsError {
  const dir = path.resolve(cwd, value);
  if (isProject(dir) || isDir(path.join(dir, 'issues'))) return dir;
  const why = isDir(dir) ? `it has no ${PROJECT_MARKER}` : 'there is no such folder';
  return new EnewsError('not-a-project', `--project ${value} is not an enews project: ${why}.`, {
    problems: [
      { message: 'Name the folder that holds issues/newsletter.yaml, or create a project there with: enews init DIR' },
    ],
  });
}

/** The error every command that needs a project gives outside one. */
export function notInProject(cwd: string): EnewsError {
  return new EnewsError(
    'not-a-project',
    `Not in an enews project: neither ${cwd} nor any folder above it has ${PROJECT_MARKER}.`,
    {
      problems: [
        { message: 'To start a newsletter: enews init my-newsletter, then cd my-newsletter and npm install.' },
        { message: 'To work on an existing one: cd into its folder, or name it with --project DIR.' },
      ],
    },
  );
}

/** The value of --project in argv (before any `--`), read ahead of parsing: `.env` is loaded from the project. */
export function projectFlag(argv: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--project' && i + 1 < argv.length) found = argv[++i];
    else if (a.startsWith('--project=')) found = a.slice('--project='.length);
  }
  return found;
}

/**
 * Paths as shown from a subfolder of the project: relative to where the command runs, with `../`
 * for the project's other files, as git shows them. enews's default templates by their name,
 * `enews:templates/partials/item.mjml`, wherever enews is installed. Elsewhere, as they are.
 */
export function displayFrom(cwd: string, root: string | null): (file: string) => string {
  const defaults = defaultTemplatesOf(root);
  return (file) => {
    if (defaults && isInside(defaults, file) && file !== defaults) {
      return PACKAGE_TEMPLATE_PREFIX + path.relative(defaults, file).split(path.sep).join('/');
    }
    const rel = path.relative(cwd, file);
    if (rel === '') return file;
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
    if (root && isInside(root, cwd) && isInside(root, file)) return rel;
    return file;
  };
}

/** True when `file` is `dir` or inside it. */
export function isInside(dir: string, file: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Rewrites absolute paths inside the project and of default templates in printed text, as displayFrom shows them. */
export function relativizerFrom(cwd: string, root: string | null): (text: string) => string {
  const defaults = defaultTemplatesOf(root);
  // The default templates first: they may be inside the project (node_modules/enews/templates/).
  const prefixes: Array<[string, string]> = defaults ? [[withSep(defaults), PACKAGE_TEMPLATE_PREFIX]] : [];
  prefixes.push([withSep(cwd), '']);
  if (root && root !== cwd && isInside(root, cwd)) {
    prefixes.push([withSep(root), path.relative(cwd, root) + path.sep]);
  }
  const live = prefixes.filter(([p]) => p !== path.sep);
  return (text) => live.reduce((t, [p, to]) => (t.includes(p) ? t.split(p).join(to) : t), text);
}

/** enews's default templates, unless they are the project's own (this repository, the example project). */
function defaultTemplatesOf(root: string | null): string | null {
  return root !== null && path.resolve(root, 'templates') === path.resolve(PACKAGE_TEMPLATES)
    ? null
    : PACKAGE_TEMPLATES;
}

function withSep(dir: string): string {
  return dir.endsWith(path.sep) ? dir : dir + path.sep;
}
