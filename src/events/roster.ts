/**
 * What the subscriber events say about who may be mailed, folded in the order
 * they were recorded: opt-outs, confirmed sign-ups, the name and language each
 * subscriber chose, and the keyed hashes of erased addresses.
 *
 * Order matters since subscribers can come back: `unsubscribed` opts an
 * address out, a later `subscribed` (a confirmed sign-up: the person proved
 * they read the mailbox) or `resubscribed` (the preferences page, reached by
 * the token of a message they got) lifts that unsubscribe. A bounce or a
 * complaint is never lifted by either: a bounce says the mailbox is gone, and a
 * complaint is the one signal mailbox providers judge a sender by; a web form,
 * which anyone can fill in for any address, must not be able to undo them. Only
 * the team can, by hand. An erased address (`forgotten`) is never mailed again.
 *
 * A send fixes what it takes: `upTo` is how many events its first run found,
 * and only those may add a subscriber, lift an unsubscribe or change a
 * language; an opt-out counts whenever it was recorded. So a resumed send mails
 * exactly the people its plan chose, and a sign-up confirmed during a send
 * waits for the next issue.
 */
import { type OptOutReason, OptOuts, type SubscriberEvent } from './events.js';
import type { EventStore } from './store.js';

/** A confirmed sign-up, as the audience needs it. */
export interface SignedUp {
  email: string;
  name: string;
  language: string;
}

export interface Roster {
  optOuts: OptOuts;
  /** Addresses that signed up and confirmed, in the order they first did (address key → who). */
  signups: Map<string, SignedUp>;
  /** The name and language each subscriber last chose (sign-up or preferences); beats the CSV's columns. */
  preferences: Map<string, { name?: string; language?: string }>;
  /** Keyed hashes (h:…) of erased addresses. */
  erased: Set<string>;
  /** Events read, in all. */
  events: number;
}

function emptyRoster(): Roster {
  return { optOuts: new OptOuts(), signups: new Map(), preferences: new Map(), erased: new Set(), events: 0 };
}

/** Reads the events; `upTo`: only the first `upTo` may add or bring back subscribers (null: all). */
export async function readRoster(store: Pick<EventStore, 'each'>, upTo: number | null = null): Promise<Roster> {
  const r = emptyRoster();
  await store.each((e) => {
    applyEvent(r, e, upTo === null || r.events < upTo);
    r.events++;
  });
  return r;
}

/** The opt-outs alone (the preview's marks). */
export async function readOptOuts(store: Pick<EventStore, 'each'>): Promise<OptOuts> {
  return (await readRoster(store)).optOuts;
}

function applyEvent(r: Roster, e: SubscriberEvent, adds: boolean): void {
  if (e.type === 'forgotten') {
    r.erased.add(e.email);
    return;
  }
  // An erased address's events name its keyed hash (h:…): nobody to mail, and its suppression says so.
  if (!e.email.includes('@')) return;
  switch (e.type) {
    case 'unsubscribed':
    case 'bounced':
    case 'complained':
      r.optOuts.add(e.email, e.type);
      return;
    case 'subscribed':
      if (!adds) return;
      r.optOuts.rejoin(e.email);
      if (!r.signups.has(e.email)) r.signups.set(e.email, { email: e.email, name: '', language: '' });
      prefer(r, e);
      return;
    case 'resubscribed':
      if (adds) r.optOuts.rejoin(e.email);
      return;
    case 'preferences':
      if (adds) prefer(r, e);
      return;
    default:
      // soft-bounced (three make a bounce, recorded as one), signup-requested (the cooldown only).
      return;
  }
}

function prefer(r: Roster, e: SubscriberEvent): void {
  const p = r.preferences.get(e.email) ?? {};
  if (e.name) p.name = e.name;
  if (e.language) p.language = e.language;
  r.preferences.set(e.email, p);
  const s = r.signups.get(e.email);
  if (s) {
    if (p.name) s.name = p.name;
    if (p.language) s.language = p.language;
  }
}

/** Where one address stands, from its own events in order (the preferences page, enews subscriber show). */
export interface AddressState {
  /** How many times it came back after unsubscribing: the round of its next events. */
  round: number;
  /** Why it is not mailed, or null. */
  optedOut: OptOutReason | null;
  /** It signed up and confirmed at least once. */
  signedUp: boolean;
  name: string | null;
  language: string | null;
}

export function addressState(events: readonly SubscriberEvent[]): AddressState {
  const r = emptyRoster();
  let round = 0;
  for (const e of events) {
    applyEvent(r, e, true);
    if ((e.type === 'subscribed' || e.type === 'resubscribed') && (e.round ?? 0) > round) round = e.round!;
  }
  const email = events[0]?.email ?? '';
  const p = r.preferences.get(email);
  return {
    round,
    optedOut: r.optOuts.get(email) ?? null,
    signedUp: r.signups.has(email),
    name: p?.name ?? null,
    language: p?.language ?? null,
  };
}
