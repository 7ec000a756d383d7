/**
 * What a new project's package.json names as its enews dependency: the source this enews came
 * from, in a form that installs on any machine that clones the project (a colleague's, CI's).
 * A version range for enews from a registry, the git URL for enews from git; a tarball on this
 * computer is copied into the project (vendor/) and named relative to it. Only a folder (a
 * checkout of enews, linked) cannot travel: it is named as it is, and the CLI says so.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../version.js';
import { PACKAGE_ROOT } from './package.js';

export type EnewsSource =
  /** A spec that means the same everywhere: a version range, a git URL, a web address. */
  | { kind: 'spec'; spec: string }
  /** A tarball on this computer (absolute path). */
  | { kind: 'tarball'; file: string }
  /** A folder on this computer (absolute path), or a file that is not there any more. */
  | { kind: 'local'; file: string };

/** Where the project gets enews: its package.json spec, and the tarball to copy into it first. */
export interface Dependency {
  spec: string;
  /** Copy `from` to `to` (relative to the project) before npm install. */
  vendor: { from: string; to: string } | null;
}

/** The folder, inside a new project, that holds the enews tarball it installs. */
export const VENDOR = 'vendor';

/**
 * Where this enews came from: what the project that installed it declared
 * (node_modules/enews → that project's package.json), else where npm's record of the install says
 * (after `npm install --no-save`), else this enews's folder itself (a checkout).
 */
export function installedSource(packageRoot: string = PACKAGE_ROOT, version: string = VERSION): EnewsSource {
  const parts = packageRoot.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at > 0) {
    const installer = parts.slice(0, at).join(path.sep) || path.sep;
    const declared = declaredSpec(path.join(installer, 'package.json'));
    if (declared) return sourceOf(declared, installer);
    const resolved = resolvedSpec(path.join(installer, 'node_modules', '.package-lock.json'));
    // A registry's tarball address names one download; the version range is what a project asks for.
    if (resolved && /\/enews\/-\/enews-[^/]+\.tgz$/.test(resolved)) return { kind: 'spec', spec: `^${version}` };
    if (resolved) return sourceOf(resolved, installer);
  }
  return { kind: 'local', file: packageRoot };
}

/**
 * A spec as npm takes it (`file:…`, a path, a git URL, a version range), read relative to `base`:
 * what `--enews` gives, or what an installing project declared.
 */
export function sourceOf(spec: string, base: string): EnewsSource {
  // As npm reads it: file:…, a path, or the name of a tarball (a URL or git spec is neither).
  const isPath = /^\.{0,2}[\\/]/.test(spec) || (/\.(tgz|tar\.gz)$/.test(spec) && !spec.includes(':'));
  const local = spec.startsWith('file:') ? spec.slice(5) : isPath ? spec : null;
  if (local === null) return { kind: 'spec', spec };
  const file = path.resolve(base, local);
  const isFile = existsSync(file) && statSync(file).isFile();
  return isFile && /\.(tgz|tar\.gz)$/.test(file) ? { kind: 'tarball', file } : { kind: 'local', file };
}

/** The package.json spec of a project in `target`, and the tarball to copy there. */
export function dependencyFor(source: EnewsSource, target: string): Dependency {
  switch (source.kind) {
    case 'spec':
      return { spec: source.spec, vendor: null };
    case 'tarball': {
      const to = `${VENDOR}/${path.basename(source.file)}`;
      return { spec: `file:${to}`, vendor: { from: source.file, to } };
    }
    case 'local': {
      const rel = path.relative(target, source.file).split(path.sep).join('/');
      return { spec: `file:${rel.startsWith('.') ? rel : `./${rel}`}`, vendor: null };
    }
  }
}

function readJson(file: string): Record<string, Record<string, unknown> | undefined> | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function declaredSpec(file: string): string | null {
  const pkg = readJson(file);
  const spec = pkg?.dependencies?.enews ?? pkg?.devDependencies?.enews;
  return typeof spec === 'string' ? spec : null;
}

/** npm's record of what it installed: `resolved` is the tarball (file:…, a registry's address) or the git commit. */
function resolvedSpec(file: string): string | null {
  const entry = readJson(file)?.packages?.['node_modules/enews'] as { resolved?: unknown } | undefined;
  return typeof entry?.resolved === 'string' ? entry.resolved : null;
}
