/**
 * Per-recipient unsubscribe links. The https link carries an HMAC of the
 * list id and the address, so the unsubscribe endpoint can act on a click
 * (or an RFC 8058 one-click POST) without a database lookup and without
 * letting anyone unsubscribe somebody else.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Newsletter } from '../content/schema.js';

const keys = new Map<string, KeyObject>();

export function unsubscribeToken(secret: string, listId: string, addressKey: string): string {
  // A KeyObject made once per secret spares the key setup on every recipient.
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret, 'utf8'))));
  return createHmac('sha256', key).update(`${listId}\n${addressKey}`).digest('base64url');
}

export interface UnsubscribeLinks {
  /** The link in the footer: the https link if configured, else the mailto. */
  footer: string;
  /** List-Unsubscribe header value. */
  header: string;
  /** Whether List-Unsubscribe-Post may be sent (needs an https link, RFC 8058). */
  oneClick: boolean;
}

/** Builds the links; `token` is null when no secret is configured (the link then has no token). */
export function unsubscribeLinks(newsletter: Newsletter, email: string, token: string | null): UnsubscribeLinks {
  const { url, mailto } = newsletter.unsubscribe;
  // Plain concatenation rather than URL/URLSearchParams: this runs once per recipient.
  let https: string | null = null;
  if (url) {
    const hash = url.indexOf('#');
    const base = hash < 0 ? url : url.slice(0, hash);
    const query = `email=${encodeURIComponent(email)}${token ? `&token=${token}` : ''}`;
    https = `${base}${base.includes('?') ? '&' : '?'}${query}${hash < 0 ? '' : url.slice(hash)}`;
  }
  const mail = mailto ? `mailto:${mailto}?subject=unsubscribe` : null;
  return {
    footer: https ?? mail ?? '',
    header: [https, mail]
      .filter((x): x is string => x !== null)
      .map((x) => `<${x}>`)
      .join(', '),
    oneClick: https !== null,
  };
}
