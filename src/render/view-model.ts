/**
 * What templates see. Built once per issue and language from validated content in that language
 * (content/translations.ts); every optional field is present (as null) so templates can run in
 * Handlebars' strict mode, where a typo'd field name is an error instead of a blank. The
 * language's strings travel with the view under a symbol, out of the templates' sight, for the
 * {{t}} helper (templates.ts).
 */
import type { LocalIssue, LocalItem, Newsletter } from '../content/schema.js';
import { padded } from '../content/issue-number.js';
import { itemTypesOf, labelIn, typeSlug, type ItemTypeInfo } from '../content/item-types.js';
import { textDirection } from '../content/languages.js';
import { formatLongDate } from '../util/dates.js';
import { markdownToHtml, markdownToText } from './markdown.js';
import { issueArchiveUrl } from './site-urls.js';
import { itemPartial } from './item-partials.js';
import { TRANSLATOR, type Translator } from './strings.js';

/** The language of this render, for the markup: `<mj-text align="{{language.align}}">`. */
export interface LanguageView {
  code: string;
  dir: 'ltr' | 'rtl';
  rtl: boolean;
  /** The side text starts on: left, or right in a right-to-left language. */
  align: 'left' | 'right';
}

export interface ItemView {
  id: string;
  /** The type as the catalog names it (News); type_label is its name in the email's language. */
  type: string;
  type_label: string;
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
    /** Whether messages link a preferences page (newsletter.yaml's subscribe:): {{slot "preferences_url"}}. */
    preferences: boolean;
  };
  language: LanguageView;
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
  [TRANSLATOR]: Translator;
}

/** The web version's own links, in place of the personal unsubscribe and "View this issue online". */
export interface WebView {
  /** The site's index, relative to the issue's page. */
  archive_url: string;
  subscribe_url: string | null;
  /** The page's published address, or null when the newsletter names no site. */
  page_url: string | null;
}

/** The subject when the issue gives none: "ILO COOP eNewsUpdate No. 3", in the strings' words. */
export function defaultSubject(newsletter: Newsletter, issue: LocalIssue, tr: Translator): string {
  return issue.subject ?? tr.t('default_subject', { title: newsletter.title, number: issue.number });
}

export function languageView(code: string): LanguageView {
  const dir = textDirection(code);
  return { code, dir, rtl: dir === 'rtl', align: dir === 'rtl' ? 'right' : 'left' };
}

/**
 * The item type's words in this language: its label in newsletter.yaml, else the strings' (type_news…),
 * else the default language's label, else the type's name.
 */
function typeLabel(type: string, info: ItemTypeInfo | undefined, tr: Translator, newsletter: Newsletter): string {
  const defaultLanguage = newsletter.languages?.[0] ?? newsletter.language;
  const own = labelIn(info, tr.language, defaultLanguage);
  if (own !== null) return own;
  const key = `type_${typeSlug(type).replace(/-/g, '_')}`;
  if (tr.has(key)) return tr.t(key);
  return labelIn(info, defaultLanguage, defaultLanguage) ?? type;
}

/**
 * The view of `newsletter`, `issue` and `items`, all in the language of `tr` (the newsletter localized
 * to it); `partials` are the templates' partials by file name, for each item's (item-partials.ts).
 */
export function buildViewModel(
  newsletter: Newsletter,
  issue: LocalIssue,
  items: LocalItem[],
  tr: Translator,
  partials: ReadonlyMap<string, unknown>,
  web: WebView | null = null,
): ViewModel {
  const image = (i: LocalItem['image']) => (i ? { src: i.src, alt: i.alt ?? '', width: i.width ?? null } : null);
  const lang = tr.language;
  const types = new Map(itemTypesOf(newsletter).map((t) => [t.name, t]));
  const has = (name: string) => partials.has(`${name}.mjml`);
  const partialOf = (type: string) => itemPartial(types.get(type) ?? { name: type, slug: typeSlug(type) }, has);
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
      preferences: newsletter.subscribe !== undefined,
    },
    language: languageView(lang),
    issue: {
      number: issue.number,
      number_padded: padded(issue.number),
      date: issue.date,
      date_long: formatLongDate(issue.date, lang),
      intro_html: markdownToHtml(issue.intro),
      intro_text: markdownToText(issue.intro),
      view_online_url: issueArchiveUrl(newsletter, issue.number),
    },
    subject: defaultSubject(newsletter, issue, tr),
    preheader: issue.preheader ?? null,
    items: items.map((item, i) => ({
      id: item.id,
      type: item.type,
      type_label: typeLabel(item.type, types.get(item.type), tr, newsletter),
      type_slug: typeSlug(item.type),
      partial: partialOf(item.type),
      title: item.title,
      date: item.date,
      date_long: formatLongDate(item.date, lang),
      summary: item.summary.trim(),
      url: item.url,
      image: image(item.image),
      first: i === 0,
      last: i === items.length - 1,
    })),
    web,
    [TRANSLATOR]: tr,
  };
}
