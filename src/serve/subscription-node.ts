/**
 * The sign-up and preferences pages' parts on Node (subscription-routes.ts
 * takes them as values): the confirmation message rendered once per
 * language, the mailer on the configured transport, the per-client limit,
 * and who the client is.
 *
 * The client is the connection's peer, or, when the peer is this machine
 * (the reverse proxy in front of enews serve), the last address of
 * X-Forwarded-For, the one the proxy itself added (nginx:
 * `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`). Addresses
 * before it were written by the client and prove nothing.
 */
import { domainToASCII } from 'node:url';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { EnewsError } from '../errors.js';
import { confirmUrl, preferencesUrl } from '../content/subscribe-schema.js';
import { newsletterLanguages } from '../content/languages.js';
import { localizeNewsletter } from '../content/newsletter-languages.js';
import { createTransport } from '../delivery/transports/index.js';
import type { Strings } from '../render/strings.js';
import { Translator } from '../render/strings.js';
import { loadConfirmMail } from '../signup/confirm-mail.js';
import { Mailer } from '../signup/mailer.js';
import { PACKAGE_TEMPLATES } from '../project/package.js';
import { RateLimit } from '../signup/rate-limit.js';
import { resubscribeTexts, signupTexts, wordingOf } from '../signup/wording.js';
import type { ServeSettings } from './node.js';
import type { SubscriptionDeps } from './subscription-routes.js';

export async function subscriptionDeps(
  s: ServeSettings,
  strings: Strings,
  secrets: string[],
): Promise<{ deps: SubscriptionDeps; mailer: Mailer } | null> {
  const sub = s.newsletter.subscribe;
  if (!sub) return null;
  const transport = s.transport;
  const log = s.log ?? (() => {});
  const languages = newsletterLanguages(s.newsletter);
  const mail = await loadConfirmMail(s.newsletter, s.templatesDir ?? PACKAGE_TEMPLATES, strings, sub.confirm_days);
  const sender = s.newsletter.bounce_address ?? s.newsletter.from.address;
  const mailer = new Mailer({
    transport: async () => {
      if (!transport) throw new EnewsError('serve-no-transport', 'no transport to send confirmations with');
      return createTransport(transport, {
        dir: null,
        timeoutMs: 60_000,
        dataTimeoutMs: 600_000,
        insecureTls: false,
        senderDomain: domainToASCII(sender.slice(sender.lastIndexOf('@') + 1)) || null,
      });
    },
    log,
  });
  const words = new Map(
    [...strings.values()].map((f) => [
      f.language,
      { signup: new Translator(f, 'signup_page'), preferences: new Translator(f, 'preferences_page') },
    ]),
  );
  const wordsIn = (language: string) => words.get(language) ?? words.get(languages[0]!)!;
  const titleIn = (language: string) => localizeNewsletter(s.newsletter, language).title;
  const confirm = confirmUrl(sub);
  const defaultLanguage = languages[0]!;
  const limit = new RateLimit(sub.per_client_per_hour, s.now);
  const shared = { listId: s.newsletter.list_id, languages, events: s.events, secrets };
  const deps: SubscriptionDeps = {
    paths: {
      subscribe: new URL(sub.url).pathname,
      confirm: new URL(confirm).pathname,
      preferences: new URL(preferencesUrl(sub)).pathname,
    },
    signup: {
      ...shared,
      subscribe: sub,
      wording: (l) => wordingOf(signupTexts(wordsIn(l).signup, titleIn(l)), sub.consent_version),
      confirmLink: (token, l) => `${confirm}?t=${token}${l === defaultLanguage ? '' : `&l=${encodeURIComponent(l)}`}`,
      mail: (m) => mailer.send(() => mail.compose(m)),
      ...(s.now ? { now: s.now } : {}),
    },
    preferences: {
      ...shared,
      resubscribeWording: (l) => wordingOf(resubscribeTexts(wordsIn(l).preferences, titleIn(l)), sub.consent_version),
      ...(s.now ? { now: s.now } : {}),
    },
    days: sub.confirm_days,
    // Without a way to send confirmations, sign-ups are refused (503) rather than promised a message.
    unavailable: transport ? null : 'sign-ups cannot be confirmed: no SMTP_URL to send the confirmations with',
    allow: (client) => limit.allow(client),
    client: clientOf,
    words: wordsIn,
  };
  return { deps, mailer };
}

const LOOPBACK = /^(127\.|::1$|::ffff:127\.)/;

function clientOf(c: Context): string {
  let peer = '';
  try {
    peer = getConnInfo(c).remote.address ?? '';
  } catch {
    // Not on Node's server (app.request in a test): the header alone.
  }
  if (peer && !LOOPBACK.test(peer)) return peer;
  const forwarded = c.req.header('x-forwarded-for');
  const last = forwarded?.split(',').pop()?.trim();
  return last || peer || 'unknown';
}
