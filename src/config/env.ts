/**
 * Environment: the process environment over an optional `.env` file in the
 * project folder (found from any of its subfolders, so a command typed in
 * issues/ sees the same secrets as one typed at the top). Secrets come only
 * from here, never from YAML.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { secretList } from './unsubscribe-secret.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** `dir` is the project folder, or the working folder outside a project. */
export function loadEnv(dir: string, processEnv: NodeJS.ProcessEnv): Env {
  const file = path.join(dir, '.env');
  if (!existsSync(file)) return { ...processEnv };
  // parseEnv skips lines it cannot read; the file itself is never echoed (it holds secrets).
  const fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  return { ...fromFile, ...processEnv };
}

/** Variables outside the transports whose values must never be printed (each transport names its own). */
const SECRET_VARIABLES = ['UNSUBSCRIBE_SECRET', 'UNSUBSCRIBE_SECRET_OLD', 'IMAP_URL', 'STATE_URL'];
/** Those of them that hold a URL, whose password is a secret of its own. */
const SECRET_URLS = ['IMAP_URL', 'STATE_URL'];

/**
 * Values that must never be printed, logged or journaled, whatever their length: `transportSecrets`, those every
 * transport declares (`transportSecrets` in src/delivery/transports/index.ts), and the rest's.
 */
export function secretsOf(env: Env, transportSecrets: readonly string[]): string[] {
  const out = [
    ...transportSecrets,
    ...secretValues(env, SECRET_VARIABLES),
    // Each of the old secrets is one (the variable may list several).
    ...secretList(env.UNSUBSCRIBE_SECRET_OLD),
    ...urlPasswords(env, SECRET_URLS),
  ];
  return [...new Set(out.filter((s) => s !== ''))];
}

/** The values of these variables, trimmed, and as set when that differs. */
export function secretValues(env: Env, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const v = env[name]?.trim();
    if (v) out.push(v);
    const full = env[name];
    if (full && full !== v) out.push(full);
  }
  return out;
}

/** The passwords in these variables' URLs, as written (%XX) and decoded. */
export function urlPasswords(env: Env, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const v = env[name];
    if (!v) continue;
    try {
      const u = new URL(v);
      if (u.password) out.push(u.password, safeDecode(u.password));
    } catch {
      // An unparsable URL is reported elsewhere, without its text.
    }
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The user:password part enews writes in the URLs of its own hints (`smtp://USER:PASSWORD@smtp.example.org:587`):
 * the one userinfo the redactor leaves alone, so a hint shows the form it asks for. Only this exact text: any other
 * userinfo, in whatever case, is blotted out; and were someone's real password `PASSWORD`, it would still be blotted
 * out as a secret of the environment.
 */
export const PLACEHOLDER_USERINFO = 'USER:PASSWORD';

/**
 * A function that blots secrets out of any text: first the user:password part
 * of any URL (but the placeholder above), then every occurrence of every
 * secret, longest first. A short password also blots out the same letters in
 * ordinary words; that is the price of the promise that it is never printed.
 */
export function redactor(secrets: string[]): (s: string) => string {
  const sorted = [...new Set(secrets)].sort((a, b) => b.length - a.length);
  return (s) => {
    const noUserinfo = s.replace(
      /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@]*:[^\s/@]*)@/gi,
      (_, scheme: string, info: string) => (info === PLACEHOLDER_USERINFO ? `${scheme}${info}@` : `${scheme}***@`),
    );
    return sorted.reduce((acc, secret) => (acc.includes(secret) ? acc.split(secret).join('***') : acc), noUserinfo);
  };
}
