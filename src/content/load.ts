/**
 * Loads the content files of a project folder: newsletter.yaml, the catalog
 * (items.yaml or items/*.yaml) and the numbered issue files.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, formatLocation, type Location, type Problem, throwIfProblems } from '../errors.js';
import { closest } from '../util/closest.js';
import { issueFileName } from './issue-number.js';

export { issueFileName, parseIssueNumber } from './issue-number.js';
import {
  catalogSchemaFor,
  issueSchema,
  itemSchemaFor,
  newsletterSchema,
  type Issue,
  type Item,
  type Newsletter,
} from './schema.js';
import { feedConfigProblems } from './feed-config.js';
import { itemTypeNames, itemTypeProblems } from './item-types.js';
import { normaliseLanguages } from './newsletter-languages.js';
import { locate, parseYaml, readText, validate, type YamlSource } from './yaml-file.js';

export interface ContentPaths {
  root: string;
  issuesDir: string;
  templatesDir: string;
}

export function contentPaths(root: string): ContentPaths {
  return { root, issuesDir: path.join(root, 'issues'), templatesDir: path.join(root, 'templates') };
}

/** A file that was read, kept so its hash goes into the manifest. */
export interface InputFile {
  file: string;
  text: string;
}

export interface LoadedNewsletter {
  /** With `language` the default language and every tag in its canonical spelling (newsletter-languages.ts). */
  newsletter: Newsletter;
  /** The languages, the default first. */
  languages: string[];
  input: InputFile;
  src: YamlSource;
}

export function loadNewsletter(paths: ContentPaths): LoadedNewsletter {
  const file = newsletterFile(paths);
  const text = readText(file, 'the identity of the newsletter (title, from, list id, postal address…)');
  const src = parseYaml(file, text);
  const { newsletter, languages } = normaliseLanguages(src, validate(src, newsletterSchema, 'newsletter.yaml'));
  throwIfProblems('schema', `${src.file} is not a valid newsletter.yaml`, [
    ...itemTypeProblems(src, newsletter, languages),
    ...feedConfigProblems(src, newsletter, languages, itemTypeNames(newsletter)),
  ]);
  return { newsletter, languages, input: { file, text }, src };
}

export interface CatalogItem {
  item: Item;
  /** Where it is defined, for messages. */
  location: Location;
}

export interface LoadedCatalog {
  items: Map<string, CatalogItem>;
  inputs: InputFile[];
}

/** The catalog is `issues/items.yaml`, or one file per item in `issues/items/`. */
export function catalogFiles(paths: ContentPaths): string[] {
  const folder = path.join(paths.issuesDir, 'items');
  return existsSync(folder) && statSync(folder).isDirectory()
    ? readdirSync(folder)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(folder, f))
    : [path.join(paths.issuesDir, 'items.yaml')];
}

export function newsletterFile(paths: ContentPaths): string {
  return path.join(paths.issuesDir, 'newsletter.yaml');
}

/**
 * The catalog, each item's type checked against `types` (the newsletter's, item-types.ts), or
 * only as text when they are not known (newsletter.yaml is itself broken: its own error says so).
 */
export function loadCatalog(paths: ContentPaths, types: readonly string[] | null): LoadedCatalog {
  const catalogSchema = catalogSchemaFor(types);
  const files = catalogFiles(paths);
  const items = new Map<string, CatalogItem>();
  const inputs: InputFile[] = [];
  const problems: Problem[] = [];
  for (const file of files) {
    const text = readText(file, 'the catalog of news items');
    const input = { file, text };
    inputs.push(input);
    const src = parseYaml(file, text);
    parsedInputs.set(input, { src, ids: null });
    // In issues/items/, a file may hold one item rather than a one-element list; items.yaml is always a list.
    const many = path.basename(file) === 'items.yaml' || Array.isArray(src.doc.toJS());
    const list = many
      ? validate(src, catalogSchema, 'catalog of news items')
      : [validate(src, catalogSchema.element, 'news item')];
    list.forEach((item, i) => {
      const location = locate(src, many ? [i] : []);
      const existing = items.get(item.id);
      if (existing) {
        problems.push({
          message: `item id "${item.id}" is used twice (first at ${formatLocation(existing.location)})`,
          location: locate(src, many ? [i, 'id'] : ['id']),
          hint: 'Give each item its own id.',
        });
      } else {
        items.set(item.id, { item, location });
      }
    });
  }
  throwIfProblems('catalog', 'The catalog has duplicate ids', problems);
  return { items, inputs };
}

/**
 * The catalog entries with these ids, each checked on its own, without
 * validating the rest of the catalog: `send` checks an approved issue's
 * items, and another item's mistake (next month's, half written) must not
 * stop it. A file that is not YAML at all still stops it: nothing in it can
 * be trusted.
 */
export function findCatalogItems(
  paths: ContentPaths,
  ids: readonly string[],
): Map<string, { item: Item | null; file: string }> {
  const wanted = new Set(ids);
  const found = new Map<string, { item: Item | null; file: string }>();
  for (const file of catalogFiles(paths)) {
    if (!existsSync(file)) continue;
    const data: unknown = parseYaml(file, readText(file, 'the catalog of news items')).doc.toJS();
    for (const entry of Array.isArray(data) ? data : [data]) {
      const id = (entry as { id?: unknown } | null)?.id;
      if (typeof id !== 'string' || !wanted.has(id) || found.has(id)) continue;
      const parsed = anyTypeItem.safeParse(entry);
      found.set(id, { item: parsed.success ? parsed.data : null, file });
    }
  }
  return found;
}

