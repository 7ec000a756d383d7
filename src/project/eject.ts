/**
 * `enews templates eject`: copies default templates into the project's
 * templates/ so the team can edit them. A copied file wins over the default
 * from then on, and upgrades of enews no longer change it: it is the team's.
 * Never overwrites a file the project already has.
 */
import { constants, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { EnewsError } from '../errors.js';
import { PACKAGE_TEMPLATES } from './package.js';
import { defaultTemplates, LAYOUT_PAIRS } from './templates.js';

export interface EjectResult {
  /** Paths inside templates/ that were copied. */
  copied: string[];
  /** Paths inside templates/ the project already had (left as they are). */
  kept: string[];
}

/**
 * The default templates `name` means: a path inside templates/ (`partials/footer.mjml`, also with
 * `templates/` before it), a file name (`footer.mjml`) or one without extension (`footer`). Either
 * email layout (and `email`) brings both: they go together (see templates.ts).
 */
export function templatesNamed(name: string): string[] {
  const all = defaultTemplates();
  const wanted = name.replace(/\\/g, '/').replace(/^(\.\/)?templates\//, '');
  const exact = all.filter((t) => t === wanted);
  const matches = exact.length
    ? exact
    : all.filter((t) => path.posix.basename(t) === wanted || path.posix.basename(t).replace(/\.[^.]+$/, '') === wanted);
  if (matches.length === 0) {
    throw new EnewsError('unknown-template', `There is no default template named "${name}".`, {
      problems: [{ message: `The defaults are: ${all.join(', ')}` }],
    });
  }
  for (const layouts of LAYOUT_PAIRS) {
    if (matches.some((m) => layouts.includes(m)) && matches.every((m) => layouts.includes(m))) return [...layouts];
  }
  if (matches.length > 1) {
    throw new EnewsError('ambiguous-template', `"${name}" names ${matches.length} templates: ${matches.join(', ')}.`, {
      problems: [{ message: `Give the path inside templates/, e.g. enews templates eject ${matches[0]}` }],
    });
  }
  return matches;
}

/** Copies the defaults `wanted` (all when null) into `projectTemplates`, keeping the project's own files. */
export function ejectTemplates(projectTemplates: string, wanted: string[] | null): EjectResult {
  const result: EjectResult = { copied: [], kept: [] };
  for (const rel of wanted ?? defaultTemplates()) {
    const to = path.join(projectTemplates, rel);
    if (existsSync(to)) {
      result.kept.push(rel);
      continue;
    }
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(path.join(PACKAGE_TEMPLATES, rel), to, constants.COPYFILE_EXCL);
    result.copied.push(rel);
  }
  return result;
}
