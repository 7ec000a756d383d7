/**
 * What a new project's package.json names as its enews dependency. enews is
 * not on the npm registry: a team installs it from a tarball or a git URL, so
 * `enews init` names the same source this enews came from, and `npm install`
 * in the new project fetches the same enews.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './package.js';

/**
 * The spec for a project in `target`: the one the project that installed this enews used
 * (node_modules/enews → that project's package.json, else where its lockfile says it came from, as
 * after `npm install --no-save`; a file: spec made relative to `target`), else this enews's folder
 * itself (a checkout, linked with file:).
 */
export function enewsSpec(target: string, packageRoot: string = PACKAGE_ROOT): string {
  const parts = packageRoot.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  if (at > 0) {
    const installer = parts.slice(0, at).join(path.sep) || path.sep;
    const spec =
      declaredSpec(path.join(installer, 'package.json')) ??
      resolvedSpec(path.join(installer, 'node_modules', '.package-lock.json'));
    if (spec) return spec.startsWith('file:') ? fileSpec(target, path.resolve(installer, spec.slice(5))) : spec;
  }
  return fileSpec(target, packageRoot);
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

/** npm's record of what it installed: `resolved` is the tarball (file:…) or the git commit it fetched. */
function resolvedSpec(file: string): string | null {
  const entry = readJson(file)?.packages?.['node_modules/enews'] as { resolved?: unknown } | undefined;
  return typeof entry?.resolved === 'string' ? entry.resolved : null;
}

function fileSpec(target: string, file: string): string {
  const rel = path.relative(target, file).split(path.sep).join('/');
  return `file:${rel.startsWith('.') ? rel : `./${rel}`}`;
}
