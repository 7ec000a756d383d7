/**
 * newsletter.yaml's `subscribe:` block: people join and manage themselves on
 * `enews serve` (README, "Subscribers who join and manage themselves"). Its
 * pages answer on the paths of these addresses, behind the same proxy as the
 * unsubscribe page.
 */
import { z } from 'zod';
import { newsletterLanguages } from './languages.js';
import { checkWebAddress } from './web-address.js';

/** An http(s) address of a page of enews serve, without ?query or #fragment (enews adds its own). */
const pageUrl = z
  .string()
  .max(500, 'must be at most 500 characters')
  .superRefine((value, ctx) => {
    if (!checkWebAddress(value, ctx)) return;
    if (/[?#\s<>"]/.test(value))
      ctx.addIssue({ code: 'custom', message: 'must be a page address without ?, #, spaces, quotes or < >' });
  });

export const subscribeSchema = z.strictObject({
  /** The sign-up page (GET shows the form, POST takes it); its confirmation links are at <url>/confirm. */
  url: pageUrl,
  /** The preferences page every message links to; default: `preferences` beside url. */
  preferences_url: pageUrl.optional(),
  /** The archive (enews site) shows the sign-up form on its index and issue pages. */
  on_site: z.boolean().default(false),
  /** The version of the sign-up wording, kept in each consent record with the wording's hash. */
  consent_version: z.string().trim().min(1).max(100).default('1'),
  /** How long a confirmation link works. */
  confirm_days: z.number().int().min(1).max(30).default(7),
  /** At most one confirmation mail per address in this time, whoever asks, on every serve of the list. */
  cooldown_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** Sign-up requests one client (IP address) may make per hour, per serve process. */
  per_client_per_hour: z.number().int().min(1).max(10_000).default(20),
  /** Keep a keyed hash of the client's IP address in the consent record (off: no IP address is kept). */
  record_ip: z.boolean().default(false),
});
export type SubscribeSettings = z.infer<typeof subscribeSchema>;

/** The preferences page: preferences_url, or `preferences` in the sign-up page's folder. */
export function preferencesUrl(s: SubscribeSettings): string {
  return s.preferences_url ?? new URL('preferences', s.url).toString();
}

/** The sign-up page in a newsletter's language (localized): ?l=fr but for the default language. */
export function signupPageUrl(newsletter: {
  language: string;
  languages?: string[] | undefined;
  subscribe?: SubscribeSettings | undefined;
}): string | null {
  if (!newsletter.subscribe) return null;
  const own = newsletter.language === newsletterLanguages(newsletter)[0];
  return `${newsletter.subscribe.url}${own ? '' : `?l=${encodeURIComponent(newsletter.language)}`}`;
}

/** Where a confirmation link leads: <url>/confirm. */
export function confirmUrl(s: SubscribeSettings): string {
  return `${s.url.replace(/\/$/, '')}/confirm`;
}
