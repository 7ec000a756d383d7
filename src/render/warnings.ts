/**
 * Things that do not stop a build but that a reviewer should know before
 * approving: Gmail clipping, missing alt text, plain-http links, an empty
 * issue, an item dated after its issue. The checks on the built email
 * (src/checks: accessibility, contrast, dark mode) add theirs to the same
 * list through prepareIssue, some of them errors.
 */
import type { Location } from '../errors.js';
import type { LoadedCatalog, LoadedIssue } from '../content/load.js';
import type { Item, Newsletter } from '../content/schema.js';
import { locate } from '../content/yaml-file.js';

export interface Warning {
  code: string;
  message: string;
  location?: Location;
  /**
   * 'error' for what must be fixed before the issue goes out (an accessibility failure, a brand
   * colour without contrast): `check` exits 1 and `build` writes nothing. Absent: a warning.
   */
  severity?: 'error';
}

/** The findings that stop a build. */
export function errorsOf(findings: Warning[]): Warning[] {
  return findings.filter((w) => w.severity === 'error');
}

/** Gmail clips messages whose HTML is larger than this and hides the rest (including the unsubscribe link). */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export interface WarningInput {
  newsletter: Newsletter;
  newsletterFile: string;
  /** Where logo: is in newsletter.yaml, when known. */
  newsletterLogo?: Location;
  loaded: LoadedIssue;
  catalog: LoadedCatalog;
  items: Item[];
  /** The sample-filled HTML, as a subscriber gets it. */
  html: string;
}

export function collectWarnings(w: WarningInput): Warning[] {
  const out: Warning[] = [];
  const reportedImages = new Set<string>();
  const bytes = Buffer.byteLength(w.html, 'utf8');
  if (bytes > GMAIL_CLIP_BYTES) {
    out.push({
      code: 'gmail-clip',
      message:
        `the HTML is ${(bytes / 1024).toFixed(1)} KB; Gmail clips mail over 102 KB ` +
        `and hides the rest, unsubscribe link included. Shorten summaries or drop an item.`,
    });
  }
  for (const field of ['subject', 'preheader', 'intro'] as const) {
    if (/\bTODO\b/.test(w.loaded.issue[field] ?? '')) {
      out.push({
        code: 'placeholder',
        message: `${field} still holds TODO placeholder text; enews send refuses until it is written`,
        location: locate(w.loaded.src, [field]),
      });
    }
  }
  if (w.items.length === 0) {
    out.push({ code: 'no-items', message: 'the issue has no items', location: locate(w.loaded.src, ['items']) });
  }
  for (const item of w.items) {
    const where = w.catalog.items.get(item.id)?.location;
    if (item.date > w.loaded.issue.date) {
      out.push({
        code: 'item-after-issue',
        message: `item "${item.id}" is dated ${item.date}, after the issue's date ${w.loaded.issue.date}`,
        location: where,
      });
    }
    // alt: "" written in the file says the image is decoration; left out or blank, nobody said what it shows.
    if (item.image?.alt === '') reportedImages.add(item.image.src);
    else if (item.image && !item.image.alt?.trim()) {
      reportedImages.add(item.image.src);
      out.push({
        code: 'image-alt',
        message: `the image of item "${item.id}" has no alt text; screen readers and blocked images need it`,
        location: where,
      });
    }
  }
  if (w.newsletter.logo && !w.newsletter.logo.alt?.trim()) {
    reportedImages.add(w.newsletter.logo.src);
    out.push({
      code: 'image-alt',
      message: 'the logo has no alt text',
      location: w.newsletterLogo ?? { file: w.newsletterFile },
    });
  }
  out.push(...htmlWarnings(w.html, reportedImages));
  return out;
}

/** Checks on the final HTML, so template-authored images and links are covered too. */
function htmlWarnings(html: string, reportedImages: Set<string>): Warning[] {
  const out: Warning[] = [];
  const insecure = new Set<string>();
  for (const m of html.matchAll(/\shref="(http:\/\/[^"]*)"/gi)) insecure.add(m[1]!);
  for (const m of html.matchAll(/\ssrc="(http:\/\/[^"]*)"/gi)) insecure.add(m[1]!);
  for (const url of insecure) {
    out.push({
      code: 'insecure-link',
      message: `link without https: ${url}; use https:// so mail clients do not flag it`,
    });
  }
  let unlabelled = 0;
  for (const m of html.matchAll(/<img\b[^>]*>/gi)) {
    const src = /\ssrc="([^"]*)"/i.exec(m[0])?.[1] ?? '';
    if (!/\salt="[^"]+"/i.test(m[0]) && !reportedImages.has(src)) unlabelled++;
  }
  if (unlabelled > 0) {
    out.push({ code: 'image-alt', message: `${unlabelled} image(s) in the HTML have no alt text` });
  }
  return out;
}
