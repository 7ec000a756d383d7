/**
 * SMTP connection settings from SMTP_URL: smtp://user:pass@host:587 (STARTTLS
 * when offered) or smtps://user:pass@host:465 (TLS from the start), with
 * nodemailer's query options (?requireTLS=true&tls.servername=…&name=…).
 * Parsed with the WHATWG URL parser. Error messages never contain the URL:
 * it holds the password.
 */
import { EnewsError } from '../../errors.js';
import type { Env } from '../../config/env.js';

/** The variables, and what each holds (the README's Configuration section and .env.example say the same). */
export const SMTP_VARIABLES = {
  SMTP_URL:
    'the server to send through: smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (TLS from the start), ' +
    "with nodemailer's query options; special characters in the password as %XX",
} as const;

export interface SmtpSettings {
  /** host:port, safe to print. */
  display: string;
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
  /** Further options for nodemailer's SMTPConnection (requireTLS, tls.*, name…). */
  extra: Record<string, unknown>;
}

export function smtpSettings(env: Env): SmtpSettings {
  const raw = env.SMTP_URL;
  if (!raw) {
    throw new EnewsError(
      'smtp-url-missing',
      'SMTP_URL is not set, so enews does not know which server to send through.',
      {
        problems: [
          {
            message:
              'Set it in the environment or in a .env file: ' +
              'SMTP_URL=smtp://USER:PASSWORD@smtp.example.org:587 (smtps://…:465 for TLS from the start).',
          },
        ],
      },
    );
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EnewsError(
      'smtp-url-invalid',
      'SMTP_URL is not a valid URL (its value is not shown because it may contain a password).',
      {
        problems: [
          {
            message:
              'Use the form smtp://USER:PASSWORD@host:587; write special ' +
              'characters in the password as %XX (e.g. @ as %40).',
          },
        ],
      },
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new EnewsError(
      'smtp-url-invalid',
      `SMTP_URL must start with smtp:// or smtps:// (it starts with ${url.protocol}//).`,
    );
  }
  if (!url.hostname)
    throw new EnewsError('smtp-url-invalid', 'SMTP_URL names no server: use smtp://USER:PASSWORD@host:587.');
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  const auth = url.username || url.password ? { user: decode(url.username), pass: decode(url.password) } : null;
  return {
    display: `${url.hostname}:${port}`,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port,
    secure,
    auth,
    extra: queryOptions(url.searchParams),
  };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new EnewsError(
      'smtp-url-invalid',
      'SMTP_URL has a broken %XX escape in the user name or password (the value is not shown).',
      {
        problems: [{ message: 'Write special characters as %XX, e.g. @ as %40 and % itself as %25.' }],
      },
    );
  }
}

/**
 * The name enews greets the server with (EHLO) when SMTP_URL gives none (`?name=mail.example.org`): the machine's
 * own name when it is a full domain name (RFC 5321 asks for the client's), else the domain of the envelope sender.
 * nodemailer's own fallback, `[127.0.0.1]`, is the address of no machine a relay sees, and relays that check the
 * greeting (Postfix's reject_non_fqdn_helo_hostname, reject_unknown_helo_hostname, spam filters' HELO rules)
 * refuse or score it; so do names only a local network knows (`localhost.localdomain`, `mac.local`,
 * `ip-10-0-0-5.ec2.internal`). The sender's domain is one the relay can look up, and the one MAIL FROM names.
 * Null: neither is usable, and nodemailer's fallback stays.
 */
export function greetingName(hostname: string, senderDomain: string | null): string | null {
  const host = hostname.trim().toLowerCase();
  const fqdn = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;
  if (fqdn.test(host) && !/^localhost\b|\.(?:localdomain|local|internal|lan|home|localhost)$/.test(host)) return host;
  return senderDomain && fqdn.test(senderDomain) ? senderDomain.toLowerCase() : null;
}

/**
 * `?tls.rejectUnauthorized=false&name=mail.example.org` → { tls: { rejectUnauthorized: false }, name: … },
 * as nodemailer reads it.
 */
function queryOptions(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, text] of params) {
    const value: unknown =
      text === 'true'
        ? true
        : text === 'false'
          ? false
          : text !== '' && !Number.isNaN(Number(text))
            ? Number(text)
            : text;
    const parts = key.split('.');
    let obj = out;
    for (const p of parts.slice(0, -1)) obj = (obj[p] ??= {}) as Record<string, unknown>;
    obj[parts[parts.length - 1]!] = value;
  }
  return out;
}
