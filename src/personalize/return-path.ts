/**
 * The envelope sender (Return-Path) of a message: where returns go. With
 * VERP (variable envelope return path) each message gets its own address,
 * `bounces+<id>@domain`, so a return names the message it answers even when
 * it quotes nothing of it, and even through relays that rewrite Message-IDs.
 *
 * The id proves itself: `<issue>-<mac>`, where mac is 20 base32 letters (100
 * bits) of an HMAC of the list id, the issue and the recipient's address,
 * keyed from UNSUBSCRIBE_SECRET. A return sent to such an address is about
 * that address only if the HMAC of an address the return names matches: a
 * stranger who writes a report naming someone else cannot make the id that
 * goes with it. Lower case only (servers lower-case local parts) and 27
 * characters at most after the `+`, so `bounces+…` stays within the 64
 * characters a local part may have.
 *
 * Without a secret the id is the older form, 24 hex digits of a hash of the
 * Message-ID, which proves something only through a send journal that
 * records that Message-ID (messages sent before the change carry it too).
 */
import { createHash, createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Newsletter } from '../content/schema.js';

export interface VerpParts {
  issue: number;
  mac: string;
}

/** The older id: a hash of the Message-ID (needs a journal to mean anything). */
export function verpId(messageId: string): string {
  return createHash('sha256').update(messageId).digest('hex').slice(0, 24);
}

const keys = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
  let k = keys.get(secret);
  if (!k) {
    k = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'enews verp', 'return path mac', 32)));
    keys.set(secret, k);
  }
  return k;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** The 20-letter mac of `address` (an address key) on `listId` in `issue`. */
export function verpMac(secret: string, listId: string, issue: number, address: string): string {
  const digest = createHmac('sha256', keyFor(secret)).update(`${listId}\n${issue}\n${address}`).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 20) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length === 20) break;
    value &= (1 << bits) - 1;
  }
  return out;
}

/** Whether `mac` is the one `address` gets in `issue` of `listId` (in constant time). */
export function verpMatches(secret: string, listId: string, parts: VerpParts, address: string): boolean {
  const expected = Buffer.from(verpMac(secret, listId, parts.issue, address));
  const given = Buffer.from(parts.mac.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Whether `mac` is the one `address` gets with any of `secrets` (the current one, then those it replaced): each
 * key adds one chance in 2^100 for a forger, which is none.
 */
export function verpMatchesAny(secrets: readonly string[], listId: string, parts: VerpParts, address: string): boolean {
  return secrets.some((secret) => verpMatches(secret, listId, parts, address));
}

export interface ReturnPathOptions {
  /** UNSUBSCRIBE_SECRET: with it, ids prove themselves; without, the older journal-bound form. */
  secret: string | null;
  issue: number;
  /** The recipient's address key. */
  address: string;
  messageId: string;
}

export function returnPath(newsletter: Newsletter, o: ReturnPathOptions): string {
  const base = newsletter.bounce_address ?? newsletter.from.address;
  if (!newsletter.verp) return base;
  const at = base.lastIndexOf('@');
  const local = base.slice(0, at);
  const id = o.secret ? `${o.issue}-${verpMac(o.secret, newsletter.list_id, o.issue, o.address)}` : verpId(o.messageId);
  // An existing +tag keeps its place; the id goes after it.
  return `${local}+${id}${base.slice(at)}`;
}

/** The id in a return path (bounces+<id>@…): the proving form, the older form, or null. */
export function verpOf(address: string): VerpParts | { legacy: string } | null {
  const proving = /\+(\d{1,6})-([a-z2-7]{20})@/i.exec(address);
  if (proving) return { issue: Number(proving[1]), mac: proving[2]!.toLowerCase() };
  const legacy = /\+([0-9a-f]{24})@/i.exec(address)?.[1];
  return legacy ? { legacy: legacy.toLowerCase() } : null;
}
