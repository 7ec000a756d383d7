/**
 * The picture files of a project: which ones an issue shows (its logo, its dark logo and each item's
 * picture, with an issue's rewording winning over the catalog's), and reading one safely. A file must
 * be inside the project folder, even through a symbolic link, and of a size a picture can have.
 * Nothing here decodes pixels, so the send path (which hashes the files to prove a build is still
 * what it was made from) never loads the image library.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { isWebAddress } from '../content/image-src.js';
import type { Issue, Item, Newsletter } from '../content/schema.js';

/** A source file larger than this is refused: no picture in an email needs it, and it is read whole. */
export const MAX_SOURCE_BYTES = 25 * 1024 * 1024;

/** One place the issue shows a picture, as written in the content. */
export interface ImageSrcUse {
  /** The src as written: a path in the project, or a web address. */
  src: string;
  role: 'logo' | 'dark-logo' | 'item';
  /** The item's id, for an item's picture. */
  item?: string;
  /** Its index in the issue's items, for an item's picture. */
  index?: number;
  /** The `width:` the content gives, if any. */
  width?: number;
}

/**
 * Every picture issue `issue` shows, logo first, in the order of its items. `catalog` gives each
 * listed item as the catalog has it; an item the issue rewords with its own `image:` shows that one.
 */
export function issueImageSrcs(
  newsletter: Newsletter,
  issue: Issue,
  catalog: ReadonlyMap<string, Item | undefined>,
): ImageSrcUse[] {
  const uses: ImageSrcUse[] = [];
  const logo = newsletter.logo;
  if (logo) {
    uses.push({ src: logo.src, role: 'logo', ...(logo.width ? { width: logo.width } : {}) });
    if (logo.dark_src)
      uses.push({ src: logo.dark_src, role: 'dark-logo', ...(logo.width ? { width: logo.width } : {}) });
  }
  issue.items.forEach((ref, index) => {
    const id = typeof ref === 'string' ? ref : ref.id;
    const image = (typeof ref === 'object' ? ref.image : undefined) ?? catalog.get(id)?.image;
    if (image)
      uses.push({ src: image.src, role: 'item', item: id, index, ...(image.width ? { width: image.width } : {}) });
  });
  return uses;
}

/** The uses that name a file of the project rather than a web address. */
export function localUses<T extends { src: string }>(uses: readonly T[]): T[] {
  return uses.filter((u) => !isWebAddress(u.src));
}

/** Where `src` (a path relative to the project) is on disk. */
export function localImageFile(root: string, src: string): string {
  return path.resolve(root, ...src.split('/'));
}

export type ReadResult = { ok: true; file: string; bytes: Buffer } | { ok: false; file: string; why: string };

/**
 * The bytes of the picture `src` names, or why they cannot be used: missing, a folder, outside the
 * project (through a link), too large. Read through one descriptor, so what was checked is what is read.
 */
export function readLocalImage(root: string, src: string): ReadResult {
  const file = localImageFile(root, src);
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return { ok: false, file, why: `there is no file ${src} in the project folder (${root})` };
  }
  const inside = path.relative(realpathSync(root), real);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    return { ok: false, file, why: `${src} is a link to ${real}, outside the project folder` };
  }
  let fd: number | null = null;
  try {
    fd = openSync(real, 'r');
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, file, why: `${src} is a folder, not a picture` };
    if (!stat.isFile()) return { ok: false, file, why: `${src} is not a regular file` };
    if (stat.size > MAX_SOURCE_BYTES) {
      return {
        ok: false,
        file,
        why: `${src} is ${(stat.size / 1024 / 1024).toFixed(1)} MB; enews reads pictures of at most ${MAX_SOURCE_BYTES / 1024 / 1024} MB (save a smaller copy)`,
      };
    }
    const bytes = Buffer.alloc(stat.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
    return { ok: true, file, bytes: bytes.subarray(0, at) };
  } catch (err) {
    return { ok: false, file, why: `${src} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The picture files among `uses`, each once, with the sha256 of its bytes: what a build depends on
 * (build/inputs.ts). A file that cannot be read is left out; a build cannot have been made with it.
 */
export function localImageInputs(root: string, uses: readonly ImageSrcUse[]): Array<{ file: string; hash: string }> {
  const seen = new Set<string>();
  return localUses(uses).flatMap((use) => {
    if (seen.has(use.src)) return [];
    seen.add(use.src);
    const read = readLocalImage(root, use.src);
    return read.ok ? [{ file: read.file, hash: createHash('sha256').update(read.bytes).digest('hex') }] : [];
  });
}
