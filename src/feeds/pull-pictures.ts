/**
 * The pictures of the items a pull adds, made files of the project: each new item's picture (the
 * feed's enclosure, media:content or image, always an http(s) address) is downloaded within limits
 * (http-get.ts), checked as the build checks a picture (images/accept-picture.ts), and saved as
 * `images/<item id>.<ext>`, so the catalog names it as a person would (`image.src: images/…`) and
 * the build makes it for email like any picture of the project. A file that is there is never
 * written over: the next free name (`<id>-2.<ext>`…) is taken instead, because the picture is still
 * wanted and a person's own file must stay theirs. Nothing is written outside images/: the folder
 * must be inside the project (also through a link), and each file is created new (never through a
 * link). A picture that cannot be had (an error answer, too big, not a picture) leaves its item
 * without one and is reported: a picture nobody checked never reaches a subscriber as a broken icon.
 */
import { closeSync, lstatSync, mkdirSync, openSync, realpathSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Item } from '../content/schema.js';
import { acceptPicture } from '../images/accept-picture.js';
import { NotAnImage, type SourceFormat } from '../images/encode.js';
import { httpGet } from './http-get.js';

/** The largest picture a pull downloads: far more than any picture in an email needs. */
export const MAX_PICTURE_BYTES = 10 * 1024 * 1024;

/** Where pulled pictures go, relative to the project folder. */
export const PICTURES_FOLDER = 'images';

const ACCEPT = 'image/png, image/jpeg, image/webp, image/gif, image/svg+xml, image/avif;q=0.9, */*;q=0.5';

const EXTENSIONS: Record<SourceFormat, string> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  gif: 'gif',
  svg: 'svg',
  avif: 'avif',
  heif: 'heic',
  tiff: 'tif',
};

/** Why a picture was not saved. */
export type PictureFailure =
  | { kind: 'status'; status: number; statusText: string }
  | { kind: 'too-big'; size: number | null; max: number }
  | { kind: 'unreachable'; timedOut: boolean; seconds: number; cause: string }
  | { kind: 'not-a-picture'; why: string }
  | { kind: 'cannot-write'; why: string };

export interface SavedPicture {
  id: string;
  /** The feed's address of it. */
  url: string;
  /** As the catalog names it: `images/<id>.jpg`. */
  src: string;
  /** Where it was written. */
  file: string;
  bytes: number;
}

export interface PulledPictures {
  /** The items as given, each picture now a file of the project, or gone when it could not be had. */
  items: Item[];
  saved: SavedPicture[];
  failed: Array<{ id: string; url: string; failure: PictureFailure }>;
}

export interface PictureOptions {
  timeoutMs: number;
  maxBytes?: number;
  /** Paths (relative to the project) that the catalog names already: never given to a new picture. */
  reserved?: ReadonlySet<string>;
}

/** The names a picture of item `id` may take, in the order tried. */
export function pictureNames(id: string, format: SourceFormat, tries = 100): string[] {
  const ext = EXTENSIONS[format];
  return Array.from({ length: tries }, (_, i) => (i === 0 ? `${id}.${ext}` : `${id}-${i + 1}.${ext}`));
}

/** Downloads, checks and saves the picture of each item that has one; see above. */
export async function pullPictures(
  root: string,
  items: readonly Item[],
  opts: PictureOptions,
): Promise<PulledPictures> {
  const out: PulledPictures = { items: [], saved: [], failed: [] };
  const folder = path.join(root, PICTURES_FOLDER);
  // One address shown by two items is downloaded once and saved once.
  const byUrl = new Map<string, { src: string } | { failure: PictureFailure }>();
  for (const item of items) {
    const url = item.image?.src;
    if (!item.image || !url) {
      out.items.push(item);
      continue;
    }
    let got = byUrl.get(url);
    if (!got) {
      got = await savePicture(root, folder, item.id, url, opts);
      byUrl.set(url, got);
      if ('src' in got) out.saved.push({ id: item.id, url, ...(got as Omit<SavedPicture, 'id' | 'url'>) });
    }
    if ('failure' in got) {
      out.failed.push({ id: item.id, url, failure: got.failure });
      const { image: _image, ...without } = item;
      out.items.push(without);
    } else {
      out.items.push({ ...item, image: { ...item.image, src: got.src } });
    }
  }
  return out;
}

