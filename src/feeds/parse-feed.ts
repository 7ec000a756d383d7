/**
 * A feed's text as entries in one shape, whatever the format: RSS 2.0 (and 1.0), Atom 1.0 or JSON
 * Feed 1.1, read by feedsmith. Before it parses, the format is recognised (a web page is named as
 * such, with the feeds it links to), and XML is checked for what feedsmith would read silently or
 * refuse without a place (xml-check.ts): every refusal names the line and column. What an entry
 * holds is a stranger's text: titles and summaries go through html-text.ts, addresses must be
 * http(s), and nothing else of the entry is kept.
 */
import {
  type AtomFeed,
  type JsonFeed,
  detectAtomFeed,
  detectJsonFeed,
  detectRdfFeed,
  detectRssFeed,
  parseAtomFeed,
  parseJsonFeed,
  parseRdfFeed,
  parseRssFeed,
} from 'feedsmith';
import { Parser } from 'htmlparser2';
import { parseDocument } from 'yaml';
import { EnewsError, type Location } from '../errors.js';
import { entryDate } from './entry-date.js';
import { htmlLine, htmlSummary } from './html-text.js';
import { position, xmlProblem } from './xml-check.js';

export const FORMATS = { rss: 'RSS 2.0', rdf: 'RSS 1.0', atom: 'Atom 1.0', json: 'JSON Feed' } as const;
export type FeedFormat = (typeof FORMATS)[keyof typeof FORMATS];

/** Longest title and summary the catalog gets from a feed; a summary is cut at a sentence within it. */
export const TITLE_MAX = 300;
export const SUMMARY_MAX = 400;

export interface FeedEntry {
  /** Its place in the feed (1 = first), for messages about an entry without a title. */
  position: number;
  /** The entry's own id (RSS guid, Atom id, JSON Feed id), when it has one. */
  guid: string | null;
  /** Its page, absolute (http or https); null when it has none (such an entry is skipped). */
  link: string | null;
  title: string;
  /** YYYY-MM-DD as the feed dates it; null when it has none that can be read. */
  date: string | null;
  /** What the feed wrote as the date, for messages. */
  rawDate: string | null;
  summary: string;
  categories: string[];
  image: { src: string; alt?: string } | null;
  /** Pages of the same entry in other languages (Atom's link rel="alternate" hreflang="fr"). */
  alternates: Record<string, string>;
}

export interface ParsedFeed {
  format: FeedFormat;
  entries: FeedEntry[];
}

/** Reads `text`, the feed at `where` (an address or a file, for messages); `base` resolves relative links. */
export function parseFeedText(text: string, where: string, base: string | null): ParsedFeed {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJson(text, where, base);
  const format = detectRssFeed(text) ? 'rss' : detectAtomFeed(text) ? 'atom' : detectRdfFeed(text) ? 'rdf' : null;
  if (!format) throw notAFeed(text, where, base);
  const problem = xmlProblem(text);
  if (problem) {
    throw new EnewsError('feed-malformed', `${where} is not well-formed XML, so enews reads nothing of it:`, {
      problems: [
        {
          message: problem.message,
          location: { file: where, line: problem.line, column: problem.column },
          ...(problem.hint ? { hint: problem.hint } : {}),
        },
      ],
    });
  }
  try {
    if (format === 'rss') return { format: FORMATS.rss, entries: rssEntries(parseRssFeed(text).items ?? [], base) };
    if (format === 'rdf') return { format: FORMATS.rdf, entries: rssEntries(parseRdfFeed(text).items ?? [], base) };
    return { format: FORMATS.atom, entries: atomEntries(parseAtomFeed(text).entries ?? [], base) };
  } catch (err) {
    throw unreadable(where, FORMATS[format], err);
  }
}

