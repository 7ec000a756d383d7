/**
 * DKIM settings: all three RSA variables or none; an Ed25519 key only beside
 * an RSA one (never alone), both of its variables or neither; each key file
 * holds an unlocked private key of its kind, RSA of 1024 bits at least.
 * Every refusal says what to set.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnewsError } from '../errors.js';
import { dkimSettings } from './dkim-settings.js';

const dir = mkdtempSync(path.join(tmpdir(), 'enews-dkim-'));
const pem = (type: 'rsa' | 'ed25519' | 'ec') => {
  const { privateKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 1024 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');
  const file = path.join(dir, `${type}.pem`);
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return file;
};
const files = { rsa: pem('rsa'), ed25519: pem('ed25519'), ec: pem('ec') };
const rsa = { DKIM_DOMAIN: 'example.org', DKIM_SELECTOR: 'enews', DKIM_PRIVATE_KEY_FILE: files.rsa };
const ed = { DKIM_ED25519_SELECTOR: 'enews-ed', DKIM_ED25519_PRIVATE_KEY_FILE: files.ed25519 };

function refusal(env: Record<string, string>): EnewsError {
  try {
    dkimSettings(env);
  } catch (err) {
    if (err instanceof EnewsError) return err;
    throw err;
  }
  throw new Error('not refused');
}

describe('dkimSettings', () => {
  it('is off without any DKIM variable, and RSA alone with the three', () => {
    expect(dkimSettings({})).toBeNull();
    expect(dkimSettings(rsa)).toMatchObject({
      domainName: 'example.org',
      keySelector: 'enews',
      rsaBits: 1024,
      ed25519: null,
    });
  });

  it('adds the Ed25519 key with its own selector beside the RSA key', () => {
    const s = dkimSettings({ ...rsa, ...ed });
    expect(s?.ed25519?.keySelector).toBe('enews-ed');
    expect(s?.ed25519?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(s?.privateKey).not.toBe(s?.ed25519?.privateKey);
  });

  it('refuses an Ed25519 key alone: it only ever signs beside RSA', () => {
    const e = refusal(ed);
    expect(e.code).toBe('dkim-config');
    expect(e.message).toMatch(/^DKIM_ED25519_\* is set without DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE/);
    expect(e.problems?.[0]?.message).toBe('Set the three RSA variables too, or remove DKIM_ED25519_*.');
  });

  it('refuses half an RSA setup and half an Ed25519 one, naming what is missing', () => {
    expect(refusal({ DKIM_DOMAIN: 'example.org' }).message).toBe(
      'DKIM signing is half configured: DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE are not set.',
    );
    expect(refusal({ ...rsa, DKIM_ED25519_SELECTOR: 'enews-ed' }).message).toBe(
      'The Ed25519 signature is half configured: DKIM_ED25519_PRIVATE_KEY_FILE is not set.',
    );
    expect(refusal({ ...rsa, DKIM_ED25519_PRIVATE_KEY_FILE: files.ed25519 }).message).toBe(
      'The Ed25519 signature is half configured: DKIM_ED25519_SELECTOR is not set.',
    );
  });

  it('refuses a key of the wrong kind in either file, saying where each kind goes', () => {
    const swapped = refusal({ ...rsa, DKIM_PRIVATE_KEY_FILE: files.ed25519 });
    expect(swapped.message).toBe(`DKIM_PRIVATE_KEY_FILE (${files.ed25519}) holds an Ed25519 key, not an RSA one.`);
    expect(swapped.problems?.[0]?.message).toMatch(/an Ed25519 key goes in DKIM_ED25519_PRIVATE_KEY_FILE/);
    expect(refusal({ ...rsa, DKIM_PRIVATE_KEY_FILE: files.ec }).message).toBe(
      `DKIM_PRIVATE_KEY_FILE (${files.ec}) holds an EC key, not an RSA one.`,
    );
    expect(refusal({ ...rsa, ...ed, DKIM_ED25519_PRIVATE_KEY_FILE: files.rsa }).message).toBe(
      `DKIM_ED25519_PRIVATE_KEY_FILE (${files.rsa}) holds an RSA key, not an Ed25519 one.`,
    );
  });

  it('refuses a key file that is missing or holds no private key', () => {
    const missing = path.join(dir, 'nope.pem');
    expect(refusal({ ...rsa, DKIM_PRIVATE_KEY_FILE: missing }).message).toBe(
      `DKIM_PRIVATE_KEY_FILE points to ${missing}, which does not exist.`,
    );
    const junk = path.join(dir, 'junk.pem');
    writeFileSync(junk, 'not a key');
    expect(refusal({ ...rsa, ...ed, DKIM_ED25519_PRIVATE_KEY_FILE: junk }).message).toBe(
      `DKIM_ED25519_PRIVATE_KEY_FILE (${junk}) does not hold a PEM private key (-----BEGIN PRIVATE KEY-----).`,
    );
  });

  it('refuses an RSA key under 1024 bits, which receivers take for no signature (RFC 8301), and takes 1024', () => {
    const small = path.join(dir, 'rsa-768.pem');
    writeFileSync(
      small,
      generateKeyPairSync('rsa', { modulusLength: 768 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const e = refusal({ ...rsa, DKIM_PRIVATE_KEY_FILE: small });
    expect(e.code).toBe('dkim-config');
    expect(e.message).toBe(
      `DKIM_PRIVATE_KEY_FILE (${small}) holds an RSA key of 768 bits: receivers take a signature made with a key ` +
        'under 1024 bits for no signature at all (RFC 8301).',
    );
    expect(e.problems?.[0]?.message).toMatch(/^Make a 2048-bit key \(openssl genpkey -algorithm RSA /);
    // The 1024-bit key of the tests above is the smallest receivers accept.
    expect(dkimSettings(rsa)?.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('says so when the key is locked with a passphrase, or is the public key, instead of "no private key"', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const locked = path.join(dir, 'locked.pem');
    writeFileSync(
      locked,
      privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'a secret phrase' }),
    );
    const e = refusal({ ...rsa, DKIM_PRIVATE_KEY_FILE: locked });
    expect(e.message).toBe(
      `DKIM_PRIVATE_KEY_FILE (${locked}) holds a private key locked with a passphrase, which enews does not ask for.`,
    );
    expect(e.problems?.[0]?.message).toBe(
      `Write it out without the passphrase (openssl pkey -in ${locked} -out dkim-private.pem), keep that file ` +
        'readable by the sending account only (chmod 600), and point DKIM_PRIVATE_KEY_FILE at it.',
    );
    // The older form (-----BEGIN RSA PRIVATE KEY----- with Proc-Type: 4,ENCRYPTED) is told apart the same way.
    const old = path.join(dir, 'locked-pkcs1.pem');
    writeFileSync(old, privateKey.export({ type: 'pkcs1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }));
    expect(refusal({ ...rsa, DKIM_PRIVATE_KEY_FILE: old }).message).toMatch(/locked with a passphrase/);
    const pub = path.join(dir, 'public.pem');
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    const p = refusal({ ...rsa, ...ed, DKIM_ED25519_PRIVATE_KEY_FILE: pub });
    expect(p.message).toBe(`DKIM_ED25519_PRIVATE_KEY_FILE (${pub}) holds a public key: signing needs the private key.`);
    expect(p.problems?.[0]?.message).toMatch(/^The public key is what goes in DNS/);
  });
});
