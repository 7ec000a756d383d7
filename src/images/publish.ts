/**
 * The pictures of an issue made for email and the web: each local file named in the content is
 * checked (there, inside the project, a picture), resized to the width the email shows it at, and
 * encoded (encode.ts) as
 *
 * - the email's picture: PNG or JPEG at twice that width, for high-density screens (mail clients
 *   take no srcset, so one file serves every screen);
 * - for the web version: the same at 1×, and WebP at 1× and 2× when WebP is the smaller (for a
 *   photograph it is; for a drawing that PNG's palette already packs tightly it often is not).
 *
 * Each file is named by its content (`copernico-1104w-3f2a9c1b7d4e.jpg`), so a changed picture gets
 * a new address that no cache has seen, and an unchanged one keeps its address from build to build
 * and from issue to issue. The files go to dist/NNN/assets/ and, with `enews site`, to
 * <site.base_url>assets/, which is the address the email names them by.
 */
import { createHash } from 'node:crypto';
import { isWebAddress } from '../content/image-src.js';
import type { Location, Problem, Warning } from '../errors.js';
import type { ImageTag } from '../render/image-tags.js';
import { stillOnly } from './accept-picture.js';
import { emailFormat, encodeImage, type Encoded, type ImageInfo, inspectImage, NotAnImage } from './encode.js';
import { type ImageSrcUse, readLocalImage } from './local-image.js';
import { type PictureCache, pictureCache } from './picture-cache.js';

/** Where the pictures are, in a build (dist/NNN/assets/) and in the site (site/assets/). */
export const ASSETS_FOLDER = 'assets/';

/** The path of every file made here (toAsset): a plain name, its width, its content hash, its format. */
export const ASSET_NAME = /^assets\/[a-z0-9]+(?:-[a-z0-9]+)*-[1-9][0-9]*w-[0-9a-f]{12}\.(?:png|jpg|webp)$/;

/**
 * The width a picture is shown at when the content gives none: the default templates' (the logo
 * 180 px in header.mjml; an item's picture the width of the 600 px email less its 24 px margins).
 * A layout of one's own gives `width:` in the content instead.
 */
export const DEFAULT_WIDTH = { logo: 180, item: 552 } as const;

/** Over this, the email's copy of a picture is a warning: it is what every subscriber downloads. */
export const IMAGE_BUDGET_BYTES = 200 * 1024;
/** Over this, all the pictures of an issue together are a warning. */
export const ISSUE_BUDGET_BYTES = 1024 * 1024;

/** One place the issue shows a picture, with the line that names it. */
export interface ImageUse extends ImageSrcUse {
  location: Location;
}

/** One file made from a picture. */
export interface ImageAsset {
  /** Its path in the build and in the site: `assets/logo-320w-3f2a9c1b7d4e.png`. */
  path: string;
  url: string;
  bytes: Buffer;
  width: number;
  height: number;
}

/** A picture as the issue shows it. */
export interface PublishedImage {
  src: string;
  /** The size it is shown at (1×). */
  width: number;
  height: number;
  /** The email's file (2×, PNG or JPEG): the src of the email's and the web version's <img>. */
  email: ImageAsset;
  /** The web version's other files: the same format at 1×, and WebP at 1× and 2× when it is the smaller. */
  web: { x1: ImageAsset; webp: [ImageAsset, ImageAsset] | null };
}

export interface PublishedImages {
  /** By `use key` (src and width): the same file may be shown at two widths. */
  images: Map<string, PublishedImage>;
  /** Every file made, by its path (`assets/…`), in the order made: what a build writes and a review page embeds. */
  assets: Map<string, ImageAsset>;
  /** What the HTML's <img> tags need, by the URL they name (render/image-tags.ts). */
  tags: Map<string, ImageTag>;
  /** Size budgets, pictures smaller than they are shown. */
  warnings: Warning[];
}

export function useKey(src: string, width: number): string {
  return `${width}\0${src}`;
}

/** The width `use` is shown at. */
export function shownWidth(use: ImageSrcUse): number {
  return use.width ?? (use.role === 'item' ? DEFAULT_WIDTH.item : DEFAULT_WIDTH.logo);
}