function parseJson(text: string, where: string, base: string | null): ParsedFeed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // JSON.parse names a position at best; YAML, a superset of JSON, finds most other mistakes.
    const at = /at position (\d+)/.exec((err as Error).message)?.[1];
    const yamlError = at === undefined ? parseDocument(text).errors[0] : undefined;
    const location: Location =
      at !== undefined
        ? { file: where, ...position(text, Number(at)) }
        : yamlError?.linePos
          ? { file: where, line: yamlError.linePos[0].line, column: yamlError.linePos[0].col }
          : { file: where };
    throw new EnewsError('feed-malformed', `${where} is not valid JSON, so enews reads nothing of it:`, {
      problems: [
        { message: (err as Error).message.split('\n')[0]!.replace(/ in JSON at position \d+.*$/, ''), location },
      ],
    });
  }
  if (!detectJsonFeed(value)) throw notAFeed(text, where, base);
  try {
    return { format: FORMATS.json, entries: jsonEntries(parseJsonFeed(value).items ?? [], base) };
  } catch (err) {
    throw unreadable(where, FORMATS.json, err);
  }
}

function unreadable(where: string, format: FeedFormat, err: unknown): EnewsError {
  const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
  return new EnewsError('feed-malformed', `${where} looks like ${format} but cannot be read: ${cause}`, {
    problems: [{ message: 'Open it in a browser or a feed validator (validator.w3.org/feed) to see what is wrong.' }],
  });
}

/** Not a feed; a web page is said to be one, with the feeds it announces (<link rel="alternate">). */
function notAFeed(text: string, where: string, base: string | null): EnewsError {
  const page = /<html[\s>]|<!doctype html/i.test(text.slice(0, 4096));
  const links: string[] = [];
  if (page) {
    const parser = new Parser({
      onopentag(name, attrs) {
        const type = attrs.type ?? '';
        if (name !== 'link' || !/\balternate\b/i.test(attrs.rel ?? '') || !attrs.href) return;
        if (!/^application\/(rss\+xml|atom\+xml|feed\+json)$/i.test(type)) return;
        const href = absolute(attrs.href, base);
        if (href && !links.includes(href)) links.push(href);
      },
    });
    parser.write(text.slice(0, 256 * 1024));
    parser.end();
  }
  const what = page ? 'a web page (HTML), not a feed' : 'not a feed: neither RSS, Atom nor JSON Feed';
  return new EnewsError('not-a-feed', `${where} is ${what}.`, {
    problems: [
      {
        message: links.length
          ? `The page names its feed${links.length > 1 ? 's' : ''}: ${links.join(', ')}`
          : 'Give the address of the website’s feed (often …/feed/, …/rss.xml or …/atom.xml).',
      },
    ],
  });
}

