/**
 * Transports by name. A new one (an HTTP mail API, say) is one file in this
 * folder implementing `Transport`, plus one line here.
 */
import { EnewsError } from '../../errors.js';
import type { Env } from '../../config/env.js';
import { dkimSettings, dkimSigner } from '../dkim.js';
import type { Transport } from '../transport.js';
import { fileTransport } from './file.js';
import { smtpTransport } from './smtp.js';
import { smtpSettings } from './smtp-settings.js';

/** What any transport may need; each takes what applies to it. */
export interface TransportOptions {
  env: Env;
  /** Folder for the file transport (dry run). */
  dir?: string;
  concurrency: number;
  timeoutMs: number;
  dataTimeoutMs: number;
  insecureTls: boolean;
}

const registry: Record<string, (o: TransportOptions) => Transport> = {
  smtp: (o) =>
    smtpTransport({
      settings: smtpSettings(o.env),
      sign: signer(o.env),
      timeoutMs: o.timeoutMs,
      dataTimeoutMs: o.dataTimeoutMs,
      insecureTls: o.insecureTls,
    }),
  file: (o) => fileTransport({ dir: o.dir ?? 'out', sign: signer(o.env) }),
};

export function createTransport(name: string, o: TransportOptions): Transport {
  const make = registry[name];
  if (!make)
    throw new EnewsError(
      'transport-unknown',
      `There is no transport "${name}" (known: ${Object.keys(registry).join(', ')}).`,
    );
  return make(o);
}

function signer(env: Env) {
  const dkim = dkimSettings(env);
  return dkim ? dkimSigner(dkim) : null;
}
