/**
 * What the archive templates see, as plain data. Every link between pages is
 * relative and names its index.html (003/index.html, ../index.html), so the
 * archive works from a folder, a file:// URL or any web server; only the
 * canonical and card addresses are absolute, as they must be.
 */
import type { Newsletter } from '../content/schema.js';
import { padded } from '../content/issue-number.js';
import { formatLongDate } from '../util/dates.js';
import { issuePagePath, issuePageUrl } from '../render/site-urls.js';
import { pageMeta, type PageMeta } from '../render/web-meta.js';
import type { PublishedIssue } from './collect.js';

export const FEED_ATOM = 'feed.xml';
export const FEED_JSON = 'feed.json';

export interface SiteView {
  title: string;
  description: string | null;
  language: string;
  url: string;
  subscribe_url: string | null;
  logo: { src: string; alt: string; width: number | null } | null;
  brand: { color: string; text_color: string };
  postal_address_lines: string[];
  feed_atom: string;
  feed_json: string;
}

export interface IssueEntry {
  number: number;
  number_padded: string;
  date: string;
  date_long: string;
  subject: string;
  preheader: string | null;
  summary: string;
  /** Relative to the page that shows the entry. */
  url: string;
  page_url: string;
}

export function siteView(newsletter: Newsletter, baseUrl: string): SiteView {
  const logo = newsletter.logo;
  return {
    title: newsletter.title,
    description: newsletter.description?.trim() ?? null,
    language: newsletter.language,
    url: baseUrl,
    subscribe_url: newsletter.site?.subscribe_url ?? null,
    logo: logo ? { src: logo.src, alt: logo.alt ?? newsletter.title, width: logo.width ?? null } : null,
    brand: newsletter.brand,
    postal_address_lines: newsletter.postal_address.trim().split(/\r?\n/),
    feed_atom: FEED_ATOM,
    feed_json: FEED_JSON,
  };
}

/** `root` leads from the page that shows the entry to the site's folder: '' on the index, '../' on an issue. */
export function issueEntry(newsletter: Newsletter, issue: PublishedIssue, root: string): IssueEntry {
  return {
    number: issue.number,
    number_padded: padded(issue.number),
    date: issue.date,
    date_long: formatLongDate(issue.date),
    subject: issue.subject,
    preheader: issue.preheader,
    summary: issue.summary,
    url: `${root}${issuePagePath(issue.number)}`,
    page_url: issuePageUrl(newsletter, issue.number)!,
  };
}

/** index.html: the issues newest first. */
export function indexData(newsletter: Newsletter, site: SiteView, issues: PublishedIssue[]) {
  return {
    site,
    root: '',
    issues: [...issues].reverse().map((i) => issueEntry(newsletter, i, '')),
  };
}

/** NNN/index.html: the chrome around the web version, with the issues before and after it. */
export function issueData(newsletter: Newsletter, site: SiteView, issues: PublishedIssue[], at: number) {
  const issue = issues[at]!;
  const neighbour = (i: number) => (issues[i] ? issueEntry(newsletter, issues[i]!, '../') : null);
  const meta: PageMeta = pageMeta(newsletter, issue);
  return {
    site,
    root: '../',
    page: meta,
    issue: issueEntry(newsletter, issue, '../'),
    web: webParts(issue.webHtml),
    older: neighbour(at - 1),
    newer: neighbour(at + 1),
  };
}

/**
 * The parts of the built web version the issue page shows: its styles (the
 * email's responsive CSS, without the Outlook-only conditional blocks) and its
 * body, byte for byte as built and reviewed.
 */
export function webParts(html: string): { styles: string; body: string } {
  const head = /<head>([\s\S]*?)<\/head>/.exec(html)?.[1] ?? '';
  const styles = head.replace(/<!--\[if[\s\S]*?<!\[endif\]-->/g, '').match(/<style\b[^>]*>[\s\S]*?<\/style>/g);
  const body = /<body\b[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
  return { styles: (styles ?? []).join('\n'), body: body.trim() };
}
