/**
 * Reads a build back for sending and proves it is still what reviewers saw:
 * the output files match the manifest (every language's: the manifest hashes
 * them all), and what the render depends on (see inputs.ts: the issue, the
 * items it uses, the newsletter fields, the templates, the strings of each
 * language) still hashes to what the build was made from. The archive asks
 * the first only (outputProblems), and the second to say what changed since.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem } from '../errors.js';
import {
  contentPaths,
  findCatalogItems,
  issueFile,
  loadIssue,
  loadNewsletter,
  type ContentPaths,
  type LoadedNewsletter,
} from '../content/load.js';
import { itemTypesOf, type ItemTypeInfo } from '../content/item-types.js';
import { newsletterLanguages } from '../content/languages.js';
import { issueImageSrcs, localImageInputs } from '../images/local-image.js';
import type { Item, Newsletter } from '../content/schema.js';
import type { RenderedIssue } from '../render/render-issue.js';
import { stringsFileFor, stringsSource } from '../render/strings.js';
import { templateFiles } from '../render/template-files.js';
import type { TemplateFile, TemplateSet } from '../render/templates.js';
import { relative, sha256 } from './hash.js';
import { buildInputs, inputsHash, type BuildSources } from './inputs.js';
import { MANIFEST_VERSION, manifestSchema, sendFileSchema, type Manifest } from './manifest.js';

export interface BuiltIssue {
  dir: string;
  manifest: Manifest;
  /** The default language's render (send.json at the top of the build). */
  rendered: RenderedIssue;
  /** Every language's render, the default first. */
  languages: BuiltLanguage[];
}

/** One language of a build, as the send needs it. */
export interface BuiltLanguage {
  language: string;
  /** Its folder in the build: '' for the default, `fr/`… */
  folder: string;
  dir: 'ltr' | 'rtl';
  /** Its send.json. */
  rendered: RenderedIssue;
  /** The newsletter's title and the greeting's word in this language, as built. */
  title: string;
  fallback_name: string;
}

/**
 * The newsletter as a language's messages go out: `newsletter` (newsletter.yaml, unchanged since the
 * build: readBuild proved it) with the build's title and greeting word for that language.
 */
export function newsletterFor(newsletter: Newsletter, built: BuiltLanguage): Newsletter {
  return {
    ...newsletter,
    language: built.language,
    title: built.title,
    fallback_name: built.fallback_name,
  };
}

export function readBuild(root: string, number: number, dir: string): BuiltIssue {
  const rebuild = `Run: enews build ${number}, review the result, then send again.`;
  // No build of an issue that does not exist: that is what to say, not "build it".
  if (!existsSync(path.join(dir, 'manifest.json'))) issueFile(contentPaths(root), number);
  const manifest = readManifest(number, dir, rebuild);
  const problems = buildProblems(root, number, dir, manifest);
  if (problems.length > 0) {
    throw new EnewsError(
      'build-stale',
      `The build in ${dir} no longer matches what it was made from, so it is not what reviewers approved`,
      {
        problems: [...problems, { message: rebuild }],
      },
    );
  }
  const languages: BuiltLanguage[] = Object.entries(manifest.languages).map(([language, l]) => ({
    language,
    folder: l.folder,
    dir: l.dir,
    rendered: parseJson(path.join(dir, l.folder, 'send.json'), sendFileSchema, rebuild),
    title: l.title,
    fallback_name: l.fallback_name,
  }));
  return { dir, manifest, rendered: languages[0]!.rendered, languages };
}

/** The manifest of the build of issue `number` in `dir`; `fix` says what to do when there is none or it is damaged. */
export function readManifest(number: number, dir: string, fix: string): Manifest {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new EnewsError('not-built', `Issue ${number} has not been built (${dir}/manifest.json is missing).`, {
      problems: [{ message: fix }],
    });
  }
  const value = readJson(manifestFile, fix);
  const version = (value as { manifest?: unknown } | null)?.manifest;
  if (typeof version === 'number' && version < MANIFEST_VERSION) {
    throw new EnewsError(
      'build-outdated',
      `The build in ${dir} was built by an older enews: run enews build ${number} again.`,
      { problems: fix ? [{ message: fix }] : [] },
    );
  }
  return validated(manifestFile, value, manifestSchema, fix);
}

