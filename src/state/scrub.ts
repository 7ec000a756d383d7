/**
 * What `enews subscriber forget` does to one record of the list state: the
 * address becomes its keyed hash (personalize/address-hash.ts) wherever it
 * is written, in any spelling (the key, the case it was written in, its
 * Unicode domain), and what came with it and says who it was (the name, the
 * IP address's hash) is dropped. The record stays, so counts and reports
 * still add up; what it no longer holds is the person.
 */
import { domainToUnicode } from 'node:url';
import { eventKey, type SubscriberEvent } from '../events/events.js';
import type { JournalRecord } from '../journal/journal.js';

export interface Erasure {
  /** The address key (lower case, ASCII domain). */
  key: string;
  /** Its keyed hash, which takes its place. */
  hash: string;
  /** Finds the address in any text, in any of its spellings. */
  pattern: RegExp;
}

export function erasure(key: string, hash: string): Erasure {
  const at = key.lastIndexOf('@');
  const unicode = `${key.slice(0, at)}@${domainToUnicode(key.slice(at + 1)) || key.slice(at + 1)}`;
  const spellings = [...new Set([key, unicode])].map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  // Whole addresses only: forgetting a@x.org leaves ba@x.org and a@x.org.uk alone.
  const before = "(?<![\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~.-])";
  const after = '(?![\\p{L}\\p{N}-]|\\.[\\p{L}\\p{N}])';
  return { key, hash, pattern: new RegExp(`${before}(?:${spellings.join('|')})${after}`, 'giu') };
}

/** The text with every spelling of the address replaced by its hash. */
export function scrubText(text: string, er: Erasure): string {
  return text.replace(er.pattern, er.hash);
}

/** Whether a text holds the address in any spelling. */
export function holds(text: string, er: Erasure): boolean {
  er.pattern.lastIndex = 0;
  const found = er.pattern.test(text);
  er.pattern.lastIndex = 0;
  return found;
}

/** The event without the address, or null when it never held it. */
export function scrubEvent(e: SubscriberEvent, er: Erasure): SubscriberEvent | null {
  const mine = e.email === er.key;
  if (!mine && !holds(JSON.stringify(e), er)) return null;
  const { name: _name, consent, ...rest } = e;
  const out: SubscriberEvent = {
    ...(mine ? rest : e),
    email: mine ? er.hash : e.email,
    ...(e.detail !== undefined ? { detail: scrubText(e.detail, er) } : {}),
  };
  if (mine && consent) {
    const { ip: _ip, ...kept } = consent;
    out.consent = kept;
  }
  return out;
}

/** The key the scrubbed event is recorded under (events are unique per key). */
export function scrubbedKey(e: SubscriberEvent): string {
  return eventKey(e);
}

/** The journal record without the address, or null when it never held it. */
export function scrubRecord(r: JournalRecord, er: Erasure): JournalRecord | null {
  if (!holds(JSON.stringify(r), er)) return null;
  return JSON.parse(scrubText(JSON.stringify(r), er)) as JournalRecord;
}
