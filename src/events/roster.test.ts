/** The subscriber events folded in order: who is opted out, who signed up, what they chose, who was erased. */
import { describe, expect, it } from 'vitest';
import { eventKey, type SubscriberEvent } from './events.js';
import { addressState, readRoster } from './roster.js';

const ev = (type: SubscriberEvent['type'], email: string, o: Partial<SubscriberEvent> = {}): SubscriberEvent => ({
  at: '2026-12-07T10:00:00.000Z',
  type,
  email,
  source: 'page',
  ...o,
});
const store = (events: SubscriberEvent[]) => ({
  async each(f: (e: SubscriberEvent) => void) {
    for (const e of events) f(e);
  },
});

describe('readRoster', () => {
  it('lifts an unsubscribe by a later sign-up or re-subscribe, in the order they were recorded', async () => {
    const r = await readRoster(
      store([
        ev('unsubscribed', 'a@x.org'),
        ev('subscribed', 'a@x.org', { round: 1, language: 'fr' }),
        ev('unsubscribed', 'b@x.org'),
        ev('resubscribed', 'b@x.org', { round: 1 }),
        ev('unsubscribed', 'b@x.org', { round: 1 }),
        ev('resubscribed', 'c@x.org', { round: 1 }),
        ev('unsubscribed', 'c@x.org'),
      ]),
    );
    expect(r.optOuts.get('a@x.org')).toBeUndefined();
    expect(r.optOuts.get('b@x.org')).toBe('unsubscribed');
    expect(r.optOuts.get('c@x.org')).toBe('unsubscribed');
    expect([...r.signups.values()]).toEqual([{ email: 'a@x.org', name: '', language: 'fr' }]);
    expect(r.events).toBe(7);
  });

  it('never lifts a bounce or a complaint, whatever comes after', async () => {
    const r = await readRoster(
      store([
        ev('bounced', 'a@x.org', { issue: 3, source: 'dsn' }),
        ev('subscribed', 'a@x.org'),
        ev('complained', 'b@x.org', { issue: 3, source: 'arf' }),
        ev('unsubscribed', 'b@x.org'),
        ev('resubscribed', 'b@x.org', { round: 1 }),
      ]),
    );
    expect(r.optOuts.get('a@x.org')).toBe('bounced');
    expect(r.optOuts.get('b@x.org')).toBe('complained');
  });

  it('takes sign-ups, returns and preferences from the first upTo events only, opt-outs from all', async () => {
    const events = [
      ev('subscribed', 'a@x.org', { name: 'A', language: 'en' }),
      ev('unsubscribed', 'c@x.org'),
      ev('subscribed', 'b@x.org'),
      ev('preferences', 'a@x.org', { language: 'es' }),
      ev('resubscribed', 'c@x.org', { round: 1 }),
      ev('unsubscribed', 'a@x.org'),
    ];
    const r = await readRoster(store(events), 2);
    expect([...r.signups.keys()]).toEqual(['a@x.org']);
    expect(r.signups.get('a@x.org')).toEqual({ email: 'a@x.org', name: 'A', language: 'en' });
    expect(r.optOuts.get('c@x.org')).toBe('unsubscribed');
    expect(r.optOuts.get('a@x.org')).toBe('unsubscribed');
    const all = await readRoster(store(events));
    expect([...all.signups.keys()]).toEqual(['a@x.org', 'b@x.org']);
    expect(all.preferences.get('a@x.org')).toEqual({ name: 'A', language: 'es' });
    expect(all.optOuts.get('c@x.org')).toBeUndefined();
  });

  it('collects the keyed hashes of erased addresses; a sign-up request adds nobody', async () => {
    const r = await readRoster(
      store([ev('subscribed', 'h:abc'), ev('forgotten', 'h:abc'), ev('signup-requested', 'h:def')]),
    );
    expect([...r.erased]).toEqual(['h:abc']);
    // The erased sign-up's own event names its hash: nobody to mail.
    expect(r.signups.size).toBe(0);
  });
});

describe('addressState', () => {
  it('counts the returns of an address and says where it stands', () => {
    expect(addressState([])).toEqual({ round: 0, optedOut: null, signedUp: false, name: null, language: null });
    const s = addressState([
      ev('subscribed', 'a@x.org', { name: 'Ann', language: 'fr' }),
      ev('unsubscribed', 'a@x.org'),
      ev('resubscribed', 'a@x.org', { round: 1 }),
      ev('unsubscribed', 'a@x.org', { round: 1 }),
    ]);
    expect(s).toEqual({ round: 1, optedOut: 'unsubscribed', signedUp: true, name: 'Ann', language: 'fr' });
  });
});

describe('eventKey', () => {
  it('keeps the key of an unsubscribe of round 0 as before rounds, and makes each later round a new fact', () => {
    expect(eventKey(ev('unsubscribed', 'a@x.org'))).toBe('unsubscribed\na@x.org');
    expect(eventKey(ev('unsubscribed', 'a@x.org', { round: 2 }))).toBe('unsubscribed\na@x.org\n2');
    expect(eventKey(ev('subscribed', 'a@x.org', { round: 1 }))).toBe(
      eventKey(ev('resubscribed', 'a@x.org', { round: 1 })),
    );
    expect(eventKey(ev('subscribed', 'a@x.org'))).not.toBe(eventKey(ev('subscribed', 'a@x.org', { round: 1 })));
  });
});
