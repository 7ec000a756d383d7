/**
 * The consent record a `subscribed` (or `resubscribed`) event carries: what a
 * team must be able to show of how a person agreed to get the newsletter (GDPR
 * Art. 7(1)), and nothing it does not need. When they asked and when they
 * confirmed; the wording they agreed to, as its version (subscribe.consent_version
 * in newsletter.yaml) and the SHA-256 of the words the form showed in their
 * language (the strings files live in the project's history, so the hash names
 * the exact text); the language; where they agreed (`form` on the sign-up page or
 * the archive, `preferences` when coming back, `import` for a list the team
 * brought); and a keyed hash of their IP address only when newsletter.yaml asks
 * for it (subscribe.record_ip).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const CONSENT_SOURCES = ['form', 'preferences', 'import'] as const;

export const consentSchema = z.strictObject({
  /** When the sign-up was asked for (the form was sent), ISO. */
  requested: z.string().optional(),
  /** When the subscriber confirmed it (the button of the confirmation link, or of the preferences page), ISO. */
  confirmed: z.string(),
  wording: z.strictObject({ version: z.string().max(100), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  language: z.string().max(35),
  source: z.enum(CONSENT_SOURCES),
  /** Which form: `page` (enews serve's sign-up page), `site` (the archive's), the page of an issue. */
  form: z.string().max(40).optional(),
  /** Keyed hash of the client's IP address (personalize/address-hash.ts), only with subscribe.record_ip. */
  ip: z.string().max(80).optional(),
});
export type Consent = z.infer<typeof consentSchema>;

/** The hash of the words a form showed: every text of it, in order, one per line. */
export function wordingHash(texts: readonly string[]): string {
  return createHash('sha256').update(texts.join('\n'), 'utf8').digest('hex');
}
