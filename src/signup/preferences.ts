/**
 * The preferences page's changes, as plain functions over the list state
 * (enews serve wires them to /preferences?t=TOKEN). The token is the
 * unsubscribe token of a message the subscriber got: whoever holds it may do
 * for that address what its unsubscribe link does, and a little more.
 *
 * Each change is one event: `preferences` (a new name or language),
 * `unsubscribed` (in the address's current round, so it counts after a
 * return), `resubscribed` (back after an unsubscribe, with a consent record:
 * the page's "subscribe again" wording). A bounce, a complaint or an erasure
 * is not undone here (events/roster.ts); nothing that changes nothing is
 * recorded.
 */
import { matchLanguage } from '../content/languages.js';
import type { Consent } from '../events/consent.js';
import type { SubscriberEvent } from '../events/events.js';
import type { AddressState } from '../events/roster.js';
import { subscriberRowSchema } from '../subscribers/subscriber.js';
import { type SignupSettings, standing } from './signup.js';

export interface PreferencesSettings extends Pick<SignupSettings, 'listId' | 'languages' | 'events' | 'secrets'> {
  /** The wording of "subscribe again" in a language, and its version (wording.ts). */
  resubscribeWording(language: string): Consent['wording'];
  now?: () => number;
}

export type PreferencesAction = 'save' | 'unsubscribe' | 'resubscribe';

export type PreferencesAnswer =
  | { kind: 'saved' | 'unchanged' | 'unsubscribed' | 'resubscribed' | 'stopped' }
  | { kind: 'invalid-name' };

/** Where the address stands, for the page. */
export async function preferencesOf(
  s: PreferencesSettings,
  key: string,
): Promise<{ state: AddressState; stopped: boolean }> {
  return standing(s, key);
}

/** One change asked for by the page's form; `issue`: the issue whose message carried the token. */
export async function changePreferences(
  s: PreferencesSettings,
  who: { key: string; issue: number | null },
  action: PreferencesAction,
  fields: { name?: unknown; language?: unknown; page: string },
): Promise<PreferencesAnswer> {
  const { state, stopped } = await standing(s, who.key);
  const at = new Date((s.now ?? Date.now)()).toISOString();
  const base = {
    at,
    list: s.listId,
    email: who.key,
    source: 'preferences',
    ...(who.issue ? { issue: who.issue } : {}),
  };
  if (action === 'unsubscribe') {
    if (state.optedOut) return { kind: 'unsubscribed' };
    const e: SubscriberEvent = { ...base, type: 'unsubscribed', ...(state.round ? { round: state.round } : {}) };
    await s.events.record([e]);
    return { kind: 'unsubscribed' };
  }
  if (stopped) return { kind: 'stopped' };
  if (action === 'resubscribe') {
    if (state.optedOut !== 'unsubscribed') return { kind: 'unchanged' };
    const language = state.language ?? matchLanguage(fields.page, s.languages) ?? s.languages[0]!;
    const consent: Consent = {
      confirmed: at,
      wording: s.resubscribeWording(language),
      language,
      source: 'preferences',
    };
    await s.events.record([{ ...base, type: 'resubscribed', round: state.round + 1, consent }]);
    return { kind: 'resubscribed' };
  }
  const name = subscriberRowSchema.shape.name.safeParse(typeof fields.name === 'string' ? fields.name : '');
  if (!name.success) return { kind: 'invalid-name' };
  const language = matchLanguage(typeof fields.language === 'string' ? fields.language : '', s.languages);
  const change = {
    ...(name.data && name.data !== state.name ? { name: name.data } : {}),
    ...(language && language !== state.language ? { language } : {}),
  };
  if (Object.keys(change).length === 0) return { kind: 'unchanged' };
  await s.events.record([{ ...base, type: 'preferences', ...change }]);
  return { kind: 'saved' };
}
