/**
 * Reads a build back for sending and proves it is still what reviewers saw:
 * the output files match the manifest, and the inputs (issue, catalog,
 * newsletter.yaml, templates) still hash to what the build was made from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem } from '../errors.js';
import { catalogFiles, contentPaths, listIssueFiles, newsletterFile } from '../content/load.js';
import type { RenderedIssue } from '../render/render-issue.js';
import { templateFiles } from '../render/templates.js';
import { hashInputs, relative, sha256 } from './hash.js';
import { defaultOutDir, manifestSchema, sendFileSchema, type Manifest } from './write-build.js';

export interface BuiltIssue {
  dir: string;
  manifest: Manifest;
  rendered: RenderedIssue;
}

export function readBuild(root: string, number: number, dir = defaultOutDir(root, number)): BuiltIssue {
  const shown = dir;
  const rebuild = `Run: enews build ${number}, review the result, then send again.`;
  const manifestFile = path.join(dir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new EnewsError('not-built', `Issue ${number} has not been built (${shown}/manifest.json is missing).`, { problems: [{ message: rebuild }] });
  }
  const manifest = parseJson(manifestFile, manifestSchema, rebuild);
  const problems: Problem[] = [];
  for (const [name, hash] of Object.entries(manifest.outputs)) {
    const file = path.join(dir, name);
    if (!existsSync(file) || sha256(readFileSync(file)) !== hash) {
      problems.push({ message: `${name} was changed or removed after the build`, location: { file } });
    }
  }
  problems.push(...changedInputs(root, number, manifest));
  if (problems.length > 0) {
    throw new EnewsError('build-stale', `The build in ${shown} no longer matches what it was made from, so it is not what reviewers approved`, {
      problems: [...problems, { message: rebuild }],
    });
  }
  const send = parseJson(path.join(dir, 'send.json'), sendFileSchema, rebuild);
  return { dir, manifest, rendered: send };
}

/** Inputs that differ from the manifest: edited, added or removed since the build. */
export function changedInputs(root: string, number: number, manifest: Manifest): Problem[] {
  const paths = contentPaths(root);
  const issue = listIssueFiles(paths).find((f) => f.number === number);
  const t = templateFiles(paths.templatesDir);
  const current = [newsletterFile(paths), ...catalogFiles(paths), ...(issue ? [issue.file] : []), t.html, t.text, ...t.partials];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const inputs = [];
  for (const file of current) {
    const rel = relative(root, file);
    seen.add(rel);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : null;
    if (text === null) continue;
    inputs.push({ file, text });
    const was = manifest.inputs[rel];
    if (was === undefined) problems.push({ message: `${rel} was added since the build` });
    else if (was !== sha256(text)) problems.push({ message: `${rel} was edited since the build` });
  }
  for (const rel of Object.keys(manifest.inputs)) {
    if (!seen.has(rel) || !existsSync(path.join(root, rel))) problems.push({ message: `${rel} was removed since the build` });
  }
  if (problems.length === 0 && hashInputs(root, inputs) !== manifest.inputsHash) {
    problems.push({ message: 'the inputs hash differs from the manifest' });
  }
  return problems;
}

function parseJson<T>(file: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, fix: string): T {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new EnewsError('build-damaged', `${file} is missing or damaged.`, { problems: [{ message: fix }] });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new EnewsError('build-damaged', `${file} was made by another version of enews or edited by hand.`, { problems: [{ message: fix }] });
  }
  return parsed.data;
}
