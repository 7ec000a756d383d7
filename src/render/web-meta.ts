/**
 * What a web page of an issue says about itself (title, description, address,
 * image), for search engines and for the cards that social sites and chat
 * programs show for a shared link. One set of values for the web version
 * (web.html) and the archive's pages, so both describe the issue the same
 * way. Nothing here loads MJML: `enews site` uses it too.
 */
import type { Newsletter } from '../content/schema.js';
import { escapeHtml } from './slots.js';
import { issuePageUrl } from './site-urls.js';

export interface PageMeta {
  title: string;
  description: string;
  /** The canonical address; null when the newsletter names no site. */
  url: string | null;
  image: { src: string; alt: string } | null;
  site_name: string;
  language: string;
  /** YYYY-MM-DD */
  date: string;
}

/** Search engines show about 160 characters; a longer description is cut at a word. */
const DESCRIPTION_MAX = 200;

export function pageMeta(
  newsletter: Newsletter,
  issue: { number: number; date: string; subject: string; preheader: string | null; summary: string },
): PageMeta {
  return {
    title: issue.subject,
    description: shorten(issue.preheader ?? issue.summary, DESCRIPTION_MAX),
    url: issuePageUrl(newsletter, issue.number),
    image: newsletter.logo ? { src: newsletter.logo.src, alt: newsletter.logo.alt ?? newsletter.title } : null,
    site_name: newsletter.title,
    language: newsletter.language,
    date: issue.date,
  };
}

/** The <head> lines of the web version: description, canonical address, Open Graph and Twitter card. */
export function metaTags(m: PageMeta): string {
  const tag = (attr: 'name' | 'property', key: string, value: string) =>
    `<meta ${attr}="${key}" content="${escapeHtml(value)}">`;
  return [
    tag('name', 'description', m.description),
    ...(m.url ? [`<link rel="canonical" href="${escapeHtml(m.url)}">`] : []),
    tag('property', 'og:type', 'article'),
    tag('property', 'og:site_name', m.site_name),
    tag('property', 'og:title', m.title),
    tag('property', 'og:description', m.description),
    ...(m.url ? [tag('property', 'og:url', m.url)] : []),
    ...(m.image ? [tag('property', 'og:image', m.image.src), tag('property', 'og:image:alt', m.image.alt)] : []),
    tag('property', 'article:published_time', m.date),
    tag('name', 'twitter:card', 'summary'),
    tag('name', 'twitter:title', m.title),
    tag('name', 'twitter:description', m.description),
    ...(m.image ? [tag('name', 'twitter:image', m.image.src)] : []),
  ]
    .map((l) => `    ${l}\n`)
    .join('');
}

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}…`;
}
