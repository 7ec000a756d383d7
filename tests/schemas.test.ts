/**
 * The JSON Schemas editors use (schemas/*.json, written by `npm run build`): in step with the zod
 * schemas enews checks content with, and accepting the example's and a new project's content when
 * checked by a real JSON Schema validator (ajv, draft 2020-12), as the editor's YAML extension does.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { issueSchema, itemSchema, newsletterSchema } from '../src/content/schema.js';
import { jsonSchemaOf, SCHEMA_NAMES, type SchemaName, schemaFileName } from '../src/project/json-schemas.js';
import { PACKAGE_SCHEMAS } from '../src/project/package.js';
import { schemaLine } from '../src/project/schema-line.js';
import { enews } from './helpers/inproc.js';
import { emptyDir, REPO } from './helpers/project.js';

function onDisk(name: SchemaName): Record<string, unknown> {
  const file = path.join(PACKAGE_SCHEMAS, schemaFileName(name));
  expect(existsSync(file), `${file} is missing: npm run build writes it`).toBe(true);
  return JSON.parse(readFileSync(file, 'utf8'));
}

function validator(name: SchemaName): (data: unknown) => string[] {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(onDisk(name));
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}

const yamlOf = (file: string): unknown => parse(readFileSync(file, 'utf8'));

/** The fields a file must have, asked of zod itself: those that do not accept being left out. */
function requiredBy(shape: Record<string, z.ZodType>): string[] {
  return Object.keys(shape).filter((k) => !shape[k]!.safeParse(undefined).success);
}

describe('schemas/*.json', () => {
  it.each(SCHEMA_NAMES)('%s.schema.json is what the zod schemas make now', (name) => {
    expect(onDisk(name)).toEqual(jsonSchemaOf(name));
  });

  it('name every field of the zod schemas, and require those zod requires', () => {
    const nl = jsonSchemaOf('newsletter') as { properties: object; required: string[] };
    expect(Object.keys(nl.properties)).toEqual(Object.keys(newsletterSchema.shape));
    expect(nl.required).toEqual(requiredBy(newsletterSchema.shape));
    const items = jsonSchemaOf('items') as { items: { properties: object; required: string[] } };
    expect(Object.keys(items.items.properties)).toEqual(Object.keys(itemSchema.shape));
    expect(items.items.required).toEqual(requiredBy(itemSchema.shape));
    const issue = jsonSchemaOf('issue') as { properties: object; required: string[] };
    expect(Object.keys(issue.properties)).toEqual(Object.keys(issueSchema.shape));
    expect(issue.required).toEqual(requiredBy(issueSchema.shape));
    expect(issue.required).toEqual(['number', 'date', 'intro', 'items']);
  });

  it('a field added to a zod schema appears in its JSON Schema', () => {
    const grown = newsletterSchema.extend({ footer_note: z.string().optional(), team: z.string() });
    const json = jsonSchemaOf('newsletter', grown) as { properties: Record<string, unknown>; required: string[] };
    expect(json.properties.footer_note).toEqual({ type: 'string' });
    expect(json.required).toContain('team');
    expect(json.required).not.toContain('footer_note');
  });

  it('accept the example project: newsletter.yaml, items.yaml and every issue', () => {
    expect(validator('newsletter')(yamlOf(path.join(REPO, 'issues/newsletter.yaml')))).toEqual([]);
    expect(validator('items')(yamlOf(path.join(REPO, 'issues/items.yaml')))).toEqual([]);
    for (const n of ['001', '002', '003']) {
      expect(validator('issue')(yamlOf(path.join(REPO, `issues/${n}.yaml`))), n).toEqual([]);
    }
  });

  it('accept what enews init and enews new write, and that is where their first lines point', async () => {
    const dir = path.join(emptyDir(), 'demo');
    expect((await enews(['init', dir, '--yes'], REPO)).code).toBe(0);
    expect((await enews(['new', '--date', '2999-01-01'], dir)).code).toBe(0);
    const files: Array<[string, SchemaName]> = [
      ['issues/newsletter.yaml', 'newsletter'],
      ['issues/items.yaml', 'items'],
      ['issues/001.yaml', 'issue'],
      ['issues/002.yaml', 'issue'],
    ];
    for (const [file, name] of files) {
      expect(validator(name)(yamlOf(path.join(dir, file))), file).toEqual([]);
      expect(readFileSync(path.join(dir, file), 'utf8').split('\n')[0]).toBe(
        `# yaml-language-server: $schema=../node_modules/enews/schemas/${name}.schema.json`,
      );
    }
    // In the example project (this repository holds enews) the line points into it, at a file that exists.
    const line = schemaLine(REPO, path.join(REPO, 'issues/004.yaml'), 'issue');
    expect(line).toBe('# yaml-language-server: $schema=../schemas/issue.schema.json');
    expect(existsSync(path.join(REPO, 'issues', '../schemas/issue.schema.json'))).toBe(true);
  });

  it('refuse what enews check refuses where a JSON Schema can say it: unknown fields, wrong types', () => {
    const nl = yamlOf(path.join(REPO, 'issues/newsletter.yaml')) as Record<string, unknown>;
    expect(validator('newsletter')({ ...nl, titel: 'x' })).toEqual([' must NOT have additional properties']);
    expect(validator('newsletter')({ ...nl, list_id: 'coop news' })).toEqual([
      '/list_id must match pattern "^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$"',
    ]);
    const items = yamlOf(path.join(REPO, 'issues/items.yaml')) as Array<Record<string, unknown>>;
    expect(validator('items')([{ ...items[0], type: 'Blog' }])).toEqual([
      '/0/type must be equal to one of the allowed values',
    ]);
    expect(validator('issue')({ number: 'three', date: '2017-04-26', intro: 'x', items: [] })).toEqual([
      '/number must be integer',
    ]);
  });
});