/** A send re-reads items a build checked: their type was one of the newsletter's then, and the hash tells a change. */
const anyTypeItem = itemSchemaFor(null);

export interface IssueFile {
  number: number;
  file: string;
}

/** Issue files are named by number: 001.yaml, 002.yaml… */
export function listIssueFiles(paths: ContentPaths): IssueFile[] {
  if (!existsSync(paths.issuesDir)) {
    throw new EnewsError(
      'no-issues-dir',
      `${paths.issuesDir} does not exist: run enews in a project folder (one with issues/newsletter.yaml), ` +
        'or create one with: enews init my-newsletter',
    );
  }
  const found = readdirSync(paths.issuesDir)
    .map((name) => /^(\d+)\.ya?ml$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ number: Number(m[1]), file: path.join(paths.issuesDir, m[0]) }))
    .sort((a, b) => a.number - b.number || a.file.localeCompare(b.file));
  const problems: Problem[] = [];
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.number === found[i - 1]!.number) {
      problems.push({
        message: `issue number ${found[i]!.number} has two files: ${found[i - 1]!.file} and ${found[i]!.file}`,
        location: { file: found[i]!.file },
        hint: 'Keep one file per issue number, named like 003.yaml.',
      });
    }
  }
  throwIfProblems('duplicate-issue', 'Duplicate issue numbers', problems);
  return found;
}

export interface LoadedIssue {
  issue: Issue;
  src: YamlSource;
  input: InputFile;
}

/** The file of issue `number`; refuses, naming the issues there are and how to make this one, when there is none. */
export function issueFile(paths: ContentPaths, number: number): string {
  const files = listIssueFiles(paths);
  const entry = files.find((f) => f.number === number);
  if (!entry) {
    const have = files.map((f) => f.number).join(', ') || 'none yet';
    throw new EnewsError(
      'issue-missing',
      `There is no issue ${number}: expected ` +
        `${path.join(paths.issuesDir, issueFileName(number))} (issues present: ${have}).`,
      { problems: [{ message: `Create it with: enews new --number ${number}` }] },
    );
  }
  return entry.file;
}

export function loadIssue(paths: ContentPaths, number: number): LoadedIssue {
  const file = issueFile(paths, number);
  const text = readText(file, `issue ${number}`);
  const src = parseYaml(file, text);
  const issue = validate(src, issueSchema, 'issue file');
  if (issue.number !== number) {
    throw new EnewsError('issue-number-mismatch', `${src.file} is not a valid issue file (1 problem):`, {
      problems: [
        {
          message: `says number: ${issue.number}, but its file name says ${number}`,
          path: 'number',
          location: locate(src, ['number']),
          hint: `Make them agree: either number: ${number}, or rename the file to ${issueFileName(issue.number)}.`,
        },
      ],
    });
  }
  return { issue, src, input: { file, text } };
}

/**
 * An issue's items in order, with per-issue overrides applied: an override replaces the whole field,
 * every language of it (a reworded title needs its translations reworded too; see translations.ts).
 */
export function resolveItems(loaded: LoadedIssue, catalog: LoadedCatalog): Item[] {
  const problems: Problem[] = [];
  const items: Item[] = [];
  const seen = new Set<string>();
  loaded.issue.items.forEach((ref, i) => {
    const id = typeof ref === 'string' ? ref : ref.id;
    const entry = catalog.items.get(id);
    const location = locate(loaded.src, typeof ref === 'string' ? ['items', i] : ['items', i, 'id']);
    if (!entry) {
      const near = closest(id, catalog.items.keys());
      problems.push({
        message: `unknown item id "${id}"`,
        path: `items.${i}`,
        location,
        hint: near.length
          ? `Closest ids in the catalog: ${near.join(', ')}`
          : 'Add the item to issues/items.yaml first.',
      });
      return;
    }
    if (seen.has(id)) {
      problems.push({
        message: `item "${id}" is listed twice`,
        path: `items.${i}`,
        location,
        hint: 'Remove one of the lines.',
      });
      return;
    }
    seen.add(id);
    items.push(typeof ref === 'string' ? entry.item : { ...entry.item, ...definedOnly(ref) });
  });
  throwIfProblems('unknown-item', `${loaded.src.file} refers to items that cannot be used`, problems);
  return items;
}

/** The catalog file that defines item `id`, and the item's key path in it ([] or [index]): to point at a field. */
export function catalogEntrySource(
  catalog: LoadedCatalog,
  id: string,
): { src: YamlSource; at: Array<string | number> } | undefined {
  const file = catalog.items.get(id)?.location.file;
  const input = catalog.inputs.find((i) => i.file === file);
  if (!input) return undefined;
  let parsed = parsedInputs.get(input);
  if (!parsed) {
    const src = parseYaml(input.file, input.text);
    parsed = { src, ids: null };
    parsedInputs.set(input, parsed);
  }
  if (parsed.ids === null) {
    const value = parsed.src.doc.toJS() as unknown;
    parsed.ids = Array.isArray(value) ? value.map((v) => (v as { id?: unknown } | null)?.id) : [];
  }
  if (parsed.ids.length === 0) return { src: parsed.src, at: [] };
  const i = parsed.ids.indexOf(id);
  return i < 0 ? undefined : { src: parsed.src, at: [i] };
}

/**
 * Catalog files parsed again for locations (checks and translations point at an item's field
 * for each language), once per loaded file: `ids` is the id of each list entry, [] for a one-item file.
 */
const parsedInputs = new WeakMap<InputFile, { src: YamlSource; ids: unknown[] | null }>();

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
