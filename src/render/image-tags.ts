/**
 * The `<img>` tags of the rendered HTML, completed for the pictures enews made (src/images): a
 * `height` beside MJML's `width`, so a mail client lays the email out before the picture arrives
 * and Outlook does not stretch it; the CSS keeps `height:auto`, so a narrow screen still scales
 * it. In the web version each also gets its 1×/2× `srcset` and, in a `<picture>`, the same in WebP
 * when that is smaller, which browsers take and mail clients would not (images/encode.ts). A tag whose src enews did not
 * make (a web address in the content, a template's own image) is left exactly as it was.
 */

/** What enews knows of a picture it made, by the URL the HTML names it with. */
export interface ImageTag {
  /** The size it is shown at (1×); the ratio gives the height at any width. */
  width: number;
  height: number;
  /** For the web version: the same format at 1× and 2× ("… 1x, … 2x"). */
  srcset: string;
  /** For the web version: the WebP versions at 1× and 2×; null when WebP is not the smaller. */
  webp: string | null;
}

export type ImageTags = ReadonlyMap<string, ImageTag>;

/** An <img …> tag; attribute values may hold ">" when quoted. */
const IMG = /<img\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;

export function withImageTags(html: string, tags: ImageTags | undefined, web: boolean): string {
  if (!tags || tags.size === 0) return html;
  return html.replace(IMG, (tag) => {
    const src = attr(tag, 'src');
    const known = src === undefined ? undefined : (tags.get(src) ?? tags.get(decodeEntities(src)));
    if (!known) return tag;
    let out = tag;
    const shown = Number(attr(out, 'width') ?? Number.NaN);
    const width = Number.isInteger(shown) && shown > 0 ? shown : known.width;
    if (attr(out, 'width') === undefined) out = addAttr(out, 'width', String(width));
    const height = String(Math.max(1, Math.round((width * known.height) / known.width)));
    const current = attr(out, 'height');
    if (current === undefined) out = addAttr(out, 'height', height);
    else if (current === 'auto') out = out.replace(/\sheight="auto"/i, ` height="${height}"`);
    if (!web) return out;
    if (attr(out, 'srcset') === undefined) out = addAttr(out, 'srcset', known.srcset);
    if (known.webp === null) return out;
    return `<picture><source type="image/webp" srcset="${known.webp}">${out}</picture>`;
  });
}

function attr(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`, 'i').exec(tag)?.[1];
}

/** The attribute goes right after `<img`, where it cannot land inside another attribute's value. */
function addAttr(tag: string, name: string, value: string): string {
  return tag.replace(/^<img\b/i, `<img ${name}="${value}"`);
}

/** Handlebars escapes = and ' in attribute values; the URLs enews makes are compared unescaped. */
function decodeEntities(s: string): string {
  return s.replace(/&(?:amp|#x3D|#x27|quot|#39|#61);/g, (e) =>
    e === '&amp;' ? '&' : e === '&quot;' ? '"' : e === '&#x27;' || e === '&#39;' ? "'" : '=',
  );
}
