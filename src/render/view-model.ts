/**
 * What templates see. Built once per issue from validated content; every
 * optional field is present (as null) so templates can run in Handlebars'
 * strict mode, where a typo'd field name is an error instead of a blank.
 */
import type { Issue, Item, Newsletter } from '../content/schema.js';
import { padded } from '../content/issue-number.js';
import { formatLongDate } from '../util/dates.js';
import { markdownToHtml, markdownToText } from './markdown.js';
import { issueArchiveUrl } from './site-urls.js';

export interface ItemView {
  id: string;
  type: string;
  type_slug: string;
  partial: string;
  title: string;
  date: string;
  date_long: string;
  summary: string;
  url: string;
  image: { src: string; alt: string; width: number | null } | null;
  first: boolean;
  last: boolean;
}

export interface ViewModel {
  newsletter: {
    title: string;
    description: string | null;
    language: string;
    from_name: string;
    postal_address: string;
    postal_address_lines: string[];
    why_you_get_this: string;
    /** dark_src: a version of the logo drawn for dark backgrounds (dark mode), or null. */
    logo: { src: string; alt: string; width: number | null; dark_src: string | null } | null;
    brand: { color: string; text_color: string };
  };
  issue: {
    number: number;
    number_padded: string;
    date: string;
    date_long: string;
    intro_html: string;
    intro_text: string;
    view_online_url: string | null;
  };
  subject: string;
  preheader: string | null;
  items: ItemView[];
  /** Set only for the web version (see web-version.ts), so templates can tell it from the email. */
  web: WebView | null;
}

/** The web version's own links, in place of the personal unsubscribe and "View this issue online". */
export interface WebView {
  /** The site's index, relative to the issue's page. */
  archive_url: string;
  subscribe_url: string | null;
  /** The page's published address, or null when the newsletter names no site. */
  page_url: string | null;
}

export function typeSlug(type: string): string {
  return type
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function defaultSubject(newsletter: Newsletter, issue: Issue): string {
  return issue.subject ?? `${newsletter.title} No. ${issue.number}`;
}

export function buildViewModel(
  newsletter: Newsletter,
  issue: Issue,
  items: Item[],
  web: WebView | null = null,
): ViewModel {
  const image = (i: Item['image']) => (i ? { src: i.src, alt: i.alt ?? '', width: i.width ?? null } : null);
  return {
    newsletter: {
      title: newsletter.title,
      description: newsletter.description ?? null,
      language: newsletter.language,
      from_name: newsletter.from.name,
      postal_address: newsletter.postal_address.trim(),
      postal_address_lines: newsletter.postal_address.trim().split(/\r?\n/),
      why_you_get_this: newsletter.why_you_get_this.trim(),
      logo: newsletter.logo ? { ...image(newsletter.logo)!, dark_src: newsletter.logo.dark_src ?? null } : null,
      brand: newsletter.brand,
    },
    issue: {
      number: issue.number,
      number_padded: padded(issue.number),
      date: issue.date,
      date_long: formatLongDate(issue.date),
      intro_html: markdownToHtml(issue.intro),
      intro_text: markdownToText(issue.intro),
      view_online_url: issueArchiveUrl(newsletter, issue.number),
    },
    subject: defaultSubject(newsletter, issue),
    preheader: issue.preheader ?? null,
    items: items.map((item, i) => ({
      id: item.id,
      type: item.type,
      type_slug: typeSlug(item.type),
      partial: `item-${typeSlug(item.type)}`,
      title: item.title,
      date: item.date,
      date_long: formatLongDate(item.date),
      summary: item.summary.trim(),
      url: item.url,
      image: image(item.image),
      first: i === 0,
      last: i === items.length - 1,
    })),
    web,
  };
}
