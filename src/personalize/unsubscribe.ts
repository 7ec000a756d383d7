/**
 * Per-recipient unsubscribe links. Both the https link and the mailto carry
 * one opaque token (token.ts) from which `enews serve` and `enews inbox`
 * recover the address and the list; no address appears in clear in any URL.
 */
import { newsletterLanguages } from '../content/languages.js';
import type { Newsletter } from '../content/schema.js';
import { preferencesUrl } from '../content/subscribe-schema.js';

export interface UnsubscribeLinks {
  /** The link in the footer: the https link if configured, else the mailto. */
  footer: string;
  /** List-Unsubscribe header value. */
  header: string;
  /** Whether List-Unsubscribe-Post may be sent (needs an https link, RFC 8058). */
  oneClick: boolean;
}

/** `&l=fr` when `newsletter` is localized to another language than its default (newsletter-languages.ts). */
function languageParam(newsletter: Newsletter): string {
  return newsletter.language === newsletterLanguages(newsletter)[0]
    ? ''
    : `&l=${encodeURIComponent(newsletter.language)}`;
}

/**
 * Builds the links; `token` is null when no secret is configured (a build's
 * sample, a dry run without the secret): the links then carry no token.
 */
export function unsubscribeLinks(newsletter: Newsletter, token: string | null): UnsubscribeLinks {
  const { url, mailto } = newsletter.unsubscribe;
  // Plain concatenation rather than URL/URLSearchParams: this runs once per recipient.
  let https: string | null = null;
  if (url) {
    const hash = url.indexOf('#');
    const base = hash < 0 ? url : url.slice(0, hash);
    // The token names the issue too (sealed in: an unsubscribe is counted for the issue that carried it).
    // The language is not personal: the page then speaks the one the subscriber reads (the default needs no mention).
    const query = token ? `${base.includes('?') ? '&' : '?'}t=${token}${languageParam(newsletter)}` : '';
    https = `${base}${query}${hash < 0 ? '' : url.slice(hash)}`;
  }
  // The same token in the subject, where mail programs keep it; `enews inbox` reads it back (issue included).
  const mail = mailto ? `mailto:${mailto}?subject=unsubscribe${token ? `%20${token}` : ''}` : null;
  return {
    footer: https ?? mail ?? '',
    header: [https, mail]
      .filter((x): x is string => x !== null)
      .map((x) => `<${x}>`)
      .join(', '),
    oneClick: https !== null,
  };
}

/**
 * The link to the preferences page (newsletter.yaml's subscribe:), with the same token as the unsubscribe link:
 * whoever holds the message may change that subscriber's name and language, as they may unsubscribe them. Empty
 * when the newsletter has no such page; without a token (a sample), the page's address alone.
 */
export function preferencesLink(newsletter: Newsletter, token: string | null): string {
  if (!newsletter.subscribe) return '';
  const url = preferencesUrl(newsletter.subscribe);
  return token ? `${url}?t=${token}${languageParam(newsletter)}` : url;
}
