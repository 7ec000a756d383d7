/**
 * The one place enews touches pixels (sharp, libvips from npm's prebuilt binaries). Every encoder
 * option is written out rather than left to a default, because builds are byte-identical: the same
 * picture and the same sharp give the same bytes, so a rebuild changes no file name, no manifest
 * hash and no URL. Metadata (EXIF, GPS, camera, ICC profile) is never copied: sharp writes none
 * unless asked, and the pixels are converted to sRGB first, so the colours stay as they were.
 *
 * What a mail client can show, from the caniemail data (checks/client-support.ts): PNG and JPEG
 * everywhere; WebP not in Outlook for Windows or macOS and only partly in Gmail; `srcset` and
 * `<picture>` not in Gmail, Outlook for Windows or Yahoo. So the email gets one PNG or JPEG per
 * picture, at twice its width for high-density screens; WebP goes to the web version only, inside
 * a `<picture>` that every browser understands (render/image-tags.ts).
 */
import type { Metadata, Sharp } from 'sharp';

/** Loaded on first use: a project without pictures of its own never loads the native library. */
async function sharpLib() {
  return (await import('sharp')).default;
}

/** What a source file is, read from its bytes (never from its name). */
export interface ImageInfo {
  format: SourceFormat;
  /** Pixels, after the EXIF orientation is applied. */
  width: number;
  height: number;
  hasAlpha: boolean;
  /** Frames: more than 1 for an animated GIF or WebP. */
  pages: number;
}

export type SourceFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'svg' | 'avif' | 'heif' | 'tiff';
export const SOURCE_FORMATS: readonly SourceFormat[] = ['jpeg', 'png', 'webp', 'gif', 'svg', 'avif', 'heif', 'tiff'];

/** PNG and JPEG for the email; WebP for the web version. */
export type OutputFormat = 'png' | 'jpeg' | 'webp';

/** A picture no email needs: sharp refuses to decode more (a "decompression bomb" is a small file). */
export const MAX_INPUT_PIXELS = 50_000_000;

/** An SVG is drawn at this density at most, so a tiny viewBox cannot ask for a gigapixel render. */
const MAX_SVG_DENSITY = 2400;

/** The encoders' settings, pinned (see above). */
export const ENCODERS = {
  jpeg: {
    quality: 80,
    progressive: true,
    chromaSubsampling: '4:2:0',
    optimiseCoding: true,
    trellisQuantisation: true,
    overshootDeringing: true,
    optimiseScans: true,
    quantisationTable: 3,
    mozjpeg: false,
    force: true,
  },
  png: {
    progressive: false,
    compressionLevel: 9,
    adaptiveFiltering: true,
    palette: true,
    quality: 90,
    effort: 10,
    colours: 256,
    dither: 1.0,
    force: true,
  },
  webp: {
    quality: 80,
    alphaQuality: 100,
    lossless: false,
    nearLossless: false,
    smartSubsample: true,
    smartDeblock: false,
    effort: 6,
    preset: 'default',
    exact: false,
    minSize: false,
    mixed: false,
    force: true,
  },
} as const;

/** Thrown for bytes that are not a picture enews can use; the caller says where. */
export class NotAnImage extends Error {}

/** What the bytes are; throws NotAnImage when they are no image sharp reads, or one of another kind. */
export async function inspectImage(bytes: Buffer): Promise<ImageInfo> {
  let meta: Metadata;
  try {
    const sharp = await sharpLib();
    meta = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    throw new NotAnImage('it is not an image (no picture format enews knows starts that way)');
  }
  const format = (meta.format === 'heif' && meta.compression === 'av1' ? 'avif' : meta.format) as string;
  if (!(SOURCE_FORMATS as readonly string[]).includes(format)) {
    throw new NotAnImage(
      `it is a ${format.toUpperCase()} file, which enews does not make pictures from (use PNG, JPEG, WebP, GIF or SVG)`,
    );
  }
  const { width, height } = meta.autoOrient ?? meta;
  if (!width || !height) throw new NotAnImage('it is an image without a size');
  if (width * height > MAX_INPUT_PIXELS) {
    throw new NotAnImage(
      `it is ${width}×${height} pixels, more than the ${MAX_INPUT_PIXELS / 1_000_000} megapixels enews reads; ` +
        'save a smaller copy',
    );
  }
  return { format: format as SourceFormat, width, height, hasAlpha: meta.hasAlpha, pages: meta.pages ?? 1 };
}

/**
 * The format a picture is given to the email in: PNG for drawings (a PNG, GIF or SVG source: logos,
 * charts, sharp edges) and for anything transparent; JPEG for photographs.
 */
export function emailFormat(info: ImageInfo): 'png' | 'jpeg' {
  return info.hasAlpha || info.format === 'png' || info.format === 'gif' || info.format === 'svg' ? 'png' : 'jpeg';
}

export interface Encoded {
  bytes: Buffer;
  width: number;
  height: number;
  format: OutputFormat;
}

/** The picture `width` pixels wide (never wider than it is), in `format`, with no metadata. */
export async function encodeImage(
  bytes: Buffer,
  info: ImageInfo,
  width: number,
  format: OutputFormat,
): Promise<Encoded> {
  // A drawing scales to any size; a photograph is never enlarged (that only blurs it and adds bytes).
  const target = info.format === 'svg' ? width : Math.min(width, info.width);
  const sharp = await sharpLib();
  let image: Sharp = sharp(bytes, {
    limitInputPixels: MAX_INPUT_PIXELS,
    failOn: 'error',
    autoOrient: true,
    // A drawing is rasterised at the size it is needed, not at 72 dpi and then enlarged.
    ...(info.format === 'svg' ? { density: svgDensity(info, width) } : {}),
  });
  image = image
    .toColourspace('srgb')
    .resize({ width: target, kernel: 'lanczos3', fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: false });
  if (format === 'jpeg') image = image.flatten({ background: '#ffffff' }).jpeg({ ...ENCODERS.jpeg });
  else if (format === 'png') image = image.png({ ...ENCODERS.png });
  else image = image.webp({ ...ENCODERS.webp, lossless: emailFormat(info) === 'png' });
  try {
    const { data, info: out } = await image.toBuffer({ resolveWithObject: true });
    return { bytes: data, width: out.width, height: out.height, format };
  } catch (err) {
    // The header read fine (inspectImage) but the pixels do not: a truncated or corrupt file.
    const why = (err as Error).message.split('\n')[0];
    throw new NotAnImage(`it is a damaged ${info.format.toUpperCase()} file (${why})`);
  }
}

/** The density that draws an SVG `width` pixels wide (its own size is at 72 dpi). */
function svgDensity(info: ImageInfo, width: number): number {
  return Math.min(MAX_SVG_DENSITY, Math.max(72, Math.ceil((72 * width) / info.width)));
}

/**
 * What an encoding depends on besides the source and sharp: the code and settings above, as text,
 * so a cached picture (picture-cache.ts) is never one an older encoder made.
 */
export function encoderRecipe(): string {
  return JSON.stringify([String(encodeImage), String(svgDensity), String(emailFormat), ENCODERS, MAX_SVG_DENSITY]);
}

/** The same for reading what a source is. */
export function inspectRecipe(): string {
  return JSON.stringify([String(inspectImage), SOURCE_FORMATS, MAX_INPUT_PIXELS]);
}
