/**
 * JSON Schemas of the content files, made from the zod schemas that enews
 * itself checks them with (z.toJSONSchema), so an editor's YAML support
 * (VS Code's YAML extension reads `# yaml-language-server: $schema=…`)
 * completes and checks fields as `enews check` does. They describe the files
 * as written (zod's input side: fields with defaults are optional); checks no
 * JSON Schema can express (a real date, a deliverable address) stay with
 * `enews check`. `npm run build` writes them into schemas/ of the package.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { catalogSchema, issueSchema, newsletterSchema } from '../content/schema.js';

export type SchemaName = 'newsletter' | 'items' | 'issue';

/** Which file each schema describes, for its title. */
const DESCRIBES: Record<SchemaName, [z.ZodType, string]> = {
  newsletter: [newsletterSchema, 'enews issues/newsletter.yaml: the identity of the newsletter'],
  items: [catalogSchema, 'enews issues/items.yaml: the catalog of news items'],
  issue: [issueSchema, 'enews issues/NNN.yaml: one issue'],
};

export const SCHEMA_NAMES = Object.keys(DESCRIBES) as SchemaName[];

export function schemaFileName(name: SchemaName): string {
  return `${name}.schema.json`;
}

/** The JSON Schema of one kind of content file, from `schema` (by default enews's own). */
export function jsonSchemaOf(name: SchemaName, schema: z.ZodType = DESCRIBES[name][0]): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return { $schema, title: DESCRIBES[name][1], ...rest };
}

/** Writes every schema into `dir`, each replaced in one step so an editor never reads half a file. */
export function writeJsonSchemas(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return SCHEMA_NAMES.map((name) => {
    const file = path.join(dir, schemaFileName(name));
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(jsonSchemaOf(name), null, 2) + '\n');
    renameSync(tmp, file);
    return file;
  });
}
