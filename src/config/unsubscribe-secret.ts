/**
 * UNSUBSCRIBE_SECRET keys every unsubscribe token and every self-proving
 * VERP id (personalize/token.ts, personalize/return-path.ts). Whoever
 * guesses it can read the address in any unsubscribe link and unsubscribe
 * anyone, and one link from any message is enough to test guesses offline.
 * So `send`, `serve` and `inbox` refuse a secret of less than 128 bits of
 * strength, by the one rule here.
 *
 * Strength is what the secret could carry were it drawn at random from the
 * alphabet it is written in: length × bits per character, 4 for hexadecimal
 * digits (one case), 6 for base64 and base64url, about 6.55 for any other
 * mix of printable ASCII, 3.3 for digits only. Only a mix of upper and lower
 * case letters counts as base64 or printable: random ones always mix them,
 * words mostly do not. Anything else (one case of letters, words and dashes,
 * other scripts) counts as text, at 2 bits per character, which is more than
 * English prose carries; so is a secret that repeats a few characters (fewer
 * distinct ones than half of what a random one of its length would show).
 * 128 bits are thus 32 hex digits (`openssl rand -hex 16`), 22 base64
 * characters (`openssl rand -base64 32` gives 44), or 64 characters of text.
 * No count can tell a phrase that mixes cases from a random string: make
 * the secret with openssl.
 *
 * UNSUBSCRIBE_SECRET_OLD holds the secrets it replaced, separated by commas
 * (a value that holds a comma is also tried whole). `serve` and `inbox`
 * accept tokens and VERP ids made with them, so links and return addresses
 * of messages sent before a team strengthened its secret keep working; new
 * mail uses UNSUBSCRIBE_SECRET only. A weak old secret is accepted (it can
 * only act for the subscribers of those old messages); the commands say so.
 */
import { EnewsError } from '../errors.js';
import type { Env } from './env.js';

export const MIN_SECRET_BITS = 128;

/** The strength of `secret` in bits, by the rule above (rounded down). */
export function secretStrength(secret: string): number {
  const chars = [...secret];
  const padding = secret.length - secret.replace(/=+$/, '').length;
  const random = (alphabet: number, length: number) =>
    new Set(chars).size >= Math.min(alphabet, length) / 2 ? Math.floor(length * Math.log2(alphabet)) : null;
  let bits: number | null = null;
  if (/^[0-9]+$/.test(secret)) bits = random(10, chars.length);
  else if (/^(?:[0-9a-f]+|[0-9A-F]+)$/.test(secret)) bits = random(16, chars.length);
  else if (/[a-z]/.test(secret) && /[A-Z]/.test(secret)) {
    if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(secret)) bits = random(64, chars.length - padding);
    else if (/^[\x21-\x7e]+$/.test(secret)) bits = random(94, chars.length);
  }
  return bits ?? 2 * chars.length;
}

/** The secrets a value of UNSUBSCRIBE_SECRET_OLD names: each between commas, trimmed, and the whole when it has one. */
export function secretList(value: string | undefined): string[] {
  const whole = value?.trim() ?? '';
  if (!whole) return [];
  const parts = whole
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return [...new Set(whole.includes(',') ? [...parts, whole] : parts)];
}

export interface UnsubscribeSecrets {
  /** UNSUBSCRIBE_SECRET, strong enough; null when it is not set. New mail is sealed with it only. */
  current: string | null;
  /** UNSUBSCRIBE_SECRET_OLD: accepted when tokens are opened and VERP ids checked, never used to seal. */
  old: string[];
  /** The strength of each old secret below MIN_SECRET_BITS, weakest first: accepted, and worth a warning. */
  weakOld: number[];
}

/** The secrets of the environment; refuses (exit 1) an UNSUBSCRIBE_SECRET below MIN_SECRET_BITS. */
export function unsubscribeSecrets(env: Env): UnsubscribeSecrets {
  const current = env.UNSUBSCRIBE_SECRET?.trim() || null;
  if (current !== null) {
    const bits = secretStrength(current);
    if (bits < MIN_SECRET_BITS) throw weakSecret(bits);
  }
  const old = secretList(env.UNSUBSCRIBE_SECRET_OLD).filter((s) => s !== current);
  // The whole of a list is a guess at one secret with a comma in it, not a secret to warn about.
  const listed = env.UNSUBSCRIBE_SECRET_OLD?.trim() ?? '';
  const weakOld = old
    .filter((s) => !(listed.includes(',') && s === listed))
    .map(secretStrength)
    .filter((bits) => bits < MIN_SECRET_BITS)
    .sort((a, b) => a - b);
  return { current, old, weakOld };
}

/** The keys to open tokens and check VERP ids with: the current secret first, then the old ones. */
export function readingKeys(s: UnsubscribeSecrets): string[] {
  return s.current === null ? s.old : [s.current, ...s.old];
}

/**
 * The keys of the keyed hashes the list state holds (personalize/address-hash.ts), unchecked: recognising a hash
 * made with a weak secret is no risk, and commands that only count (status, report) must not refuse for it.
 */
export function hashKeys(env: Env): string[] {
  const current = env.UNSUBSCRIBE_SECRET?.trim() || null;
  const old = secretList(env.UNSUBSCRIBE_SECRET_OLD).filter((s) => s !== current);
  return current === null ? old : [current, ...old];
}

function weakSecret(bits: number): EnewsError {
  return new EnewsError(
    'unsubscribe-secret-weak',
    `UNSUBSCRIBE_SECRET is too weak: about ${bits} bits of strength, and enews needs at least ${MIN_SECRET_BITS} ` +
      '(whoever guesses it can read the address in any unsubscribe link and unsubscribe anyone).',
    {
      problems: [
        {
          message:
            'Make a strong one with: openssl rand -base64 32 (and set it in .env or the environment; ' +
            'enews serve needs the same). README, "Unsubscribe links", says how strength is counted.',
        },
        {
          message:
            'Messages already sent carry links made with the old one: put it in UNSUBSCRIBE_SECRET_OLD, ' +
            'and enews serve and enews inbox keep accepting them.',
        },
      ],
    },
  );
}
