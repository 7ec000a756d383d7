/**
 * Where the enews package itself lives: the default templates and the JSON
 * Schemas travel inside it, so a project needs nothing but its content. The
 * package root is the nearest folder above this module with enews's
 * package.json: this file runs from src/project/ (tests), lib/project/ and,
 * bundled, from lib/bundle/ (bin/enews.js), each at its own depth.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackage(): { root: string; json: { version: string; engines?: { node?: string } } } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8'));
      if (json.name === 'enews') return { root: dir, json };
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`enews's package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

const found = findPackage();

/** The folder holding the package's package.json. */
export const PACKAGE_ROOT = found.root;

/** enews's package.json (its version and the Node.js it supports). */
export const PACKAGE_JSON = found.json;

/** The default templates: the repository's own templates/ folder, shipped in the package. */
export const PACKAGE_TEMPLATES = path.join(PACKAGE_ROOT, 'templates');

/**
 * How a default template is named, wherever enews is installed: `enews:templates/partials/footer.mjml`
 * (in a build's manifest, and in what people read).
 */
export const PACKAGE_TEMPLATE_PREFIX = 'enews:templates/';

/** JSON Schemas of the content files, generated from the zod schemas by `npm run build`. */
export const PACKAGE_SCHEMAS = path.join(PACKAGE_ROOT, 'schemas');
