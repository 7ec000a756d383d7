/**
 * feed.xml (Atom 1.0) and feed.json (JSON Feed 1.1), one entry per issue,
 * newest first, written by the `feed` package. Deterministic: every date is
 * an issue's date, never the clock, so a second run writes the same bytes.
 * An entry's id is its page's address, stable across rebuilds; its content
 * is the summary and a link to the page (the web version itself is a
 * table layout built for mail programs, which feed readers show poorly).
 * Each language of the archive has its own pair, in its folder.
 */
import { Feed } from 'feed';
import type { Newsletter } from '../content/schema.js';
import { escapeHtml } from '../render/slots.js';
import { issuePageUrl, siteIndexUrl } from '../render/site-urls.js';
import type { PublishedVersion } from './collect.js';
import { FEED_ATOM, FEED_JSON } from './pages.js';

/** Midnight UTC of a YYYY-MM-DD date: the day the issue is dated, whatever the machine's zone. */
function dayOf(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

type Entry = Omit<PublishedVersion, 'language' | 'webHtml'> & { number: number; date: string };

/** `newsletter` is localized to the feed's language (its title, its pages under its folder). */
function makeFeed(newsletter: Newsletter, issues: Entry[]): Feed {
  const newest = issues[issues.length - 1]!;
  const baseUrl = siteIndexUrl(newsletter)!;
  const feed = new Feed({
    id: baseUrl,
    title: newsletter.title,
    description: newsletter.description?.trim(),
    link: baseUrl,
    language: newsletter.language,
    updated: dayOf(newest.date),
    generator: 'enews',
    feedLinks: { atom: `${baseUrl}${FEED_ATOM}`, json: `${baseUrl}${FEED_JSON}` },
    author: { name: newsletter.from.name, link: baseUrl },
    ...(newsletter.logo ? { image: newsletter.logo.src } : {}),
  });
  for (const issue of [...issues].reverse()) {
    const url = issuePageUrl(newsletter, issue.number)!;
    feed.addItem({
      id: url,
      link: url,
      // Atom's title is typed html (the package's choice): the subject is text, so it is escaped.
      title: escapeHtml(issue.subject),
      date: dayOf(issue.date),
      published: dayOf(issue.date),
      description: escapeHtml(issue.summary),
      content: `<p>${escapeHtml(issue.summary)}</p>\n<p><a href="${escapeHtml(url)}">${escapeHtml(issue.subject)}</a></p>`,
    });
  }
  return feed;
}

export function atomFeed(newsletter: Newsletter, issues: Entry[]): string {
  return `${makeFeed(newsletter, issues).atom1()}\n`;
}

/**
 * The package writes JSON Feed 1.0; 1.1 is the same document with its version, the feed's
 * language, `authors` in place of the deprecated `author`, and a plain-text title and summary.
 */
export function jsonFeed(newsletter: Newsletter, issues: Entry[]): string {
  const doc = JSON.parse(makeFeed(newsletter, issues).json1()) as Record<string, unknown> & {
    author?: unknown;
    items: Array<Record<string, unknown>>;
  };
  const { author, items, ...rest } = doc;
  const byId = new Map(issues.map((i) => [issuePageUrl(newsletter, i.number)!, i]));
  const feed = {
    ...rest,
    version: 'https://jsonfeed.org/version/1.1',
    language: newsletter.language,
    ...(author ? { authors: [author] } : {}),
    // JSON Feed's title and summary are plain text.
    items: items.map((item) => {
      const issue = byId.get(String(item.id))!;
      return { ...item, title: issue.subject, summary: issue.summary };
    }),
  };
  return `${JSON.stringify(feed, null, 2)}\n`;
}
