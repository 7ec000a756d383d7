/**
 * DKIM settings from the DKIM_* variables, read by every transport that
 * signs. Kept apart from the signer (dkim.ts), which loads nodemailer: the
 * transport registry reads this for every command.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import type { Env } from '../config/env.js';

/** The variables, and what each holds (the README's Configuration section and .env.example say the same). */
export const DKIM_VARIABLES = {
  DKIM_DOMAIN: 'the signing domain (d=); DKIM signing needs all three DKIM_ variables or none',
  DKIM_SELECTOR: 'the selector (s=): the key is published at <selector>._domainkey.<domain>',
  DKIM_PRIVATE_KEY_FILE: 'a file holding the PEM private key',
} as const;

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export function dkimSettings(env: Env): DkimSettings | null {
  const { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, DKIM_PRIVATE_KEY_FILE: keyFile } = env;
  if (!domain && !selector && !keyFile) return null;
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
  if (!existsSync(keyFile!))
    throw new EnewsError('dkim-config', `DKIM_PRIVATE_KEY_FILE points to ${keyFile}, which does not exist.`);
  const privateKey = readFileSync(keyFile!, 'utf8');
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new EnewsError(
      'dkim-config',
      `DKIM_PRIVATE_KEY_FILE (${keyFile}) does not hold a PEM private key (-----BEGIN PRIVATE KEY-----).`,
    );
  }
  return { domainName: domain!, keySelector: selector!, privateKey };
}
