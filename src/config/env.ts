/**
 * Environment: the process environment over an optional `.env` file in the
 * working directory. Secrets come only from here, never from YAML.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';

export type Env = Readonly<Record<string, string | undefined>>;

export function loadEnv(cwd: string, processEnv: NodeJS.ProcessEnv): Env {
  const file = path.join(cwd, '.env');
  if (!existsSync(file)) return { ...processEnv };
  // parseEnv skips lines it cannot read; the file itself is never echoed (it holds secrets).
  const fromFile = parseEnv(readFileSync(file, 'utf8')) as Record<string, string>;
  return { ...fromFile, ...processEnv };
}

/** Values that must never be printed, logged or journaled. */
export function secretsOf(env: Env): string[] {
  const out: string[] = [];
  for (const name of ['SMTP_URL', 'UNSUBSCRIBE_SECRET', 'SMTP_PASSWORD']) {
    const v = env[name];
    if (v) out.push(v);
  }
  if (env.SMTP_URL) {
    try {
      const u = new URL(env.SMTP_URL);
      if (u.password) out.push(u.password, decodeURIComponent(u.password));
    } catch {
      // An unparsable URL is reported elsewhere, without its text.
    }
  }
  // Shorter values cannot be blotted out without mangling ordinary words (a secret 'bench' would
  // hide every path with 'bench' in it); enews warns when UNSUBSCRIBE_SECRET is that short.
  return out.filter((s) => s.length >= 8);
}
