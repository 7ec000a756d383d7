/**
 * Templates travel with the package: its templates/ folder is the default
 * set, and a project's own templates/ overrides it file by file (a team that
 * only wants its own footer keeps templates/partials/footer.mjml and nothing
 * else). The email's two layouts, email.mjml and email.txt, go together: the
 * text part mirrors the HTML layout, so a project with one of them must have
 * both, or its HTML and plain text would drift apart unnoticed.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_TEMPLATE_PREFIX, PACKAGE_TEMPLATES } from './package.js';
import { isInside } from './root.js';

export const EMAIL_LAYOUTS = ['email.mjml', 'email.txt'] as const;
/** The confirmation message of a sign-up (signup/confirm-mail.ts): its two parts go together too. */
export const CONFIRM_LAYOUTS = ['signup/confirm.mjml', 'signup/confirm.txt'] as const;
/** Every pair of layouts that go together (an HTML layout and its text part). */
export const LAYOUT_PAIRS: ReadonlyArray<readonly string[]> = [EMAIL_LAYOUTS, CONFIRM_LAYOUTS];

// Manifest names of package templates start with it, so a build records where its templates came from.
export { PACKAGE_TEMPLATE_PREFIX };

function isFile(p: string): boolean {
  return existsSync(p) && statSync(p).isFile();
}

/** A template by its path inside templates/ (`partials/footer.mjml`): the project's when it has it, else the default. */
export function templateFile(projectTemplates: string, rel: string): string {
  const own = path.join(projectTemplates, rel);
  if (isFile(own)) return own;
  const pair = LAYOUT_PAIRS.find((p) => p.includes(rel));
  if (pair?.some((l) => isFile(path.join(projectTemplates, l)))) {
    // The other layout is the project's: this one must be too (see above); reading it names the missing file.
    return own;
  }
  const fallback = path.join(PACKAGE_TEMPLATES, rel);
  return isFile(fallback) ? fallback : own;
}

/** The files of one template folder (`partials`, `site/partials`) whose names match: project's over defaults. */
export function templateFolder(projectTemplates: string, relDir: string, match: RegExp): string[] {
  const byName = new Map<string, string>();
  for (const base of [PACKAGE_TEMPLATES, projectTemplates]) {
    const dir = path.join(base, relDir);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) continue;
    for (const name of readdirSync(dir)) if (match.test(name)) byName.set(name, path.join(dir, name));
  }
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

/**
 * The name of a template in a build's manifest: its project path (`templates/email.mjml`) when the
 * project has it, `enews:templates/email.mjml` when it is the package's default. Names never hold
 * where the package is installed, so a build stays sendable from any machine and install.
 */
export function templateInputName(root: string, file: string): string {
  const posix = (p: string) => p.split(path.sep).join('/');
  if (!isInside(path.join(root, 'templates'), file) && isInside(PACKAGE_TEMPLATES, file)) {
    return PACKAGE_TEMPLATE_PREFIX + posix(path.relative(PACKAGE_TEMPLATES, file));
  }
  return posix(path.relative(root, file));
}

/** Every default template, as paths inside templates/ (`email.mjml`, `partials/footer.mjml`, `site/index.hbs`). */
export function defaultTemplates(): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(PACKAGE_TEMPLATES, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}