/**
 * Makes the local pictures of `uses` for publication at `baseUrl` (site.base_url). Returns what it
 * made and the problems, each at the line that names the file: missing, not a picture, damaged,
 * animated, or no `baseUrl` to publish it at. Web addresses are left as they are.
 */
export async function publishImages(
  root: string,
  uses: readonly ImageUse[],
  baseUrl: string | null,
): Promise<{ published: PublishedImages; problems: Problem[] }> {
  const published: PublishedImages = { images: new Map(), assets: new Map(), tags: new Map(), warnings: [] };
  const problems: Problem[] = [];
  const local = uses.filter((u) => !isWebAddress(u.src));
  if (local.length > 0 && baseUrl === null) {
    problems.push(noBaseUrl(local[0]!));
    return { published, problems };
  }
  const sources = new Map<string, { bytes: Buffer; info: ImageInfo } | null>();
  const cache = pictureCache(root);
  for (const use of local) {
    let source = sources.get(use.src);
    if (source === undefined) {
      source = await readSource(root, use, problems, cache);
      sources.set(use.src, source);
    }
    const key = useKey(use.src, shownWidth(use));
    if (!source || published.images.has(key)) continue;
    try {
      const image = await makeImage(use, source, baseUrl!, cache);
      published.images.set(key, image);
      for (const a of imageFiles(image)) published.assets.set(a.path, a);
      published.tags.set(image.email.url, tagOf(image));
      published.warnings.push(...pictureWarnings(use, source.info, image));
    } catch (err) {
      if (!(err instanceof NotAnImage)) throw err;
      problems.push({ message: `${use.src}: ${err.message}`, location: use.location });
    }
  }
  published.warnings.push(...issueBudget(published, uses));
  return { published, problems };
}

async function readSource(
  root: string,
  use: ImageUse,
  problems: Problem[],
  cache: PictureCache,
): Promise<{ bytes: Buffer; info: ImageInfo } | null> {
  const read = readLocalImage(root, use.src);
  if (!read.ok) {
    problems.push({
      message: read.why,
      location: use.location,
      hint: /^[\w-]+(\.[\w-]+)+\//.test(use.src)
        ? `A web address starts with https:// (https://${use.src}); a file's path is relative to the project folder.`
        : 'Put the picture in the project (e.g. images/), and write its path relative to the project folder.',
    });
    return null;
  }
  try {
    return { bytes: read.bytes, info: stillOnly(await cache.info(read.bytes, () => inspectImage(read.bytes))) };
  } catch (err) {
    if (!(err instanceof NotAnImage)) throw err;
    problems.push({ message: `${use.src}: ${err.message}`, location: use.location });
    return null;
  }
}

async function makeImage(
  use: ImageUse,
  source: { bytes: Buffer; info: ImageInfo },
  baseUrl: string,
  cache: PictureCache,
): Promise<PublishedImage> {
  const width = shownWidth(use);
  const format = emailFormat(source.info);
  const asset = async (w: number, f: 'png' | 'jpeg' | 'webp') =>
    toAsset(use.src, await encodeCached(source, w, f, cache), baseUrl);
  const email = await asset(width * 2, format);
  const x1 = await asset(width, format);
  const webp2 = await asset(width * 2, 'webp');
  const webp: [ImageAsset, ImageAsset] | null =
    webp2.bytes.length < email.bytes.length ? [await asset(width, 'webp'), webp2] : null;
  const web = { x1, webp };
  // The email file's own proportions, so the height is right whatever width it was made at.
  return { src: use.src, width, height: Math.max(1, Math.round((width * email.height) / email.width)), email, web };
}

/** Every file made from a picture: the email's, then the web version's. */
export function imageFiles(image: PublishedImage): ImageAsset[] {
  return [image.email, image.web.x1, ...(image.web.webp ?? [])];
}

function tagOf(image: PublishedImage): ImageTag {
  const { email, web } = image;
  return {
    width: image.width,
    height: image.height,
    srcset: `${web.x1.url} 1x, ${email.url} 2x`,
    webp: web.webp ? `${web.webp[0].url} 1x, ${web.webp[1].url} 2x` : null,
  };
}

