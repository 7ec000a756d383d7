/**
 * DKIM settings from the DKIM_* variables, read by every transport that
 * signs. Kept apart from the signer (dkim.ts): the transport registry reads
 * this for every command.
 *
 * An Ed25519 key (RFC 8463) signs only in addition to the RSA key: most
 * receivers verify RSA alone, so a message signed only with Ed25519 would
 * count as unsigned there.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import type { Env } from '../config/env.js';

/** The variables, and what each holds (the README's Configuration section and .env.example say the same). */
export const DKIM_VARIABLES = {
  DKIM_DOMAIN: 'the signing domain (d=); DKIM signing needs all three DKIM_ variables or none',
  DKIM_SELECTOR: 'the selector (s=): the key is published at <selector>._domainkey.<domain>',
  DKIM_PRIVATE_KEY_FILE: 'a file holding the PEM private key (RSA)',
  DKIM_ED25519_SELECTOR: 'optional: the selector of an Ed25519 key that signs too (RFC 8463), besides the RSA key',
  DKIM_ED25519_PRIVATE_KEY_FILE: 'a file holding that Ed25519 PEM private key',
} as const;

/** RFC 8301 §3.2: signers MUST use RSA keys of at least 1024 bits, and verifiers MUST NOT accept smaller ones. */
const MIN_RSA_BITS = 1024;
const RSA_KEYGEN = 'openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048';

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  /** PEM, RSA. */
  privateKey: string;
  /** Its size (1024 at least: smaller ones are refused). */
  rsaBits: number;
  /** A second signature, with an Ed25519 key of its own selector. */
  ed25519: { keySelector: string; privateKey: string } | null;
}

export function dkimSettings(env: Env): DkimSettings | null {
  const { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, DKIM_PRIVATE_KEY_FILE: keyFile } = env;
  const { DKIM_ED25519_SELECTOR: edSelector, DKIM_ED25519_PRIVATE_KEY_FILE: edKeyFile } = env;
  if (!domain && !selector && !keyFile) {
    if (edSelector || edKeyFile)
      throw new EnewsError(
        'dkim-config',
        'DKIM_ED25519_* is set without DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY_FILE: an Ed25519 signature ' +
          'is only ever added to an RSA one, since most receivers verify RSA alone.',
        { problems: [{ message: 'Set the three RSA variables too, or remove DKIM_ED25519_*.' }] },
      );
    return null;
  }
  const missing = [!domain && 'DKIM_DOMAIN', !selector && 'DKIM_SELECTOR', !keyFile && 'DKIM_PRIVATE_KEY_FILE'].filter(
    Boolean,
  );
  if (missing.length) {
    throw new EnewsError(
      'dkim-config',
      `DKIM signing is half configured: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
      {
        problems: [{ message: 'Set all three of DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE, or none.' }],
      },
    );
  }
  if (Boolean(edSelector) !== Boolean(edKeyFile))
    throw new EnewsError(
      'dkim-config',
      `The Ed25519 signature is half configured: ${edSelector ? 'DKIM_ED25519_PRIVATE_KEY_FILE' : 'DKIM_ED25519_SELECTOR'} is not set.`,
      { problems: [{ message: 'Set both DKIM_ED25519_SELECTOR and DKIM_ED25519_PRIVATE_KEY_FILE, or neither.' }] },
    );
  const rsa = readKey('DKIM_PRIVATE_KEY_FILE', keyFile!, 'rsa');
  return {
    domainName: domain!,
    keySelector: selector!,
    privateKey: rsa.pem,
    rsaBits: rsa.bits,
    ed25519: edKeyFile
      ? { keySelector: edSelector!, privateKey: readKey('DKIM_ED25519_PRIVATE_KEY_FILE', edKeyFile, 'ed25519').pem }
      : null,
  };
}

/** The PEM in `file`, checked to be a private key of `type`, and its size in bits (RSA; 0 for Ed25519). */
function readKey(variable: string, file: string, type: 'rsa' | 'ed25519'): { pem: string; bits: number } {
  if (!existsSync(file)) throw new EnewsError('dkim-config', `${variable} points to ${file}, which does not exist.`);
  const pem = readFileSync(file, 'utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (err) {
    throw unusable(variable, file, pem, err);
  }
  if (key.asymmetricKeyType !== type) {
    const fix =
      type === 'rsa'
        ? `DKIM_PRIVATE_KEY_FILE takes the RSA key (${RSA_KEYGEN}); ` +
          'an Ed25519 key goes in DKIM_ED25519_PRIVATE_KEY_FILE, beside it.'
        : 'DKIM_ED25519_PRIVATE_KEY_FILE takes an Ed25519 key (openssl genpkey -algorithm ed25519).';
    throw new EnewsError(
      'dkim-config',
      `${variable} (${file}) holds ${article(key.asymmetricKeyType)} key, not ${type === 'rsa' ? 'an RSA' : 'an Ed25519'} one.`,
      { problems: [{ message: fix }] },
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (type === 'rsa' && bits < MIN_RSA_BITS)
    throw new EnewsError(
      'dkim-config',
      `${variable} (${file}) holds an RSA key of ${bits} bits: receivers take a signature made with a key under ` +
        `${MIN_RSA_BITS} bits for no signature at all (RFC 8301).`,
      { problems: [{ message: `Make a 2048-bit key (${RSA_KEYGEN}) and publish its public half in DNS.` }] },
    );
  return { pem, bits };
}

/** Why the PEM in `file` is no private key enews can sign with: locked with a passphrase, a public key, or neither. */
function unusable(variable: string, file: string, pem: string, err: unknown): EnewsError {
  // Node reports a missing passphrase as ERR_MISSING_PASSPHRASE or as OpenSSL's "interrupted or cancelled",
  // depending on the version and the PEM's form: the PEM itself says it is locked.
  const locked = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: *4, *ENCRYPTED/m.test(pem);
  if (locked || (err as { code?: string }).code === 'ERR_MISSING_PASSPHRASE')
    return new EnewsError(
      'dkim-config',
      `${variable} (${file}) holds a private key locked with a passphrase, which enews does not ask for.`,
      {
        problems: [
          {
            message:
              `Write it out without the passphrase (openssl pkey -in ${file} -out dkim-private.pem), keep that file ` +
              `readable by the sending account only (chmod 600), and point ${variable} at it.`,
          },
        ],
      },
    );
  try {
    createPublicKey(pem);
    return new EnewsError('dkim-config', `${variable} (${file}) holds a public key: signing needs the private key.`, {
      problems: [
        {
          message:
            'The public key is what goes in DNS (<selector>._domainkey.<domain>); this variable names the private one.',
        },
      ],
    });
  } catch {
    return new EnewsError(
      'dkim-config',
      `${variable} (${file}) does not hold a PEM private key (-----BEGIN PRIVATE KEY-----).`,
    );
  }
}

/** "an RSA", "an EC", "a DSA": key types are said letter by letter. */
function article(type: string | undefined): string {
  const name = type === 'ed25519' ? 'Ed25519' : (type ?? 'unknown').toUpperCase();
  return /^[AEFHILMNORSX]/.test(name) ? `an ${name}` : `a ${name}`;
}
