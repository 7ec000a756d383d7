/**
 * Transports by name: the one place that says what each needs. An entry
 * declares its name, the environment variables it reads and what each
 * holds (index.test.ts holds the README to them), how it reads its options
 * from them, the values among them that must never be printed, and how to
 * make it. A new transport (an HTTP mail API, say) is its own file in this
 * folder implementing `Transport` (../transport.ts), plus its entry here;
 * `transportFor` (src/send/transport.ts) says when a send uses it.
 *
 * Every command reads this file as it starts (the redactor needs every
 * secret before anything is printed), so it loads no transport: each is
 * imported when it is made.
 */
import { secretValues, urlPasswords, type Env } from '../../config/env.js';
import { EnewsError } from '../../errors.js';
import { DKIM_VARIABLES, dkimSettings, type DkimSettings } from '../dkim-settings.js';
import type { Signer } from '../dkim.js';
import type { Transport } from '../transport.js';
import { SMTP_VARIABLES, smtpSettings, type SmtpSettings } from './smtp-settings.js';

/** How a run wants its messages delivered, from the command line; each transport takes what applies to it. */
export interface DeliverySettings {
  /** The folder a dry run writes into. */
  dir: string | null;
  /** Connect, greeting, and every reply until the whole message is handed over. */
  timeoutMs: number;
  /** The reply after the whole message was handed over. */
  dataTimeoutMs: number;
  /** Accept any TLS certificate. */
  insecureTls: boolean;
  /** The envelope sender's domain, in ASCII: what SMTP greets with when nothing better is known (greetingName). */
  senderDomain: string | null;
}

export interface TransportEntry<N extends string, O> {
  readonly name: N;
  /** The environment variables it reads, each with what it holds. */
  readonly variables: Readonly<Record<string, string>>;
  /** Its options from the environment; a missing or broken one is an EnewsError (exit 1). Contacts nobody. */
  options(env: Env): O;
  /** Values in the environment that must never be printed. Never throws: it runs as every command starts. */
  secrets(env: Env): string[];
  /** The transport, not yet opened. */
  create(options: O, settings: DeliverySettings): Promise<Transport>;
}

const smtp: TransportEntry<'smtp', { smtp: SmtpSettings; dkim: DkimSettings | null }> = {
  name: 'smtp',
  variables: { ...SMTP_VARIABLES, ...DKIM_VARIABLES },
  options: (env) => ({ smtp: smtpSettings(env), dkim: dkimSettings(env) }),
  // SMTP_PASSWORD is not read; it is blotted out all the same, for a setup that keeps the password there too.
  secrets: (env) => [...secretValues(env, ['SMTP_URL', 'SMTP_PASSWORD']), ...urlPasswords(env, ['SMTP_URL'])],
  async create(o, s) {
    const [{ smtpTransport }, sign] = await Promise.all([import('./smtp.js'), signer(o.dkim)]);
    return smtpTransport({
      settings: o.smtp,
      sign,
      timeoutMs: s.timeoutMs,
      dataTimeoutMs: s.dataTimeoutMs,
      insecureTls: s.insecureTls,
      senderDomain: s.senderDomain,
    });
  },
};

const file: TransportEntry<'file', { dkim: DkimSettings | null }> = {
  name: 'file',
  variables: DKIM_VARIABLES,
  options: (env) => ({ dkim: dkimSettings(env) }),
  secrets: () => [],
  async create(o, s) {
    if (s.dir === null) throw new EnewsError('dry-run-dir', 'The file transport needs a folder to write into.');
    const [{ fileTransport }, sign] = await Promise.all([import('./file.js'), signer(o.dkim)]);
    return fileTransport({ dir: s.dir, sign });
  },
};

const registry = [smtp, file] as const;

type Entry = (typeof registry)[number];
export type TransportName = Entry['name'];

/** A transport named and configured from the environment, not yet made: a value a plan can carry. */
export type TransportConfig = ConfigOf<Entry>;
type ConfigOf<E> = E extends TransportEntry<infer N, infer O> ? { readonly name: N; readonly options: O } : never;

/** The variables each transport reads, by transport name. */
export function transportVariables(): Record<TransportName, Readonly<Record<string, string>>> {
  return Object.fromEntries(registry.map((e) => [e.name, e.variables])) as Record<
    TransportName,
    Record<string, string>
  >;
}

/** Every transport's secrets, whichever is used: any command may print a reply or an error that holds one. */
export function transportSecrets(env: Env): string[] {
  return registry.flatMap((e) => e.secrets(env));
}

/** Reads the named transport's options; refuses, before anything is sent, what is missing or wrong. */
export function configureTransport(name: TransportName, env: Env): TransportConfig {
  return { name, options: entry(name).options(env) } as TransportConfig;
}

export function createTransport(config: TransportConfig, settings: DeliverySettings): Promise<Transport> {
  return entry(config.name).create(config.options as never, settings);
}

function entry(name: TransportName): TransportEntry<TransportName, unknown> {
  return registry.find((e) => e.name === name) as TransportEntry<TransportName, unknown>;
}

/** The DKIM signer, when DKIM is configured (loaded only then: it brings nodemailer's signer). */
async function signer(dkim: DkimSettings | null): Promise<Signer | null> {
  if (!dkim) return null;
  const { dkimSigner } = await import('../dkim.js');
  return dkimSigner(dkim);
}
