/**
 * The first line of every content file enews writes, which names its JSON
 * Schema for editors: `# yaml-language-server: $schema=<path>`. The path is
 * relative to the file, so it works on every machine that has the project:
 * inside the enews package when the project holds it (the example project,
 * or node_modules/enews after `npm install`), else where `npm install` puts
 * it, node_modules/enews/schemas/, since `enews init` lists enews as the
 * project's dependency.
 */
import path from 'node:path';
import { PACKAGE_SCHEMAS } from './package.js';
import { isInside } from './root.js';
import { schemaFileName, type SchemaName } from './json-schemas.js';

export function schemaLine(root: string, file: string, name: SchemaName): string {
  const dir = isInside(root, PACKAGE_SCHEMAS) ? PACKAGE_SCHEMAS : path.join(root, 'node_modules', 'enews', 'schemas');
  const rel = path
    .relative(path.dirname(file), path.join(dir, schemaFileName(name)))
    .split(path.sep)
    .join('/');
  return `# yaml-language-server: $schema=${rel}`;
}
