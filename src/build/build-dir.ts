/**
 * Where builds are, one rule for build, send, site, report and new: issue
 * N's build is the folder NNN (issue-number.ts's padding) in a builds
 * folder, dist/ in the project unless `build --out` or `site --dist` names
 * another. The default language's files are at its top, each other
 * language's in NNN/<lang>/ (languageFolder, render/site-urls.ts).
 */
import path from 'node:path';
import { padded } from '../content/issue-number.js';

/** The project's builds folder. */
export function distDir(root: string): string {
  return path.join(root, 'dist');
}

/** Issue `number`'s build in the builds folder `dist`. */
export function buildDir(dist: string, number: number): string {
  return path.join(dist, padded(number));
}

/** Issue `number`'s build where `enews build` puts it without --out. */
export function defaultBuildDir(root: string, number: number): string {
  return buildDir(distDir(root), number);
}

/** The issue whose build a folder in `dist` is (003 → 3); null for anything else there (screenshots, notes). */
export function buildNumberOf(name: string): number | null {
  return /^\d+$/.test(name) && Number(name) > 0 ? Number(name) : null;
}
