/**
 * The built issues the archive is made of: every dist/NNN/ with a build. A
 * published issue is a record: each is published from its own build, as it
 * was built and reviewed, whatever its issue file, the catalog or the email
 * templates say today (staleness stops a *send* of a changed issue, never the
 * archive). What is proved is that the build's files are the ones it wrote
 * (read-build.ts: every output against the manifest's hash); one issue whose
 * files were changed or lost stops the whole archive, named, so a site is
 * never published with a page nobody reviewed, nor silently without one.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem, throwIfProblems } from '../errors.js';
import { buildNumberOf } from '../build/build-dir.js';
import { changedInputs, outputProblems, readManifest, SourceReader } from '../build/read-build.js';
import type { Manifest } from '../build/manifest.js';
import { ASSET_NAME, ASSETS_FOLDER } from '../images/publish.js';

export const WEB_FILE = 'web.html';

/** An issue in one language, as built. */
export interface PublishedVersion {
  language: string;
  subject: string;
  preheader: string | null;
  summary: string;
  /** web.html as built and hashed. */
  webHtml: string;
}

/** An issue: its default language's version (the fields of PublishedVersion), and every language's. */
export interface PublishedIssue extends Omit<PublishedVersion, 'language'> {
  number: number;
  date: string;
  /** Every language it was built in, the default first. */
  versions: PublishedVersion[];
  /** What it was built from (its issue file, items, templates…) changed since: it is published as built. */
  changedSinceBuild: boolean;
  /** Its pictures (images/publish.ts): each one's path in the build and the site, and its file in the build. */
  assets: Array<{ path: string; file: string }>;
}

/** Every build in `distDir`, oldest first; throws, naming each issue, when any of them cannot be published. */
export function collectIssues(root: string, distDir: string, shownDist: string): PublishedIssue[] {
  const dirs = buildFolders(distDir);
  if (dirs.length === 0) {
    throw new EnewsError('no-builds', `There are no built issues in ${shownDist}/, so there is no archive to write.`, {
      problems: [{ message: 'Build the issues first, e.g. enews build 3, then run enews site again.' }],
    });
  }
  const again = (n: number) => `build ${n} again (enews build ${n}), review it, then run enews site.`;
  const read = dirs.map(({ number, dir }) => {
    try {
      return { number, dir, manifest: readManifest(number, dir, again(number)), error: null };
    } catch (err) {
      if (!(err instanceof EnewsError)) throw err;
      const what = err.code === 'not-built' ? `${dir} has no manifest.json (its build did not finish)` : err.message;
      return { number, dir, manifest: null, error: what.replace(/\.$/, '') };
    }
  });
  // One reader for all issues: newsletter.yaml, the catalog and the templates are read once.
  const reader = new SourceReader(root);
  reader.prefetch([...new Set(read.flatMap((r) => r.manifest?.items ?? []))]);
  const issues: PublishedIssue[] = [];
  const problems: Problem[] = [];
  const refused: number[] = [];
  for (const { number, dir, manifest, error } of read) {
    const changed: Problem[] = error ? [{ message: error }] : [];
    if (manifest) {
      changed.push(...outputProblems(number, dir, manifest), ...unhashedPages(manifest), ...foreignAssets(manifest));
    }
    if (manifest && changed.length === 0) {
      const versions = publishedVersions(dir, manifest);
      const changedSinceBuild = changedInputs(root, number, manifest, reader).length > 0;
      const assets = Object.keys(manifest.outputs)
        .filter((name) => name.startsWith(ASSETS_FOLDER))
        .map((name) => ({ path: name, file: path.join(dir, name) }));
      issues.push({ number, date: manifest.date, ...versions[0]!, versions, changedSinceBuild, assets });
      continue;
    }
    refused.push(number);
    for (const p of changed) problems.push({ ...p, message: `issue ${number}: ${p.message}` });
    problems.push({ message: `issue ${number} is not what was reviewed: ${again(number)}` });
  }
  const which = refused.length === 1 ? `issue ${refused[0]} is` : `issues ${refused.join(', ')} are`;
  throwIfProblems('site-stale', `The archive was not written: ${which} not as built and reviewed`, problems);
  return issues;
}

/**
 * A picture file is published at the top of the site under its own name, so a manifest may only name
 * the ones enews makes (`assets/copernico-552w-3f2a9c1b7d4e.jpg`): anything else, such as
 * `assets/../index.html`, would be written over another page or outside the site.
 */
function foreignAssets(manifest: Manifest): Problem[] {
  return Object.keys(manifest.outputs)
    .filter((name) => name.startsWith(ASSETS_FOLDER) && !ASSET_NAME.test(name))
    .map((name) => ({ message: `manifest.json names ${name}, which is not a picture file enews makes` }));
}

/** A web version the manifest does not hash could be anything: it is never published. */
function unhashedPages(manifest: Manifest): Problem[] {
  return Object.values(manifest.languages)
    .map((l) => `${l.folder}${WEB_FILE}`)
    .filter((name) => manifest.outputs[name] === undefined)
    .map((name) => ({ message: `${name} is not among the files its manifest.json proves` }));
}

/** Each language's web version of a verified build (its files are covered by the manifest's hashes). */
function publishedVersions(dir: string, manifest: Manifest): PublishedVersion[] {
  return Object.entries(manifest.languages).map(([language, l]) => ({
    language,
    subject: l.subject,
    preheader: l.preheader,
    summary: l.summary,
    webHtml: readFileSync(path.join(dir, l.folder, WEB_FILE), 'utf8'),
  }));
}

/** dist/NNN folders, by number; anything else in dist/ (a screenshot folder, notes) is not a build. */
function buildFolders(distDir: string): Array<{ number: number; dir: string }> {
  if (!existsSync(distDir) || !statSync(distDir).isDirectory()) return [];
  return readdirSync(distDir)
    .flatMap((name) => {
      const number = buildNumberOf(name);
      return number === null ? [] : [{ number, dir: path.join(distDir, name) }];
    })
    .filter(({ dir }) => statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true)
    .sort((a, b) => a.number - b.number);
}
