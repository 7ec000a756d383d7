/**
 * SMTP connection settings from SMTP_URL (nodemailer's URL form), plus DKIM
 * from DKIM_* variables. Error messages here never contain the URL or key.
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { EnewsError } from '../errors.js';
import type { Env } from '../config/env.js';

export interface SmtpSettings {
  /** host:port, safe to print. */
  display: string;
  options: Record<string, unknown>;
}

export interface SmtpTuning {
  concurrency: number;
  timeoutMs: number;
  insecureTls: boolean;
}

export function smtpSettings(env: Env, tuning: SmtpTuning): SmtpSettings {
  const raw = env.SMTP_URL;
  if (!raw) {
    throw new EnewsError('smtp-url-missing', 'SMTP_URL is not set, so enews does not know which server to send through.', {
      problems: [{ message: 'Set it in the environment or in a .env file: SMTP_URL=smtp://user:password@smtp.example.org:587 (smtps://…:465 for TLS from the start).' }],
    });
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnewsError('smtp-url-invalid', 'SMTP_URL is not a valid URL (its value is not shown because it may contain a password).', {
      problems: [{ message: 'Use the form smtp://user:password@host:587; write special characters in the password as %XX (e.g. @ as %40).' }],
    });
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new EnewsError('smtp-url-invalid', `SMTP_URL must start with smtp:// or smtps:// (it starts with ${url.protocol}//).`);
  }
  const parsed = parseConnectionUrl(raw) as Record<string, unknown> & { auth?: { user: string; pass: string }; tls?: Record<string, unknown> };
  if (parsed.auth) {
    parsed.auth = { user: decodeURIComponent(parsed.auth.user), pass: decodeURIComponent(parsed.auth.pass) };
  }
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const options: Record<string, unknown> = {
    ...parsed,
    pool: true,
    maxConnections: tuning.concurrency,
    // One connection carries many messages; reconnect now and then so a long send is not one endless session.
    maxMessages: 1000,
    connectionTimeout: tuning.timeoutMs,
    greetingTimeout: tuning.timeoutMs,
    socketTimeout: tuning.timeoutMs,
    tls: { ...(parsed.tls ?? {}), ...(tuning.insecureTls ? { rejectUnauthorized: false } : {}) },
    logger: false,
    debug: false,
  };
  return { display: `${url.hostname}:${port}`, options };
}

export interface DkimSettings {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export function dkimSettings(env: Env): DkimSettings | null {
  const { DKIM_DOMAIN: domain, DKIM_SELECTOR: selector, DKIM_PRIVATE_KEY_FILE: keyFile } = env;
  if (!domain && !selector && !keyFile) return null;
  const missing = [!domain && 'DKIM_DOMAIN', !selector && 'DKIM_SELECTOR', !keyFile && 'DKIM_PRIVATE_KEY_FILE'].filter(Boolean);
  if (missing.length) {
    throw new EnewsError('dkim-config', `DKIM signing is half configured: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`, {
      problems: [{ message: 'Set all three of DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE, or none.' }],
    });
  }
  if (!existsSync(keyFile!)) throw new EnewsError('dkim-config', `DKIM_PRIVATE_KEY_FILE points to ${keyFile}, which does not exist.`);
  const privateKey = readFileSync(keyFile!, 'utf8');
  try {
    createPrivateKey(privateKey);
  } catch {
    throw new EnewsError('dkim-config', `DKIM_PRIVATE_KEY_FILE (${keyFile}) does not hold a PEM private key (-----BEGIN PRIVATE KEY-----).`);
  }
  return { domainName: domain!, keySelector: selector!, privateKey };
}
