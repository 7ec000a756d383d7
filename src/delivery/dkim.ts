/**
 * DKIM: the signer every transport uses on the final bytes of a message, so
 * a dry run's .eml carries the same signature the SMTP server would get
 * (its settings come from dkim-settings.ts).
 *
 * The signer is nodemailer's (`nodemailer/lib/dkim`, the code behind its
 * documented `dkim` transport option). This file is the only place that
 * imports it; tests/send.test.ts pins what we rely on: the signature
 * verifies and covers From, Subject and both List-Unsubscribe headers;
 * transports/smtp.test.ts that it only puts its field before the message
 * (the SMTP transport relies on that to send the rest as already stuffed).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import DKIM from 'nodemailer/lib/dkim';
import type { DkimSettings } from './dkim-settings.js';

/** Turns a message's bytes into a stream of the signed message. */
export type Signer = (raw: Buffer) => Readable;

/**
 * Signs with the key parsed once. nodemailer's signer hands its `privateKey` to crypto's sign() for every
 * message, and a PEM string is parsed anew each time: 2.2 ms per message with an RSA-2048 key, of which
 * 1.7 ms were parsing it; a KeyObject (a documented type for that option, crypto.KeyLike) takes 0.5 ms.
 */
export function dkimSigner(settings: DkimSettings): Signer {
  const privateKey: KeyObject = createPrivateKey(settings.privateKey);
  const dkim = new DKIM({ domainName: settings.domainName, keySelector: settings.keySelector, privateKey });
  return (raw) => dkim.sign(raw);
}

/** The whole signed message in memory (the dry run writes it to a file). */
export async function signToBuffer(sign: Signer, raw: Buffer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of sign(raw)) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
