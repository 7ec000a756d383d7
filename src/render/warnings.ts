/**
 * Things that do not stop a build but that a reviewer should know before
 * approving: Gmail clipping, missing alt text, an empty issue, an item dated
 * after its issue. The checks on the built email (src/checks: plain-http
 * links, accessibility, contrast, dark mode) add theirs to the same list
 * through prepareIssue, some of them errors.
 */
import type { Location, Warning } from '../errors.js';
import type { LoadedCatalog, LoadedIssue } from '../content/load.js';
import type { Item, Newsletter, Translatable } from '../content/schema.js';
import { canonicalLanguage, newsletterLanguages, textDirection } from '../content/languages.js';
import { locate } from '../content/yaml-file.js';
import { aligned } from '../util/domain-alignment.js';
import { domainOf } from '../util/email-address.js';
import { TODO } from '../content/placeholders.js';

/** Gmail clips messages whose HTML is larger than this and hides the rest (including the unsubscribe link). */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export interface WarningInput {
  newsletter: Newsletter;
  newsletterFile: string;
  /** Where logo: is in newsletter.yaml, when known. */
  newsletterLogo?: Location;
  /** Where the envelope sender comes from in newsletter.yaml (bounce_address, else from.address). */
  newsletterBounce?: Location;
  loaded: LoadedIssue;
  catalog: LoadedCatalog;
  /** The items in the email's language (the newsletter's language: it is localized to it). */
  items: Item[];
  /** The sample-filled HTML, as a subscriber gets it. */
  html: string;
}

/** A text of the issue file in `language`, and its key path (the language's own line when it has one). */
function textIn(value: Translatable | undefined, language: string, defaultLanguage: string) {
  if (value === undefined || typeof value === 'string') return { text: value ?? '', key: [] as string[] };
  const key =
    Object.keys(value).find((k) => canonicalLanguage(k) === language) ??
    Object.keys(value).find((k) => canonicalLanguage(k) === defaultLanguage);
  return key === undefined ? { text: '', key: [] } : { text: value[key]!, key: [key] };
}

export function collectWarnings(w: WarningInput): Warning[] {
  const out: Warning[] = [];
  const unaligned = bounceAlignment(w.newsletter);
  if (unaligned)
    out.push({
      code: 'bounce-unaligned',
      message: unaligned,
      ...(w.newsletterBounce ? { location: w.newsletterBounce } : {}),
    });
  const bytes = Buffer.byteLength(w.html, 'utf8');
  if (bytes > GMAIL_CLIP_BYTES) {
    out.push({
      code: 'gmail-clip',
      message:
        `the HTML is ${(bytes / 1024).toFixed(1)} KB; Gmail clips mail over 102 KB ` +
        `and hides the rest, unsubscribe link included. Shorten summaries or drop an item.`,
    });
  }
  const language = w.newsletter.language;
  const defaultLanguage = newsletterLanguages(w.newsletter)[0]!;
  for (const field of ['subject', 'preheader', 'intro'] as const) {
    const { text, key } = textIn(w.loaded.issue[field], language, defaultLanguage);
    if (TODO.test(text)) {
      out.push({
        code: 'placeholder',
        message: `${field} still holds TODO placeholder text; enews send refuses until it is written`,
        location: locate(w.loaded.src, [field, ...key]),
      });
    }
  }
  out.push(...directionWarnings(w.html, language));
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
    const alt = item.image ? textIn(item.image.alt, language, defaultLanguage).text : undefined;
    if (item.image && !(item.image.alt !== undefined && alt === '') && !alt?.trim()) {
      out.push({
        code: 'image-alt',
        message: `the image of item "${item.id}" has no alt text; screen readers and blocked images need it`,
        location: where,
      });
    }
  }
  if (w.newsletter.logo && !w.newsletter.logo.alt?.trim()) {
    out.push({
      code: 'image-alt',
      message: 'the logo has no alt text',
      location: w.newsletterLogo ?? { file: w.newsletterFile },
    });
  }
  return out;
}

/**
 * A right-to-left language needs dir="rtl" on <html>: enews sets it when the template leaves the
 * direction to MJML (render-issue.ts), so only a template that says ltr or auto outright gets here.
 */
function directionWarnings(html: string, language: string): Warning[] {
  if (textDirection(language) !== 'rtl') return [];
  const dir = /<html\b[^>]*\sdir="([^"]*)"/i.exec(html)?.[1];
  if (dir === 'rtl') return [];
  return [
    {
      code: 'language-direction',
      severity: 'error',
      message:
        `the email is in a right-to-left language (${language}) but its <html> says dir="${dir ?? ''}": ` +
        'write <mjml lang="{{newsletter.language}}"> without dir, or dir="{{language.dir}}"',
    },
  ];
}

/**
 * The envelope sender (where returns go) in a domain unrelated to From's fails DMARC's SPF alignment for every
 * message, and SpamAssassin scores it (HEADER_FROM_DIFFERENT_DOMAINS). Relaxed alignment as util/domain-alignment.ts
 * tells it.
 */
export function bounceAlignment(n: Newsletter): string | null {
  if (!n.bounce_address) return null;
  const from = domainOf(n.from.address).toLowerCase();
  const bounce = domainOf(n.bounce_address).toLowerCase();
  if (aligned(bounce, from)) return null;
  return (
    `bounce_address is at ${bounce}, which is not ${from} (the From address's domain) or a subdomain of it: ` +
    `receivers' DMARC checks find the return path unaligned, and spam filters score it; use an address at ${from} ` +
    `or a subdomain such as bounces.${from}`
  );
}
