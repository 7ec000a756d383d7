/**
 * Joining: the sign-up form and its confirmation (double opt-in), as plain
 * functions over the list state, which `enews serve` wires to its pages.
 *
 * Design, in short (README: "Subscribers who join and manage themselves"):
 * - A sign-up keeps nothing about the person until they confirm: the form's
 *   answers travel in the confirmation link, sealed and dated
 *   (personalize/confirm-token.ts). The one thing recorded is the cooldown, a
 *   `signup-requested` event that holds the address's keyed hash only.
 * - The same answer, whatever the address: new, waiting, subscribed,
 *   unsubscribed, bounced, complained or erased, and for a bot that filled
 *   in the honeypot. Only a malformed address or name gets another answer
 *   (that says nothing about anyone).
 * - At most one confirmation mail per address per cooldown, on every serve
 *   of the list: the claim is decided under the store's lock
 *   (EventStore.claim), so a thousand requests at once mail once.
 * - An address that bounced or complained, or that was erased, is never
 *   mailed a confirmation: a web form anyone can fill in must not undo those
 *   (events/roster.ts).
 * - Only the confirming POST records `subscribed`, with its consent record
 *   (events/consent.ts); a confirmation of an address that unsubscribed
 *   brings it back (a new round); clicked twice, it records once.
 */
import { z } from 'zod';
import type { SubscribeSettings } from '../content/subscribe-schema.js';
import { matchLanguage } from '../content/languages.js';
import type { Consent } from '../events/consent.js';
import { eventKey, type SubscriberEvent } from '../events/events.js';
import { type AddressState, addressState } from '../events/roster.js';
import type { EventStore } from '../events/store.js';
import { keyedHash } from '../personalize/address-hash.js';
import { openConfirmation, sealConfirmation, type SignupRequest } from '../personalize/confirm-token.js';
import { subscriberRowSchema } from '../subscribers/subscriber.js';
import { addressKey, checkEmailAddress } from '../util/email-address.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

export interface SignupSettings {
  listId: string;
  /** The newsletter's languages, the default first. */
  languages: readonly string[];
  subscribe: SubscribeSettings;
  /** UNSUBSCRIBE_SECRET first (it seals), then the old ones (they still open and recognise). */
  secrets: readonly string[];
  events: Pick<EventStore, 'claim' | 'about' | 'record' | 'has'>;
  /** The wording of the sign-up form in a language (wording.ts). */
  wording(language: string): Consent['wording'];
  /** The confirmation page's address for a token. */
  confirmLink(token: string, language: string): string;
  /** Hands the confirmation message over for sending (mailer.ts): it goes out after the answer. */
  mail(m: { to: string; name: string; language: string; url: string }): void;
  now?: () => number;
}

/** The form as it arrives: every field text, every one capped (the body is capped as a whole too). */
const formSchema = z.object({
  email: z.string().max(1000),
  name: z.string().max(1000).default(''),
  language: z.string().max(100).default(''),
  /** The honeypot: a field people do not see, and bots fill in. */
  website: z.string().max(1000).default(''),
  /** Which form sent it: page (enews serve's), site (the archive's). */
  form: z.enum(['page', 'site']).catch('page'),
});

export type SignupAnswer =
  | { kind: 'accepted' }
  | { kind: 'invalid'; field: 'email' | 'name'; values: { email: string; name: string; language: string } };

