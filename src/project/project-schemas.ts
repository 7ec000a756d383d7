/**
 * A newsletter with item types of its own (`item_types:` in newsletter.yaml) has a catalog that
 * the package's items.schema.json (the default three types) would flag: its own JSON Schema,
 * `.enews/items.schema.json`, names its types, and items.yaml's first line names that file.
 * `enews new` and `enews items pull` keep both in step with newsletter.yaml.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { catalogSchemaFor, ITEM_TYPES } from '../content/schema.js';
import { jsonSchemaOf } from './json-schemas.js';
import { schemaLine } from './schema-line.js';
import { replaceFile } from '../util/replace-file.js';

export const PROJECT_ITEMS_SCHEMA = path.join('.enews', 'items.schema.json');

export function ownTypes(types: readonly string[]): boolean {
  return types.join('\0') !== ITEM_TYPES.join('\0');
}

/** Writes `.enews/items.schema.json` for a newsletter with its own types (when it changed); the file, or null. */
export function writeProjectItemsSchema(root: string, types: readonly string[]): string | null {
  if (!ownTypes(types)) return null;
  const file = path.join(root, PROJECT_ITEMS_SCHEMA);
  const json = jsonSchemaOf('items', catalogSchemaFor(types)) as Record<string, unknown>;
  const text = `${JSON.stringify({ ...json, title: `${json.title} (this newsletter's item types)` }, null, 2)}\n`;
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return file;
  mkdirSync(path.dirname(file), { recursive: true });
  replaceFile(file, text);
  return file;
}

/** The schema line of the catalog file `file`: the project's schema with its own types, else the package's. */
export function itemsSchemaLine(root: string, file: string, types: readonly string[]): string {
  if (!ownTypes(types)) return schemaLine(root, file, 'items');
  const rel = path.relative(path.dirname(file), path.join(root, PROJECT_ITEMS_SCHEMA)).split(path.sep).join('/');
  return `# yaml-language-server: $schema=${rel}`;
}

/**
 * Points items.yaml's first line at the schema its types need, when that line names an items schema
 * and another one (item_types added or removed since): an editor would otherwise flag every item of
 * a type of the newsletter's own. Only that line changes; the file, or null when nothing changed.
 */
export function syncCatalogSchemaLine(root: string, catalog: string, types: readonly string[]): string | null {
  if (!existsSync(catalog)) return null;
  const text = readFileSync(catalog, 'utf8');
  const next = withItemsSchemaLine(text, itemsSchemaLine(root, catalog, types));
  if (next === text) return null;
  const tmp = `${catalog}.${process.pid}.tmp`;
  writeFileSync(tmp, next, { mode: statSync(catalog).mode & 0o777 });
  renameSync(tmp, catalog);
  return catalog;
}

/**
 * `text` (items.yaml) with its first line naming the right schema, when that line names an items
 * schema at all: a catalog without a schema line is left without one.
 */
export function withItemsSchemaLine(text: string, line: string): string {
  const first = text.split('\n', 1)[0]!;
  if (!/^#\s*yaml-language-server:\s*\$schema=\S*items\.schema\.json\s*$/.test(first) || first === line) return text;
  return line + text.slice(first.length);
}