function toAsset(src: string, e: Encoded, baseUrl: string): ImageAsset {
  const hash = createHash('sha256').update(e.bytes).digest('hex').slice(0, 12);
  const ext = e.format === 'jpeg' ? 'jpg' : e.format;
  const path = `${ASSETS_FOLDER}${stem(src)}-${e.width}w-${hash}.${ext}`;
  return { path, url: `${baseUrl}${path}`, bytes: e.bytes, width: e.width, height: e.height };
}

/** The file name without folder and extension, in letters a URL carries as they are. */
function stem(src: string): string {
  const base = (src.split('/').pop() ?? '').replace(/\.[^.]*$/, '');
  const plain = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return plain || 'image';
}

/**
 * Encodings already made in this process, by source, width and format: the preview makes the issue
 * again on every save, and a picture that did not change is not even read again from the project's cache.
 */
const encoded = new Map<string, Promise<Encoded>>();
const ENCODED_KEPT = 64;

function encodeCached(
  source: { bytes: Buffer; info: ImageInfo },
  width: number,
  format: 'png' | 'jpeg' | 'webp',
  cache: PictureCache,
) {
  const key = `${createHash('sha256').update(source.bytes).digest('hex')}:${width}:${format}`;
  let made = encoded.get(key);
  if (!made) {
    made = cache.encoded(source.bytes, width, format, () => encodeImage(source.bytes, source.info, width, format));
    made.catch(() => encoded.delete(key));
    encoded.set(key, made);
    if (encoded.size > ENCODED_KEPT) encoded.delete(encoded.keys().next().value!);
  }
  return made;
}

function kb(bytes: number): string {
  return `${Math.round(bytes / 1024)} KB`;
}

function pictureWarnings(use: ImageUse, info: ImageInfo, image: PublishedImage): Warning[] {
  const out: Warning[] = [];
  const size = image.email.bytes.length;
  if (size > IMAGE_BUDGET_BYTES) {
    out.push({
      code: 'image-size',
      message:
        `${use.src}: the email's copy of this picture is ${kb(size)}, over the budget of ${kb(IMAGE_BUDGET_BYTES)} ` +
        `per picture (every subscriber downloads it); crop it, simplify it, or show it smaller with width:`,
      location: use.location,
    });
  }
  if (info.format !== 'svg' && info.width < image.width * 2) {
    out.push({
      code: 'image-small',
      message:
        `${use.src} is ${info.width} px wide and shown ${image.width} px wide: it looks blurred on ` +
        `high-density screens (phones, most laptops); use a picture at least ${image.width * 2} px wide`,
      location: use.location,
    });
  }
  return out;
}

/** Every picture the email loads, once each, against the issue's budget; warned at the issue's first picture. */
function issueBudget(published: PublishedImages, uses: readonly ImageUse[]): Warning[] {
  const emailFiles = new Map([...published.images.values()].map((i) => [i.email.path, i.email.bytes.length]));
  const total = [...emailFiles.values()].reduce((a, b) => a + b, 0);
  if (total <= ISSUE_BUDGET_BYTES) return [];
  const first = uses.find((u) => u.role === 'item') ?? uses[0];
  return [
    {
      code: 'image-size',
      message:
        `the issue's ${emailFiles.size} pictures weigh ${kb(total)} together, over the budget of ` +
        `${kb(ISSUE_BUDGET_BYTES)} per issue: subscribers on a phone download all of them; drop or shrink some`,
      ...(first ? { location: first.location } : {}),
    },
  ];
}

function noBaseUrl(use: ImageUse): Problem {
  return {
    message:
      `${use.src} is a file of the project, and an email can only show a picture from the web: ` +
      'newsletter.yaml does not say where enews publishes it (site.base_url)',
    location: use.location,
    hint:
      'Add the address where the archive and its pictures are published (enews site writes them), e.g.\n' +
      '      site:\n        base_url: https://www.example.org/enews/\n' +
      '    or give the picture as a web address (https://…) instead.',
  };
}
