/**
 * The issue's pictures where the content names them: each use at the line of its `src:` (for check
 * and build to point at), and the content with every local picture's path replaced by the address
 * it is published at, so the email, its checks and the web version all see what subscribers get.
 * Also the other way round, for pages that must show the pictures without the network (the preview,
 * a review page): each published address in an HTML replaced by a local one.
 */
import { isWebAddress } from '../content/image-src.js';
import { catalogEntrySource, type LoadedCatalog, type LoadedIssue, type LoadedNewsletter } from '../content/load.js';
import type { Item, LocalItem, Newsletter } from '../content/schema.js';
import { locate } from '../content/yaml-file.js';
import { issueImageSrcs } from './local-image.js';
import { type ImageAsset, type ImageUse, type PublishedImages, shownWidth, useKey } from './publish.js';

/** Every picture issue `loaded` shows, each at the line that names it. */
export function imageUses(nl: LoadedNewsletter, loaded: LoadedIssue, catalog: LoadedCatalog): ImageUse[] {
  const items = new Map<string, Item | undefined>([...catalog.items].map(([id, c]) => [id, c.item]));
  return issueImageSrcs(nl.newsletter, loaded.issue, items).map((use): ImageUse => {
    if (use.role !== 'item') {
      return { ...use, location: locate(nl.src, ['logo', use.role === 'logo' ? 'src' : 'dark_src']) };
    }
    const ref = loaded.issue.items[use.index!];
    if (typeof ref === 'object' && ref.image) {
      return { ...use, location: locate(loaded.src, ['items', use.index!, 'image', 'src']) };
    }
    const entry = catalogEntrySource(catalog, use.item!);
    const location = entry
      ? locate(entry.src, [...entry.at, 'image', 'src'])
      : (catalog.items.get(use.item!)?.location ?? { file: loaded.input.file });
    return { ...use, location };
  });
}

/** `content` (one language's newsletter and items) with each local picture at its published address. */
export function withPublishedImages<T extends { newsletter: Newsletter; items: LocalItem[] }>(
  content: T,
  published: PublishedImages,
): T {
  const url = (src: string, width: number) =>
    isWebAddress(src) ? src : (published.images.get(useKey(src, width))?.email.url ?? src);
  const { logo } = content.newsletter;
  const logoWidth = shownWidth({ src: '', role: 'logo', ...(logo?.width ? { width: logo.width } : {}) });
  const newsletter: Newsletter = logo
    ? {
        ...content.newsletter,
        logo: {
          ...logo,
          src: url(logo.src, logoWidth),
          ...(logo.dark_src ? { dark_src: url(logo.dark_src, logoWidth) } : {}),
        },
      }
    : content.newsletter;
  const items = content.items.map((item) => {
    if (!item.image) return item;
    const width = shownWidth({ src: '', role: 'item', ...(item.image.width ? { width: item.image.width } : {}) });
    return { ...item, image: { ...item.image, src: url(item.image.src, width) } };
  });
  return { ...content, newsletter, items };
}

/**
 * `html` with every published picture's address replaced by `local(asset)`: a route of the preview,
 * or a data: URL for a page that must work offline. Addresses of other pictures stay as they are.
 */
export function localImageUrls(
  html: string,
  assets: ReadonlyMap<string, ImageAsset>,
  local: (asset: ImageAsset) => string,
): string {
  if (assets.size === 0) return html;
  const byUrl = new Map([...assets.values()].map((a) => [a.url, a]));
  // Every address enews makes ends in its content hash and a known extension, so this finds them whole.
  const pattern = new RegExp(`(?:${[...byUrl.keys()].map(escapeRegExp).join('|')})(?![\\w.-])`, 'g');
  return html.replace(pattern, (url) => local(byUrl.get(url)!));
}

/** `html` with every published picture inlined as a data: URL: for a page made without the network (screenshots). */
export function withInlineImages(html: string, assets: ReadonlyMap<string, ImageAsset>): string {
  return localImageUrls(html, assets, dataUrl);
}

/**
 * Each published picture's address and its bytes as a data: URL, for a page that must show them without the
 * network and holds several copies of the email (review.html: each picture once, not once per language and view).
 */
export function inlinePictures(assets: ReadonlyMap<string, ImageAsset>): Record<string, string> {
  return Object.fromEntries([...assets.values()].map((a) => [a.url, dataUrl(a)]));
}

function dataUrl(a: ImageAsset): string {
  return `data:${mimeType(a.path)};base64,${a.bytes.toString('base64')}`;
}

function mimeType(file: string): string {
  if (file.endsWith('.png')) return 'image/png';
  return file.endsWith('.webp') ? 'image/webp' : 'image/jpeg';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