/** Removes the files a pull saved, when what it pulled them for was not written after all. */
export function removePictures(saved: readonly SavedPicture[]): void {
  for (const s of saved) {
    try {
      unlinkSync(s.file);
    } catch {
      // Already gone: nothing to undo.
    }
  }
}

async function savePicture(
  root: string,
  folder: string,
  id: string,
  url: string,
  opts: PictureOptions,
): Promise<Omit<SavedPicture, 'id' | 'url'> | { failure: PictureFailure }> {
  const unusable = folderProblem(root, folder);
  if (unusable) return { failure: { kind: 'cannot-write', why: unusable } };
  const max = opts.maxBytes ?? MAX_PICTURE_BYTES;
  const answer = await httpGet(url, { timeoutMs: opts.timeoutMs, maxBytes: max, accept: ACCEPT });
  if (answer.kind === 'status') return { failure: answer };
  if (answer.kind === 'not-modified') return { failure: { kind: 'status', status: 304, statusText: 'Not Modified' } };
  if (answer.kind === 'too-big') return { failure: { kind: 'too-big', size: answer.size, max } };
  if (answer.kind === 'unreachable') {
    const seconds = Math.round(opts.timeoutMs / 100) / 10;
    return { failure: { kind: 'unreachable', timedOut: answer.timedOut, seconds, cause: answer.cause } };
  }
  let format: SourceFormat;
  try {
    format = (await acceptPicture(answer.bytes)).format;
  } catch (err) {
    if (!(err instanceof NotAnImage)) throw err;
    return { failure: { kind: 'not-a-picture', why: err.message } };
  }
  try {
    mkdirSync(folder, { recursive: true });
  } catch (err) {
    return { failure: { kind: 'cannot-write', why: `${PICTURES_FOLDER}/ cannot be made (${code(err)})` } };
  }
  for (const name of pictureNames(id, format)) {
    const src = `${PICTURES_FOLDER}/${name}`;
    if (opts.reserved?.has(src)) continue;
    const file = path.join(folder, name);
    const written = writeNew(file, answer.bytes);
    if (written === 'taken') continue;
    if (written !== 'ok') return { failure: { kind: 'cannot-write', why: `${src} cannot be written (${written})` } };
    return { src, file, bytes: answer.bytes.length };
  }
  return { failure: { kind: 'cannot-write', why: `every name for it in ${PICTURES_FOLDER}/ is taken` } };
}

/** Why pictures cannot go into `folder`, or null: it must be a folder inside the project, if it is there. */
function folderProblem(root: string, folder: string): string | null {
  try {
    lstatSync(folder);
  } catch {
    return null;
  }
  try {
    const real = realpathSync(folder);
    const inside = path.relative(realpathSync(root), real);
    if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
      return `${PICTURES_FOLDER}/ is a link to ${real}, outside the project folder`;
    }
    if (!lstatSync(real).isDirectory()) return `${PICTURES_FOLDER} is a file, not a folder`;
  } catch (err) {
    return `${PICTURES_FOLDER}/ cannot be read (${code(err)})`;
  }
  return null;
}

/** Writes `bytes` to a file that must not exist yet ('wx': not over a file, not through a link). */
function writeNew(file: string, bytes: Buffer): 'ok' | 'taken' | string {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    return code(err) === 'EEXIST' ? 'taken' : code(err);
  }
  let failed: string | null = null;
  try {
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
  } catch (err) {
    failed = code(err);
  } finally {
    closeSync(fd);
  }
  if (failed === null) return 'ok';
  try {
    unlinkSync(file);
  } catch {
    // Nothing of it is left to remove.
  }
  return failed;
}

function code(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}