/**
 * Why the build in `dir` is no longer what reviewers approved: an output changed after the build,
 * or an input since. Empty when it still is: `send` sends nothing else.
 */
export function buildProblems(
  root: string,
  number: number,
  dir: string,
  manifest: Manifest,
  reader = new SourceReader(root),
): Problem[] {
  return [...outputProblems(number, dir, manifest), ...changedInputs(root, number, manifest, reader)];
}

/**
 * Why the files in `dir` are not what the build of issue `number` wrote: a file changed or removed
 * since (every output is checked against the manifest's hash). `site` asks only this: a published
 * issue is the record of what was built, whatever its inputs say today.
 */
export function outputProblems(number: number, dir: string, manifest: Manifest): Problem[] {
  const problems: Problem[] = [];
  if (manifest.number !== number)
    problems.push({ message: `${dir} holds a build of issue ${manifest.number}, not ${number}` });
  for (const [name, hash] of Object.entries(manifest.outputs)) {
    const file = path.join(dir, name);
    if (!existsSync(file) || sha256(readFileSync(file)) !== hash) {
      problems.push({ message: `${name} was changed or removed after the build`, location: { file } });
    }
  }
  return problems;
}

/** What changed since the build, in words that name the file and, for the catalog, the item. */
export function changedInputs(
  root: string,
  number: number,
  manifest: Manifest,
  reader = new SourceReader(root),
): Problem[] {
  const invalidNow = (what: string) =>
    `${what} was edited since the build and is not valid now (enews check ${number} shows why)`;
  let current: { sources: BuildSources; invalidItems: Set<string> };
  try {
    current = currentSources(root, number, reader);
  } catch (err) {
    if (!(err instanceof EnewsError)) throw err;
    const file = err.problems.find((p) => p.location)?.location?.file;
    return [{ message: file ? invalidNow(relative(root, file)) : err.message }];
  }
  const now = buildInputs(current.sources);
  const problems: Problem[] = [];
  for (const [key, hash] of Object.entries(now)) {
    const was = manifest.inputs[key];
    if (was === undefined) problems.push({ message: `${describe(key)} was added since the build` });
    else if (was !== hash) problems.push({ message: `${describe(key)} was edited since the build` });
  }
  for (const key of Object.keys(manifest.inputs)) {
    if (key in now) continue;
    const id = key.includes('#') ? key.slice(key.indexOf('#') + 1) : null;
    problems.push({
      message:
        id && current.invalidItems.has(id) ? invalidNow(describe(key)) : `${describe(key)} was removed since the build`,
    });
  }
  if (problems.length === 0 && inputsHash(now) !== manifest.inputsHash)
    problems.push({ message: 'the inputs hash differs from the manifest' });
  return problems;
}

/** `issues/items.yaml#coop-x` → `issues/items.yaml (item "coop-x")`. */
function describe(key: string): string {
  const hash = key.indexOf('#');
  return hash < 0 ? key : `${key.slice(0, hash)} (item "${key.slice(hash + 1)}")`;
}

/**
 * The sources as they are now: validated newsletter and issue, the used catalog entries checked alone, template texts.
 */
function currentSources(
  root: string,
  number: number,
  reader: SourceReader,
): { sources: BuildSources; invalidItems: Set<string> } {
  const nl = reader.newsletter();
  const issue = loadIssue(reader.paths, number);
  const ids = issue.issue.items.map((r) => (typeof r === 'string' ? r : r.id));
  const found = reader.catalogItems(ids);
  const items = ids.flatMap((id) => {
    const f = found.get(id);
    return f?.item ? [{ file: f.file, item: f.item }] : [];
  });
  const catalog = new Map(ids.map((id) => [id, found.get(id)?.item ?? undefined]));
  const sources: BuildSources = {
    root,
    newsletter: { file: nl.input.file, value: nl.newsletter },
    issue: { file: issue.input.file, value: issue.issue },
    items,
    templates: reader.templates(),
    strings: reader.strings(newsletterLanguages(nl.newsletter)),
    images: localImageInputs(root, issueImageSrcs(nl.newsletter, issue.issue, catalog)),
  };
  return { sources, invalidItems: new Set(ids.filter((id) => found.get(id) && !found.get(id)!.item)) };
}

