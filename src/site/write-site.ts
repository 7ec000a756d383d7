/**
 * Puts the archive in its folder: all files are written into a new folder
 * beside it, which then takes its place, so a web server never serves half
 * an archive and a page of an issue that is no longer built does not linger.
 * A folder that holds files enews did not write is never replaced: --out
 * pointed at the wrong place must not cost anyone their files.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError } from '../errors.js';

/** Marks a folder as written by `enews site`, so the next run may replace it. */
export const SITE_MARKER = '.enews-site';
const MARKER_TEXT = 'Written by enews site. The whole folder is replaced each time enews site runs.\n';

/** `files`: path inside the site (with / separators) → content. */
export function writeSite(out: string, shown: string, files: Map<string, string | Buffer>): void {
  const existing = existingSite(out, shown);
  let tmp: string | null = null;
  try {
    mkdirSync(path.dirname(out), { recursive: true });
    tmp = mkdtempSync(path.join(path.dirname(out), `.${path.basename(out)}-new-`));
    for (const [name, text] of [...files, [SITE_MARKER, MARKER_TEXT] as const]) {
      const file = path.join(tmp, ...name.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    if (existing) {
      const old = `${tmp}-old`;
      renameSync(out, old);
      renameSync(tmp, out);
      rmSync(old, { recursive: true, force: true });
    } else {
      if (existsSync(out)) rmSync(out, { recursive: true });
      renameSync(tmp, out);
    }
    tmp = null;
  } catch (err) {
    throw unwritable(err, shown);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** True when `out` is an archive enews wrote before; false when it does not exist or is an empty folder. */
function existingSite(out: string, shown: string): boolean {
  if (!existsSync(out)) return false;
  if (!statSync(out).isDirectory()) {
    throw new EnewsError('site-out', `${shown} is a file, not a folder, so the archive cannot be written there.`, {
      problems: [{ message: 'Choose a folder with --out DIR (the default is site/).' }],
    });
  }
  const names = readdirSync(out);
  if (names.length === 0) return false;
  if (names.includes(SITE_MARKER)) return true;
  throw new EnewsError(
    'site-out',
    `${shown} holds files that enews site did not write, so it will not replace that folder.`,
    {
      problems: [
        {
          message:
            'Write the archive to a folder of its own with --out DIR (the default is site/), ' +
            'or empty this one first.',
        },
      ],
    },
  );
}

function unwritable(err: unknown, shown: string): unknown {
  if (err instanceof EnewsError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the disk is read-only',
    ENOTDIR: 'a part of that path is a file, not a folder',
    // mkdir -p answers EEXIST when a file stands where a folder of the path should be.
    EEXIST: 'a part of that path is a file, not a folder',
    ENOENT: 'a folder on that path cannot be created',
    ENOSPC: 'the disk is full',
    EDQUOT: 'the disk quota is used up',
  };
  if (!code) return err;
  return new EnewsError(
    'site-unwritable',
    `The archive cannot be written to ${shown}: ${why[code] ?? `the system refused (${code})`}.`,
    { problems: [{ message: 'Choose a folder you can write to with --out DIR, e.g. --out site.' }] },
  );
}
