/**
 * The token of a sign-up's confirmation link: what the person asked for (the
 * address, name and language they typed, the form and its wording), sealed so
 * that nobody can read, alter or forge it, and dated so that it expires.
 *
 * It is not an unsubscribe token and neither can pass for the other: its keys
 * come from the secret through HKDF with labels of their own (token.ts uses
 * others), its first byte is its own version (an unsubscribe token's is 1 or
 * 2), and that byte is authenticated with the rest (AES-256-GCM's additional
 * data). A random IV: unlike an unsubscribe link, a confirmation link need not
 * be the same twice, and each carries a new time.
 *
 * No state is kept for a sign-up that was not confirmed: the link itself holds
 * it. Token: base64url(version ‖ IV(12) ‖ ciphertext ‖ tag(16)), one spelling.
 */
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { z } from 'zod';

const VERSION = 0x43; // "C"
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** A link dated this far in the future (a clock a little ahead on another machine) is still accepted. */
const SKEW_MS = 5 * 60_000;

/** What a confirmation link asks for. */
export const signupRequestSchema = z.strictObject({
  list: z.string().min(1),
  /** The address as typed, checked (util/email-address.ts). */
  email: z.string().min(3).max(254),
  name: z.string().max(200),
  language: z.string().min(1).max(35),
  /** When the form was sent (ms since the epoch). */
  requested: z.number().int().positive(),
  /** The wording the form showed (events/consent.ts). */
  wording: z.strictObject({ version: z.string().max(100), hash: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** Which form: page (enews serve's), site (the archive's). */
  form: z.string().max(40),
  /** The keyed hash of the client's IP address, when newsletter.yaml asks for it. */
  ip: z.string().max(80).optional(),
});
export type SignupRequest = z.infer<typeof signupRequestSchema>;

const cache = new Map<string, KeyObject>();

function keyFor(secret: string): KeyObject {
  let k = cache.get(secret);
  if (!k) {
    k = createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'enews confirmation token', 'aes-256-gcm key', 32)));
    cache.set(secret, k);
  }
  return k;
}

export function sealConfirmation(secret: string, request: SignupRequest): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  cipher.setAAD(Buffer.of(VERSION));
  const body = Buffer.concat([cipher.update(JSON.stringify(request), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, body, cipher.getAuthTag()]).toString('base64url');
}

export type Opened = { ok: true; request: SignupRequest } | { ok: false; why: 'invalid' | 'expired' };

/**
 * What a confirmation token asks for, when one of `secrets` made it, whole and unaltered, and it is younger than
 * `maxAgeMs` at `now`; otherwise why not.
 */
export function openConfirmation(secrets: readonly string[], token: string, maxAgeMs: number, now: number): Opened {
  if (!/^[A-Za-z0-9_-]{40,4000}$/.test(token)) return { ok: false, why: 'invalid' };
  const raw = Buffer.from(token, 'base64url');
  if (raw.toString('base64url') !== token || raw[0] !== VERSION || raw.length < 1 + IV_BYTES + TAG_BYTES + 2)
    return { ok: false, why: 'invalid' };
  for (const secret of secrets) {
    const plain = decrypt(keyFor(secret), raw);
    if (plain === null) continue;
    let parsed: ReturnType<typeof signupRequestSchema.safeParse>;
    try {
      parsed = signupRequestSchema.safeParse(JSON.parse(plain));
    } catch {
      return { ok: false, why: 'invalid' };
    }
    if (!parsed.success) return { ok: false, why: 'invalid' };
    const age = now - parsed.data.requested;
    if (age > maxAgeMs || age < -SKEW_MS) return { ok: false, why: 'expired' };
    return { ok: true, request: parsed.data };
  }
  return { ok: false, why: 'invalid' };
}

function decrypt(key: KeyObject, raw: Buffer): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + IV_BYTES));
    decipher.setAAD(raw.subarray(0, 1));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return null;
  }
}
