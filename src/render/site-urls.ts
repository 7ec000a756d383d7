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
import { newsletterLanguages } from '../content/languages.js';

/**
 * Where a language's version lives, relative to the default language's: '' for the default
 * (dist/003/email.html, site/003/index.html), `fr/` for French (dist/003/fr/,
 * site/fr/003/index.html). One rule for the build folder, the archive and every link.
 */
export function languageFolder(language: string, defaultLanguage: string): string {
  return language === defaultLanguage ? '' : `${language}/`;
}

/** The folder of the language `newsletter` is localized to (content/newsletter-languages.ts). */
function folderOf(newsletter: Newsletter): string {
  return languageFolder(newsletter.language, newsletterLanguages(newsletter)[0]!);
}

/** The page of issue N inside its language's folder of the site, and the way pages link to it. */
export function issuePagePath(number: number): string {
  return `${padded(number)}/index.html`;
}

/** The published address of issue N's page in the newsletter's language, or null when it names no site. */
export function issuePageUrl(newsletter: Newsletter, number: number): string | null {
  return newsletter.site ? `${newsletter.site.base_url}${folderOf(newsletter)}${padded(number)}/` : null;
}

/** The published address of a language's index page (the site's address for the default language). */
export function siteIndexUrl(newsletter: Newsletter): string | null {
  return newsletter.site ? `${newsletter.site.base_url}${folderOf(newsletter)}` : null;
}

/**
 * The link every message carries: archive_url as written (issues already sent used it, so it
 * stays), else the page under site.base_url; null when the newsletter names neither. Another
 * language links to its own page under site.base_url; without one, to archive_url's page.
 */
export function issueArchiveUrl(newsletter: Newsletter, number: number): string | null {
  const own = folderOf(newsletter) === '' ? null : issuePageUrl(newsletter, number);
  if (own) return own;
  if (newsletter.archive_url) return newsletter.archive_url.replace(/\{number\}|%7Bnumber%7D/g, padded(number));
  return issuePageUrl(newsletter, number);
}

/** From an issue's page back to the site's index: the web version's "All issues" link. */
export const INDEX_FROM_ISSUE = '../index.html';
