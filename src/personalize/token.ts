/**
 * Unsubscribe tokens that reveal nothing: the address and list are
 * encrypted, not merely encoded, and nobody without UNSUBSCRIBE_SECRET can
 * read, alter or forge one.
 *
 * Construction: deterministic authenticated encryption, AES-256-GCM with a
 * synthetic IV (the SIV idea of RFC 5297 on GCM): IV = HMAC-SHA256(K_iv,
 * plaintext) cut to 96 bits. Deterministic, so the same subscriber of the
 * same list always gets the same token and a retried message stays byte-
 * identical; a repeated IV only ever meets the same plaintext, which is the
 * one case where GCM's nonce rule does not matter. Opening checks the GCM tag
 * and that the IV is the one the plaintext calls for, so only tokens made
 * with the key open. Both keys come from the secret through HKDF-SHA256
 * with their own labels. Node has no AES-SIV (OpenSSL's is not exposed),
 * which is why this is GCM with a synthetic IV.
 *
 * Token: base64url(version ‖ IV(12) ‖ ciphertext ‖ tag(16)), in that one
 * spelling (base64url's last character has bits that decoding ignores, so a
 * token could otherwise be written several ways). Version 2's plaintext is
 * `list_id LF address LF issue` (the issue whose message carries it, so an
 * unsubscribe is attributed to it and nobody can move it to another issue);
 * version 1's, in messages sent before, `list_id LF address`. About 110
 * characters for a usual address.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

const VERSION = 2;
const VERSION_WITHOUT_ISSUE = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Keys {
  enc: KeyObject;
  iv: KeyObject;
}

// Derived once per secret: key derivation is the slow part, and this runs once per recipient.
const cache = new Map<string, Keys>();

function keysFor(secret: string): Keys {
  let k = cache.get(secret);
  if (!k) {
    const derive = (info: string) =>
      createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'enews unsubscribe token', info, 32)));
    k = { enc: derive('aes-256-gcm key'), iv: derive('synthetic iv key') };
    cache.set(secret, k);
  }
  return k;
}

/** The token of `address` on `listId`, in the message of `issue` (null: a message of no issue). */
export function sealToken(secret: string, listId: string, address: string, issue: number | null): string {
  const { enc, iv: ivKey } = keysFor(secret);
  const plain = Buffer.from(`${listId}\n${address}\n${issue ?? ''}`, 'utf8');
  const iv = createHmac('sha256', ivKey).update(plain).digest().subarray(0, IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', enc, iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
}

export interface OpenedToken {
  listId: string;
  address: string;
  /** The issue the token was made for; null for tokens of no issue and of version 1. */
  issue: number | null;
}

/**
 * `openToken` with each secret in turn, the current one first, then those it replaced (UNSUBSCRIBE_SECRET_OLD):
 * what the first that opens it says. Only a token made with one of them opens (the tag is checked), so trying
 * more keys accepts no other token.
 */
export function openTokenWithAny(secrets: readonly string[], token: string): OpenedToken | null {
  for (const secret of secrets) {
    const opened = openToken(secret, token);
    if (opened) return opened;
  }
  return null;
}

/** The list and address a token was made for, or null for anything that is not one of ours, whole and unaltered. */
export function openToken(secret: string, token: string): OpenedToken | null {
  if (!/^[A-Za-z0-9_-]{40,700}$/.test(token)) return null;
  const raw = Buffer.from(token, 'base64url');
  // One spelling only: the ignored low bits of the last character must be zero, as encoding writes them.
  if (raw.toString('base64url') !== token) return null;
  const version = raw[0];
  if (raw.length < 1 + IV_BYTES + TAG_BYTES + 3 || (version !== VERSION && version !== VERSION_WITHOUT_ISSUE))
    return null;
  const { enc, iv: ivKey } = keysFor(secret);
  const iv = raw.subarray(1, 1 + IV_BYTES);
  const body = raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', enc, iv);
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
  const expected = createHmac('sha256', ivKey).update(plain).digest().subarray(0, IV_BYTES);
  if (!timingSafeEqual(expected, iv)) return null;
  const parts = plain.toString('utf8').split('\n');
  if (version === VERSION_WITHOUT_ISSUE) {
    return parts.length === 2 && parts[0] ? { listId: parts[0], address: parts[1]!, issue: null } : null;
  }
  if (parts.length !== 3 || !parts[0] || !/^(\d{1,6})?$/.test(parts[2]!)) return null;
  return { listId: parts[0], address: parts[1]!, issue: parts[2] ? Number(parts[2]) : null };
}
