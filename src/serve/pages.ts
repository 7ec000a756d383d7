/**
 * The small pages of the subscriber endpoint, in the newsletter's identity:
 * its title and brand colour, one clear question, one button. Plain HTML
 * with inline styles (the Content-Security-Policy allows nothing else), a
 * language, a main landmark, a real form that works without JavaScript.
 * Their words are the `unsubscribe_page:` section of the strings file of the
 * page's language (templates/strings/<lang>.yaml); a placeholder such as
 * {title} or {address} is shown in bold.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import { escapeHtml as e } from '../render/slots.js';

export interface PageIdentity {
  title: string;
  language: string;
  brandColor: string;
  /** Postal address lines, shown small at the bottom as in every message. */
  postalAddress: string;
  /** Right to left for Arabic, Hebrew…; left out: left to right. */
  dir?: 'ltr' | 'rtl';
}

/** The words of the pages in one language: a key of `unsubscribe_page:` and its placeholders' values → text. */
export type PageWords = (key: PageKey, values?: Record<string, string>) => string;

export type PageKey = keyof typeof DEFAULT_PAGE_WORDS;

/**
 * The English words, for an endpoint given no strings (enews serve before it knew languages, a
 * test): the same texts as templates/strings/en.yaml's unsubscribe_page section, which a test
 * keeps in step with these.
 */
export const DEFAULT_PAGE_WORDS = {
  unsubscribe_question_title: 'Unsubscribe from {title}?',
  unsubscribe_question: 'Stop sending {title} to {address}?',
  unsubscribe_button: 'Unsubscribe',
  unsubscribe_note: 'Nothing changes until you press the button.',
  unsubscribed_title: 'You are unsubscribed',
  unsubscribed_done: '{address} will not get {title} any more.',
  unsubscribed_already: '{address} no longer gets {title}.',
  unsubscribed_mistake: 'Unsubscribed by mistake? Reply to any issue and we will add you back.',
  manage_instead: 'Rather keep {title} and change your name or language?',
  manage_link: 'Manage your subscription',
  invalid_link_title: 'This unsubscribe link is not valid',
  invalid_link:
    'It may have been cut short or changed. Use the link in the newsletter itself, or reply to it and ask to be removed.',
  too_large_title: 'Request too large',
  too_large: 'An unsubscribe request is a few bytes.',
  try_later_title: 'Please try again later',
  try_later: 'Your request could not be recorded just now. Nothing was changed.',
  method_title: 'Method not allowed',
  method: 'Open the link from the newsletter.',
  not_found_title: 'Not found',
  not_found: 'There is nothing at this address.',
} as const;

/** Words from a table of ICU messages (the strings file's section, or DEFAULT_PAGE_WORDS), each parsed once. */
export function pageWords(messages: Record<string, string>, language: string): PageWords {
  const parsed = new Map<string, IntlMessageFormat>();
  return (key, values = {}) => {
    let m = parsed.get(key);
    if (!m) {
      m = new IntlMessageFormat(messages[key] ?? DEFAULT_PAGE_WORDS[key], language, undefined, { ignoreTag: true });
      parsed.set(key, m);
    }
    return String(m.format(values));
  };
}

/** A private-use character stands in for each bold value while the rest of the text is escaped. */
const MARKS = ['\uE010', '\uE011'];

/**
 * A text whose `strong` values are shown in bold: the message is escaped as a whole, each value on
 * its own; `plain` values are text like the rest.
 */
export function rich(words: PageWords, key: PageKey, plain: Record<string, string>, strong: Record<string, string>) {
  return emphasize((values) => words(key, values), plain, strong);
}

/** `rich` for any words: `format` fills a message's placeholders. */
export function emphasize(
  format: (values: Record<string, string>) => string,
  plain: Record<string, string>,
  strong: Record<string, string>,
): string {
  const names = Object.keys(strong);
  const marked = Object.fromEntries(names.map((n, i) => [n, MARKS[i]!]));
  let html = e(format({ ...plain, ...marked }));
  names.forEach((n, i) => {
    html = html.split(MARKS[i]!).join(`<strong>${e(strong[n]!)}</strong>`);
  });
  return html;
}

export function page(id: PageIdentity, heading: string, body: string): string {
  const dir = id.dir === 'rtl' ? ' dir="rtl"' : '';
  return `<!doctype html>
<html lang="${e(id.language)}"${dir}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${e(heading)} – ${e(id.title)}</title>
</head>
<body style="margin:0;background:#f3f4f6;color:#222222;font-family:Arial,Helvetica,sans-serif;line-height:1.5">
<header style="background:${e(id.brandColor)};color:#ffffff;padding:16px 24px;font-weight:bold">${e(id.title)}</header>
<main style="max-width:560px;margin:32px auto;background:#ffffff;padding:24px 28px;border-radius:6px">
<h1 style="font-size:22px;margin:0 0 16px">${e(heading)}</h1>
${body}
</main>
<footer style="max-width:560px;margin:0 auto 32px;padding:0 28px;font-size:13px;color:#555555">
${e(id.postalAddress).replace(/\n/g, '<br>')}
</footer>
</body>
</html>
`;
}

export const BUTTON = 'font-size:17px;padding:10px 20px;border:0;border-radius:4px;color:#ffffff;cursor:pointer';

export function unsubscribePage(
  id: PageIdentity,
  words: PageWords,
  masked: string,
  action: string,
  already: boolean,
  /** The preferences page of this subscriber, when the newsletter has one: offered instead of leaving. */
  manage: string | null = null,
): string {
  const instead = manage
    ? `\n<p>${e(words('manage_instead', { title: id.title }))} <a href="${e(manage)}">${e(words('manage_link'))}</a></p>`
    : '';
  if (already) {
    const text = rich(words, 'unsubscribed_already', { title: id.title }, { address: masked });
    return page(id, words('unsubscribed_title'), `<p>${text}</p>${instead}`);
  }
  return page(
    id,
    words('unsubscribe_question_title', { title: id.title }),
    `<p>${rich(words, 'unsubscribe_question', {}, { title: id.title, address: masked })}</p>
<form method="post" action="${e(action)}">
<input type="hidden" name="confirm" value="yes">
<button type="submit" style="${BUTTON};background:${e(id.brandColor)}">${e(words('unsubscribe_button'))}</button>
</form>
<p style="font-size:14px;color:#555555">${e(words('unsubscribe_note'))}</p>${instead}`,
  );
}

export function confirmPage(id: PageIdentity, words: PageWords, masked: string): string {
  return page(
    id,
    words('unsubscribed_title'),
    `<p role="status">${rich(words, 'unsubscribed_done', { title: id.title }, { address: masked })}</p>
<p style="font-size:14px;color:#555555">${e(words('unsubscribed_mistake'))}</p>`,
  );
}

export function errorPage(id: PageIdentity, heading: string, text: string): string {
  return page(id, heading, `<p role="alert">${e(text)}</p>`);
}
