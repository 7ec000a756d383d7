/**
 * Keyed hashes of addresses, for what the list state keeps about a person
 * without holding their address: the cooldown of the sign-up form (an address
 * that never confirmed is nobody's business), an erased address (never mailed
 * again, never readable again) and, when asked for, the client's IP address in
 * a consent record. HMAC-SHA256 with a key drawn from UNSUBSCRIBE_SECRET (HKDF,
 * a label of its own, so it is not any token's key) over the list id and the
 * value: nobody without the secret can test a guess, as they could against a
 * plain hash of an address. The old secrets (UNSUBSCRIBE_SECRET_OLD) keep
 * recognising what was hashed before a change of secret.
 */
import { createHmac, hkdfSync } from 'node:crypto';

export const HASH_PREFIX = 'h:';

const cache = new Map<string, Buffer>();

function keyFor(secret: string): Buffer {
  let k = cache.get(secret);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', secret, 'enews address hash', 'hmac-sha256 key', 32));
    cache.set(secret, k);
  }
  return k;
}

/** `h:` and 32 base64url characters (192 bits) of HMAC(list LF kind LF value). */
export function keyedHash(secret: string, listId: string, value: string, kind: 'address' | 'ip' = 'address'): string {
  const mac = createHmac('sha256', keyFor(secret)).update(`${listId}\n${kind}\n${value}`, 'utf8').digest();
  return HASH_PREFIX + mac.subarray(0, 24).toString('base64url');
}

/** Whether `hash` is the keyed hash of `value` under any of `secrets` (the current one first). */
export function hashMatches(secrets: readonly string[], listId: string, value: string, hashes: ReadonlySet<string>) {
  return secrets.some((s) => hashes.has(keyedHash(s, listId, value)));
}
