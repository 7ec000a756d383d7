/**
 * Pictures already made, kept in the project's `.enews/cache/pictures/` from one build to the next:
 * encoding the logo and a photograph in their widths and formats takes most of a build's time, and
 * it gives the same bytes every time (encode.ts), so a build reads what an earlier one made.
 *
 * An entry is found by a SHA-256 of everything its bytes depend on: the source's bytes, the width
 * and format asked, the encoder's code and settings (their source text, so that no change to them
 * can keep an old entry), and the sharp and libvips that made it. Each entry repeats its key and the
 * hash of its bytes: a damaged, cut or foreign file is not used, and is made again. Entries are
 * written whole (a temporary file renamed over), so two builds at once never read half of one.
 * The folder holds its own .gitignore: what is in it can always be made again, and is never committed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  type Encoded,
  encoderRecipe,
  type ImageInfo,
  inspectRecipe,
  type OutputFormat,
  SOURCE_FORMATS,
} from './encode.js';
import { sharpFingerprint } from './sharp-fingerprint.js';
import { replaceFile } from '../util/replace-file.js';

export const PICTURE_CACHE = path.join('.enews', 'cache', 'pictures');

/** What reads and makes a picture consult first. */
export interface PictureCache {
  info(source: Buffer, make: () => Promise<ImageInfo>): Promise<ImageInfo>;
  encoded(source: Buffer, width: number, format: OutputFormat, make: () => Promise<Encoded>): Promise<Encoded>;
}

/** The cache of the project at `root`. */
export function pictureCache(root: string): PictureCache {
  const dir = path.join(root, PICTURE_CACHE);
  return {
    async info(source, make) {
      const key = await keyOf({ kind: 'info', source: sha256(source), recipe: inspectRecipe() });
      const file = path.join(dir, key);
      const found = readInfo(file, key);
      if (found) return found;
      const info = await make();
      store(dir, file, Buffer.from(JSON.stringify({ key, info })));
      return info;
    },
    async encoded(source, width, format, make) {
      const key = await keyOf({ kind: 'encoded', source: sha256(source), width, format, recipe: encoderRecipe() });
      const file = path.join(dir, key);
      const found = readEncoded(file, key, format);
      if (found) return found;
      const made = await make();
      const header = { key, width: made.width, height: made.height, format, sha256: sha256(made.bytes) };
      store(dir, file, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), made.bytes]));
      return made;
    },
  };
}

async function keyOf(what: Record<string, unknown>): Promise<string> {
  return sha256(JSON.stringify({ ...what, sharp: await sharpFingerprint() }));
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readEntry(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

function readInfo(file: string, key: string): ImageInfo | null {
  const bytes = readEntry(file);
  if (!bytes) return null;
  try {
    const { key: its, info } = JSON.parse(bytes.toString('utf8')) as { key?: unknown; info?: Partial<ImageInfo> };
    if (its !== key || !info || !(SOURCE_FORMATS as readonly unknown[]).includes(info.format)) return null;
    const { format, width, height, hasAlpha, pages } = info;
    if (![width, height, pages].every((n) => Number.isSafeInteger(n) && (n as number) > 0)) return null;
    if (typeof hasAlpha !== 'boolean') return null;
    return { format: format!, width: width!, height: height!, hasAlpha, pages: pages! };
  } catch {
    return null;
  }
}

function readEncoded(file: string, key: string, format: OutputFormat): Encoded | null {
  const bytes = readEntry(file);
  if (!bytes) return null;
  const end = bytes.indexOf(0x0a);
  if (end < 0) return null;
  try {
    const header = JSON.parse(bytes.subarray(0, end).toString('utf8')) as Record<string, unknown>;
    const picture = bytes.subarray(end + 1);
    if (header.key !== key || header.format !== format || header.sha256 !== sha256(picture)) return null;
    const { width, height } = header;
    if (!Number.isSafeInteger(width) || !Number.isSafeInteger(height)) return null;
    return { bytes: Buffer.from(picture), width: width as number, height: height as number, format };
  } catch {
    return null;
  }
}

/** Writes an entry whole, or not at all; a cache that cannot be written (a read-only project) only costs time. */
function store(dir: string, file: string, bytes: Buffer): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '..', '.gitignore'), '*\n');
    replaceFile(file, bytes);
  } catch {
    // Not written: the next build makes it again.
  }
}