/** An http(s) address, resolved against `base` when relative; null otherwise. */
function absolute(href: unknown, base: string | null): string | null {
  if (typeof href !== 'string' || href.trim() === '') return null;
  try {
    const url = base ? new URL(href.trim(), base) : new URL(href.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

type Media = {
  contents?: Array<{ url?: string; type?: string; medium?: string; description?: { value?: string } }>;
  thumbnails?: Array<{ url?: string }>;
  groups?: Array<{ contents?: Media['contents'] }>;
};

/** The entry's picture: an image enclosure, media:content or media:thumbnail. */
function mediaImage(media: Media | undefined, enclosures: Array<{ url?: string; type?: string }>, base: string | null) {
  const isImage = (c: { type?: string; medium?: string }) => c.medium === 'image' || /^image\//i.test(c.type ?? '');
  const contents = [...(media?.contents ?? []), ...(media?.groups ?? []).flatMap((g) => g.contents ?? [])];
  const content = contents.find((c) => isImage(c) && absolute(c.url, base));
  if (content) {
    const alt = str(content.description?.value);
    return { src: absolute(content.url, base)!, ...(alt ? { alt: htmlLine(alt, TITLE_MAX) } : {}) };
  }
  const enclosure = enclosures.find((e) => isImage(e) && absolute(e.url, base));
  if (enclosure) return { src: absolute(enclosure.url, base)! };
  const thumbnail = media?.thumbnails?.find((t) => absolute(t.url, base));
  return thumbnail ? { src: absolute(thumbnail.url, base)! } : null;
}

function entry(
  position: number,
  fields: Omit<FeedEntry, 'position' | 'title' | 'summary' | 'date' | 'rawDate'> & {
    title: string | null;
    summary: string | null;
    rawDate: string | null;
  },
): FeedEntry {
  return {
    position,
    ...fields,
    title: fields.title ? htmlLine(fields.title, TITLE_MAX) : '',
    summary: fields.summary ? htmlSummary(fields.summary, SUMMARY_MAX) : '',
    date: fields.rawDate ? entryDate(fields.rawDate) : null,
  };
}

/** What enews reads of an RSS 2.0 or 1.0 item (feedsmith's RssFeed.Item and RdfFeed.Item both have it). */
interface RssItem {
  title?: string;
  link?: string;
  description?: string;
  guid?: { value?: string; isPermaLink?: boolean };
  pubDate?: string;
  categories?: Array<{ name?: string }>;
  enclosures?: Array<{ url?: string; type?: string }>;
  content?: { encoded?: string };
  dc?: { titles?: string[]; descriptions?: string[]; dates?: string[]; subjects?: string[] };
  media?: unknown;
}

function rssEntries(items: RssItem[], base: string | null): FeedEntry[] {
  return items.map((item, i) =>
    entry(i + 1, {
      guid: str(item.guid?.value),
      link: absolute(item.link, base) ?? (item.guid?.isPermaLink !== false ? absolute(item.guid?.value, base) : null),
      title: str(item.title) ?? str(item.dc?.titles?.[0]),
      summary: str(item.description) ?? str(item.content?.encoded) ?? str(item.dc?.descriptions?.[0]),
      rawDate: str(item.pubDate) ?? str(item.dc?.dates?.[0]),
      categories: [...(item.categories ?? []).map((c) => c.name), ...(item.dc?.subjects ?? [])].flatMap((c) => {
        const name = str(c);
        return name ? [name] : [];
      }),
      image: mediaImage(item.media as Media | undefined, item.enclosures ?? [], base),
      alternates: {},
    }),
  );
}

type AtomEntry = AtomFeed.Entry<string>;

function atomEntries(entries: AtomEntry[], base: string | null): FeedEntry[] {
  return entries.map((e, i) => {
    const links = e.links ?? [];
    const page = links.find((l) => (l.rel ?? 'alternate') === 'alternate' && !l.hreflang) ?? links.find((l) => !l.rel);
    const alternates: Record<string, string> = {};
    for (const l of links) {
      const href = absolute(l.href, base);
      if (l.rel === 'alternate' && l.hreflang && href) alternates[l.hreflang] = href;
    }
    // Atom's text constructs are text unless type="html" or "xhtml"; text may hold "<" that is not markup.
    const asHtml = (t: { value?: string; type?: string } | undefined) =>
      t?.value === undefined ? null : t.type === 'html' || t.type === 'xhtml' ? t.value : asHtmlText(t.value);
    return entry(i + 1, {
      guid: str(e.id),
      link: absolute(page?.href, base) ?? absolute(links[0]?.href, base),
      title: str(asHtml(e.title)),
      summary: str(asHtml(e.summary)) ?? str(asHtml(e.content)),
      rawDate: str(e.published) ?? str(e.updated),
      categories: (e.categories ?? []).flatMap((c) => [str(c.label), str(c.term)].filter((x): x is string => !!x)),
      image: mediaImage(
        e.media as Media | undefined,
        links.filter((l) => l.rel === 'enclosure').map((l) => ({ url: l.href, type: l.type })),
        base,
      ),
      alternates,
    });
  });
}

type JsonItem = JsonFeed.Item<string>;

function jsonEntries(items: JsonItem[], base: string | null): FeedEntry[] {
  return items.map((item, i) => {
    const image = absolute(item.image, base) ?? absolute(item.banner_image, base);
    return entry(i + 1, {
      guid: str(item.id),
      link: absolute(item.url, base) ?? absolute(item.external_url, base),
      title: str(item.title) === null ? null : asHtmlText(item.title!),
      summary:
        (str(item.summary) && asHtmlText(item.summary!)) ??
        str(item.content_html) ??
        str(escapeOrNull(item.content_text)),
      rawDate: str(item.date_published) ?? str(item.date_modified),
      categories: (item.tags ?? []).flatMap((t) => (str(t) ? [str(t)!] : [])),
      image: image ? { src: image } : null,
      alternates: {},
    });
  });
}

function escapeOrNull(s: string | undefined): string | null {
  return s === undefined ? null : asHtmlText(s);
}

/** Plain text as HTML, so one reader (html-text.ts) handles both. */
function asHtmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
