/**
 * Reads a build back for sending and proves it is still what reviewers saw:
 * the output files match the manifest, and what the render depends on (see
 * inputs.ts: the issue, the items it uses, the newsletter fields, the
 * templates) still hashes to what the build was made from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem } from '../errors.js';
import { contentPaths, findCatalogItems, loadIssue, loadNewsletter } from '../content/load.js';
import type { RenderedIssue } from '../render/render-issue.js';
import { templateFiles, type TemplateFile, type TemplateSet } from '../render/templates.js';
import { relative, sha256 } from './hash.js';
import { buildInputs, inputsHash, type BuildSources } from './inputs.js';
import { manifestSchema, sendFileSchema, type Manifest } from './write-build.js';

export interface BuiltIssue {
  dir: string;
  manifest: Manifest;
  rendered: RenderedIssue;
}

export function readBuild(root: string, number: number, dir: string): BuiltIssue {
  const rebuild = `Run: enews build ${number}, review the result, then send again.`;
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new EnewsError('not-built', `Issue ${number} has not been built (${dir}/manifest.json is missing).`, {
      problems: [{ message: rebuild }],
    });
  }
  const manifest = parseJson(manifestFile, manifestSchema, rebuild);
  const problems: Problem[] = [];
  if (manifest.number !== number)
    problems.push({ message: `${dir} holds a build of issue ${manifest.number}, not ${number}` });
  for (const [name, hash] of Object.entries(manifest.outputs)) {
    const file = path.join(dir, name);
    if (!existsSync(file) || sha256(readFileSync(file)) !== hash) {
      problems.push({ message: `${name} was changed or removed after the build`, location: { file } });
    }
  }
  problems.push(...changedInputs(root, number, manifest));
  if (problems.length > 0) {
    throw new EnewsError(
      'build-stale',
      `The build in ${dir} no longer matches what it was made from, so it is not what reviewers approved`,
      {
        problems: [...problems, { message: rebuild }],
      },
    );
  }
  const send = parseJson(path.join(dir, 'send.json'), sendFileSchema, rebuild);
  return { dir, manifest, rendered: send };
}

/** What changed since the build, in words that name the file and, for the catalog, the item. */
export function changedInputs(root: string, number: number, manifest: Manifest): Problem[] {
  const invalidNow = (what: string) =>
    `${what} was edited since the build and is not valid now (enews check ${number} shows why)`;
  let current: { sources: BuildSources; invalidItems: Set<string> };
  try {
    current = currentSources(root, number);
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
function currentSources(root: string, number: number): { sources: BuildSources; invalidItems: Set<string> } {
  const paths = contentPaths(root);
  const nl = loadNewsletter(paths);
  const issue = loadIssue(paths, number);
  const ids = issue.issue.items.map((r) => (typeof r === 'string' ? r : r.id));
  const found = findCatalogItems(paths, ids);
  const items = ids.flatMap((id) => {
    const f = found.get(id);
    return f?.item ? [{ file: f.file, item: f.item }] : [];
  });
  const sources: BuildSources = {
    root,
    newsletter: { file: nl.input.file, value: nl.newsletter },
    issue: { file: issue.input.file, value: issue.issue },
    items,
    templates: rawTemplates(paths.templatesDir),
  };
  return { sources, invalidItems: new Set(ids.filter((id) => found.get(id) && !found.get(id)!.item)) };
}

/** Template texts as they are, without the syntax check: a change is a change, whatever it broke. */
function rawTemplates(dir: string): TemplateSet {
  const files = templateFiles(dir);
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

function parseJson<T>(
  file: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  fix: string,
): T {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new EnewsError('build-damaged', `${file} is missing or damaged.`, { problems: [{ message: fix }] });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new EnewsError('build-damaged', `${file} was made by another version of enews or edited by hand.`, {
      problems: [{ message: fix }],
    });
  }
  return parsed.data;
}
