/**
 * What the archive templates see, as plain data, for one language of the archive: the default
 * language's pages at the top of the site (index.html, 003/index.html), every other language's
 * in its folder (fr/index.html, fr/003/index.html). Every link between pages is relative and names
 * its index.html (003/index.html, ../index.html), so the archive works from a folder, a file:// URL
 * or any web server; only the canonical, card and hreflang addresses are absolute, as they must be.
 */
import type { Newsletter } from '../content/schema.js';
import { padded } from '../content/issue-number.js';
import { signupPageUrl } from '../content/subscribe-schema.js';
import { nativeLanguageName, newsletterLanguages, textDirection } from '../content/languages.js';
import { signupFields } from '../serve/signup-pages.js';
import { formatLongDate } from '../util/dates.js';
import { issuePagePath, issuePageUrl, siteIndexUrl } from '../render/site-urls.js';
import { TRANSLATOR, type Translator } from '../render/strings.js';
import { pageMeta, type PageMeta } from '../render/web-meta.js';
import type { PublishedIssue, PublishedVersion } from './collect.js';

export const FEED_ATOM = 'feed.xml';
export const FEED_JSON = 'feed.json';

export interface SiteView {
  title: string;
  description: string | null;
  language: string;
  /** ltr or rtl, for <html dir>. */
  dir: 'ltr' | 'rtl';
  rtl: boolean;
  url: string;
  subscribe_url: string | null;
  /** height: known for a logo enews made from a file of the project (images/publish.ts). */
  logo: { src: string; alt: string; width: number | null; height: number | null } | null;
  brand: { color: string; text_color: string };
  postal_address_lines: string[];
  feed_atom: string;
  feed_json: string;
  /** The sign-up form (newsletter.yaml's subscribe.on_site), or null: its words, and its fields as HTML. */
  signup: { title: string; intro: string; action: string; fields: string } | null;
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

/**
 * The same page in another language, for <link rel="alternate" hreflang> (absolute, as search
 * engines want it) and the visible list of languages (relative, like every link of the site).
 */
export interface LanguageLink {
  code: string;
  /** The language's name in itself: Français, Español. */
  name: string;
  url: string;
  href: string;
  current: boolean;
}

/** One language of the archive: its newsletter texts, the strings of its `site:` section, and where it is. */
export interface SiteLanguage {
  newsletter: Newsletter;
  tr: Translator;
  /** The sign-up form's words (the strings' signup_page section). */
  signup?: Translator;
  /** '' for the default language, `fr/`… */
  folder: string;
}

/**
 * `signup`: the sign-up form's words (the strings' signup_page), when the archive shows the form. `logoSize`: the
 * size the logo is shown at, when enews made it (it knows its height then).
 */
export function siteView(
  newsletter: Newsletter,
  baseUrl: string,
  signup: Translator | null = null,
  logoSize: { width: number; height: number } | null = null,
): SiteView {
  const logo = newsletter.logo;
  const dir = textDirection(newsletter.language);
  return {
    title: newsletter.title,
    description: newsletter.description?.trim() ?? null,
    language: newsletter.language,
    dir,
    rtl: dir === 'rtl',
    url: siteIndexUrl(newsletter) ?? baseUrl,
    subscribe_url: newsletter.site?.subscribe_url ?? signupPageUrl(newsletter),
    logo: logo
      ? {
          src: logo.src,
          alt: logo.alt ?? newsletter.title,
          width: logo.width ?? logoSize?.width ?? null,
          height: logoSize?.height ?? null,
        }
      : null,
    brand: newsletter.brand,
    postal_address_lines: newsletter.postal_address.trim().split(/\r?\n/),
    feed_atom: FEED_ATOM,
    feed_json: FEED_JSON,
    signup: signup && newsletter.subscribe?.on_site ? signupForm(newsletter, signup) : null,
  };
}

/**
 * The archive's sign-up form: the fields and words of enews serve's own sign-up page (serve/signup-pages.ts), so
 * the consent record names the same wording whichever form was used; it posts to the sign-up page, in the
 * archive's language. Plain HTML: it works without JavaScript.
 */
function signupForm(newsletter: Newsletter, tr: Translator): SiteView['signup'] {
  const languages = newsletterLanguages(newsletter);
  const values = { email: '', name: '', language: newsletter.language };
  return {
    title: tr.t('title', { title: newsletter.title }),
    intro: tr.t('intro', { title: newsletter.title }),
    action: signupPageUrl(newsletter)!,
    fields: signupFields(tr, { title: newsletter.title, color: newsletter.brand.color }, languages, values, 'site'),
  };
}

/** An issue in one language: its version there, or null when it was not built in it. */
export function versionIn(
  issue: PublishedIssue,
  language: string,
): (PublishedVersion & { number: number; date: string }) | null {
  const v = issue.versions.find((x) => x.language === language);
  return v ? { ...v, number: issue.number, date: issue.date } : null;
}

/** `root` leads from the page that shows the entry to its language's folder: '' on the index, '../' on an issue. */
export function issueEntry(
  newsletter: Newsletter,
  issue: { number: number; date: string; subject: string; preheader: string | null; summary: string },
  root: string,
): IssueEntry {
  return {
    number: issue.number,
    number_padded: padded(issue.number),
    date: issue.date,
    date_long: formatLongDate(issue.date, newsletter.language),
    subject: issue.subject,
    preheader: issue.preheader,
    summary: issue.summary,
    url: `${root}${issuePagePath(issue.number)}`,
    page_url: issuePageUrl(newsletter, issue.number)!,
  };
}

type Version = PublishedVersion & { number: number; date: string };

/** index.html of one language: its issues newest first. */
export function indexData(lang: SiteLanguage, site: SiteView, issues: Version[], languages: LanguageLink[]) {
  return {
    site,
    root: '',
    issues: [...issues].reverse().map((i) => issueEntry(lang.newsletter, i, '')),
    languages,
    [TRANSLATOR]: lang.tr,
  };
}

/** NNN/index.html of one language: the chrome around the web version, with the issues before and after it. */
export function issueData(
  lang: SiteLanguage,
  site: SiteView,
  issues: Version[],
  at: number,
  languages: LanguageLink[],
) {
  const issue = issues[at]!;
  const neighbour = (i: number) => (issues[i] ? issueEntry(lang.newsletter, issues[i]!, '../') : null);
  const meta: PageMeta = pageMeta(lang.newsletter, issue);
  return {
    site,
    root: '../',
    page: meta,
    issue: issueEntry(lang.newsletter, issue, '../'),
    web: webParts(issue.webHtml),
    older: neighbour(at - 1),
    newer: neighbour(at + 1),
    languages,
    [TRANSLATOR]: lang.tr,
  };
}

/**
 * The links from one page (in `from`'s folder, `depth` folders below it: 0 on an index, 1 on an
 * issue page) to the same page in each language that has it. Empty for a one-language archive.
 */
export function languageLinks(
  available: Array<{ lang: SiteLanguage; absolute: string }>,
  from: SiteLanguage,
  depth: number,
  page: string,
): LanguageLink[] {
  if (available.length < 2) return [];
  const up = '../'.repeat(depth + (from.folder === '' ? 0 : 1));
  return available.map(({ lang, absolute }) => ({
    code: lang.newsletter.language,
    name: nativeLanguageName(lang.newsletter.language),
    url: absolute,
    href: `${up}${lang.folder}${page}`,
    current: lang === from,
  }));
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