/**
 * The sources that builds of different issues share (newsletter.yaml, the catalog, the templates),
 * each read once per reader. `send` checks one build with a fresh reader; `enews site` checks every
 * build with one, so the archive of 200 issues parses the catalog once, not 200 times.
 */
export class SourceReader {
  readonly paths: ContentPaths;
  private loaded: LoadedNewsletter | { error: unknown } | undefined;
  private texts: TemplateSet | undefined;
  private readonly items = new Map<string, { item: Item | null; file: string } | null>();
  private readonly stringTexts = new Map<string, string>();

  constructor(root: string) {
    this.paths = contentPaths(root);
  }

  newsletter(): LoadedNewsletter {
    if (!this.loaded) {
      try {
        this.loaded = loadNewsletter(this.paths);
      } catch (error) {
        this.loaded = { error };
      }
    }
    if ('error' in this.loaded) throw this.loaded.error;
    return this.loaded;
  }

  /** Looks up ids not seen before in one pass over the catalog; `prefetch` with every id known ahead. */
  catalogItems(ids: readonly string[]): Map<string, { item: Item | null; file: string }> {
    const missing = ids.filter((id) => !this.items.has(id));
    if (missing.length) this.prefetch(missing);
    return new Map(ids.flatMap((id) => (this.items.get(id) ? [[id, this.items.get(id)!] as const] : [])));
  }

  prefetch(ids: readonly string[]): void {
    const found = findCatalogItems(this.paths, ids);
    for (const id of ids) this.items.set(id, found.get(id) ?? null);
  }

  templates(): TemplateSet {
    this.texts ??= rawTemplates(this.paths.templatesDir, itemTypesOf(this.newsletter().newsletter));
    return this.texts;
  }

  /** Each language's strings file as text, unchecked like the templates; a missing one reads as empty. */
  strings(languages: readonly string[]): Array<{ file: string; text: string }> {
    return languages.map((language) => {
      const { templatesDir } = this.paths;
      const file = stringsSource(templatesDir, languages, language)?.file ?? stringsFileFor(templatesDir, language);
      let text = this.stringTexts.get(file);
      if (text === undefined) {
        text = existsSync(file) ? readFileSync(file, 'utf8') : '';
        this.stringTexts.set(file, text);
      }
      return { file, text };
    });
  }
}

/** Template texts as they are, without the syntax check: a change is a change, whatever it broke. */
function rawTemplates(dir: string, types: readonly ItemTypeInfo[]): TemplateSet {
  const files = templateFiles(dir, types);
  const read = (file: string): TemplateFile[] =>
    existsSync(file) ? [{ file, source: readFileSync(file, 'utf8') }] : [];
  const partials = new Map(files.partials.flatMap(read).map((t) => [path.basename(t.file), t]));
  const [html] = read(files.html);
  const [text] = read(files.text);
  // A missing layout hashes as empty, which the manifest never holds: it reads as "edited".
  return {
    dir,
    html: html ?? { file: files.html, source: '' },
    text: text ?? { file: files.text, source: '' },
    partials,
  };
}

function parseJson<T>(file: string, schema: Schema<T>, fix: string): T {
  return validated(file, readJson(file, fix), schema, fix);
}

type Schema<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false } };

function readJson(file: string, fix: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new EnewsError('build-damaged', `${file} is missing or damaged.`, { problems: [{ message: fix }] });
  }
}

function validated<T>(file: string, value: unknown, schema: Schema<T>, fix: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new EnewsError('build-damaged', `${file} was made by another version of enews or edited by hand.`, {
      problems: [{ message: fix }],
    });
  }
  return parsed.data;
}