/** Takes a sign-up form (its fields as parsed); the answer is the same whoever the address belongs to. */
export async function requestSignup(
  s: SignupSettings,
  body: Record<string, unknown>,
  ip: string,
): Promise<SignupAnswer> {
  const now = (s.now ?? Date.now)();
  const parsed = formSchema.safeParse(body);
  const raw = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).slice(0, 300) : '');
  const values = { email: raw('email'), name: raw('name'), language: raw('language') };
  if (!parsed.success) return { kind: 'invalid', field: 'email', values };
  const f = parsed.data;
  if (f.website.trim() !== '') return { kind: 'accepted' };
  const address = checkEmailAddress(f.email);
  if (!address.ok) return { kind: 'invalid', field: 'email', values };
  const name = subscriberRowSchema.shape.name.safeParse(f.name);
  if (!name.success) return { kind: 'invalid', field: 'name', values };
  const language = matchLanguage(f.language, s.languages) ?? s.languages[0]!;
  const key = addressKey(address.address);
  // Claimed first, whoever the address is: every valid request costs the same, and says nothing by its time.
  const claimed = await s.events.claim(
    {
      at: new Date(now).toISOString(),
      list: s.listId,
      type: 'signup-requested',
      email: keyedHash(s.secrets[0]!, s.listId, key),
      source: f.form,
    },
    s.subscribe.cooldown_hours * HOUR,
  );
  if (!claimed || (await standing(s, key)).stopped) return { kind: 'accepted' };
  const request: SignupRequest = {
    list: s.listId,
    email: address.address,
    name: name.data,
    language,
    requested: now,
    wording: s.wording(language),
    form: f.form,
    ...(s.subscribe.record_ip && ip ? { ip: keyedHash(s.secrets[0]!, s.listId, ip, 'ip') } : {}),
  };
  const token = sealConfirmation(s.secrets[0]!, request);
  s.mail({ to: address.address, name: name.data, language, url: s.confirmLink(token, language) });
  return { kind: 'accepted' };
}

/** What a confirmation link asks for, or null when it is not a valid one of this list (GET: nothing changes). */
export function openSignup(s: SignupSettings, token: string): SignupRequest | null {
  const opened = openConfirmation(s.secrets, token, s.subscribe.confirm_days * DAY, (s.now ?? Date.now)());
  return opened.ok && opened.request.list === s.listId ? opened.request : null;
}

export type ConfirmAnswer =
  | { kind: 'invalid' }
  /** Recorded now, or already (a second click). */
  | { kind: 'confirmed'; email: string; language: string }
  /** Bounced, complained or erased: not brought back by a form (events/roster.ts). */
  | { kind: 'stopped'; email: string; language: string };

/** The confirming POST: records `subscribed` with its consent record, once. */
export async function confirmSignup(s: SignupSettings, token: string): Promise<ConfirmAnswer> {
  const request = openSignup(s, token);
  if (!request) return { kind: 'invalid' };
  const key = addressKey(request.email);
  const { stopped, state } = await standing(s, key);
  if (stopped) return { kind: 'stopped', email: key, language: request.language };
  const at = new Date((s.now ?? Date.now)()).toISOString();
  const consent: Consent = {
    requested: new Date(request.requested).toISOString(),
    confirmed: at,
    wording: request.wording,
    language: request.language,
    source: 'form',
    form: request.form,
    ...(request.ip ? { ip: request.ip } : {}),
  };
  const back = state.optedOut === 'unsubscribed';
  const round = back ? state.round + 1 : state.round;
  const joined: SubscriberEvent = {
    at,
    list: s.listId,
    type: 'subscribed',
    email: key,
    source: 'form',
    ...(round ? { round } : {}),
    ...(request.name ? { name: request.name } : {}),
    language: request.language,
    consent,
  };
  const recorded = await s.events.record([joined]);
  // Subscribed already (this round): a new name or language given on the form is a change of preferences.
  const changed = (request.name && request.name !== state.name) || request.language !== state.language;
  if (recorded.length === 0 && changed) {
    await s.events.record([
      {
        at,
        list: s.listId,
        type: 'preferences',
        email: key,
        source: 'form',
        ...(request.name ? { name: request.name } : {}),
        language: request.language,
      },
    ]);
  }
  return { kind: 'confirmed', email: key, language: request.language };
}

/** Where an address stands, and whether a form may not bring it (back): it bounced, complained, or was erased. */
export async function standing(
  s: Pick<SignupSettings, 'events' | 'secrets' | 'listId'>,
  key: string,
): Promise<{ state: AddressState; stopped: boolean }> {
  const state = addressState(await s.events.about(key));
  if (state.optedOut === 'bounced' || state.optedOut === 'complained') return { state, stopped: true };
  for (const secret of s.secrets) {
    const forgotten = eventKey({ type: 'forgotten', email: keyedHash(secret, s.listId, key) });
    if (await s.events.has(forgotten)) return { state, stopped: true };
  }
  return { state, stopped: false };
}
