/**
 * The wording a subscriber agrees to, as its consent record names it
 * (events/consent.ts): the texts of the sign-up form in their language (the
 * same on enews serve's page and on the archive's form, both made from the
 * `signup_page:` strings), or of the preferences page's "subscribe again".
 */
import { type Consent, wordingHash } from '../events/consent.js';
import type { Translator } from '../render/strings.js';

/** The texts of the sign-up form that make its wording, in order (section signup_page). */
export function signupTexts(tr: Translator, title: string): string[] {
  return [tr.t('title', { title }), tr.t('intro', { title }), tr.t('consent', { title }), tr.t('button', { title })];
}

/** The texts of the preferences page's "subscribe again" (section preferences_page). */
export function resubscribeTexts(tr: Translator, title: string): string[] {
  return [tr.t('resubscribe_consent', { title }), tr.t('resubscribe_button', { title })];
}

export function wordingOf(texts: string[], version: string): Consent['wording'] {
  return { version, hash: wordingHash(texts) };
}
