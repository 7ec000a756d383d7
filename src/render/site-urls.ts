/**
 * Where each issue lives on the web, decided in one place for the email's
 * "View this issue online" link, the web version's canonical address and the
 * pages `enews site` writes. An issue's page is the folder `NNN/` under
 * site.base_url (site/003/index.html, published as <base_url>003/): a folder
 * with an index.html is served by every static host, from a file:// URL with
 * the file name spelled out, and its relative links read the same wherever
 * the site is put.
 */
import type { Newsletter } from '../content/schema.js';
import { padded } from '../content/issue-number.js';

/** The page of issue N inside the site folder, and the way pages link to it. */
export function issuePagePath(number: number): string {
  return `${padded(number)}/index.html`;
}

/** The published address of issue N's page, or null when the newsletter names no site. */
export function issuePageUrl(newsletter: Newsletter, number: number): string | null {
  return newsletter.site ? `${newsletter.site.base_url}${padded(number)}/` : null;
}

/**
 * The link every message carries: archive_url as written (issues already sent used it, so it
 * stays), else the page under site.base_url; null when the newsletter names neither.
 */
export function issueArchiveUrl(newsletter: Newsletter, number: number): string | null {
  if (newsletter.archive_url) return newsletter.archive_url.replace(/\{number\}|%7Bnumber%7D/g, padded(number));
  return issuePageUrl(newsletter, number);
}

/** From an issue's page back to the site's index: the web version's "All issues" link. */
export const INDEX_FROM_ISSUE = '../index.html';
