/**
 * Where the enews package itself lives: the default templates and the JSON
 * Schemas travel inside it, so a project needs nothing but its content. The
 * same relative paths hold from src/ (tests) and from lib/ (the installed
 * package): both sit beside templates/, schemas/ and package.json.
 */
import { fileURLToPath } from 'node:url';

/** The folder holding the package's package.json. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');

/** The default templates: the repository's own templates/ folder, shipped in the package. */
export const PACKAGE_TEMPLATES = fileURLToPath(new URL('../../templates', import.meta.url));

/**
 * How a default template is named, wherever enews is installed: `enews:templates/partials/footer.mjml`
 * (in a build's manifest, and in what people read).
 */
export const PACKAGE_TEMPLATE_PREFIX = 'enews:templates/';

/** JSON Schemas of the content files, generated from the zod schemas by `npm run build`. */
export const PACKAGE_SCHEMAS = fileURLToPath(new URL('../../schemas', import.meta.url));
