/**
 * What an SMTP failure means for the recipient, decided from the error's
 * code and the server's status code, never from its wording.
 */

export type FailureKind =
  /** 5xx: the server will never accept this message for this recipient. */
  | 'permanent'
  /** 4xx, dropped connection, timeout: try again later. */
  | 'temporary'
  /** The whole run cannot go on: login refused, server unreachable, TLS rejected. */
  | 'fatal';

export interface Classified {
  kind: FailureKind;
  /** The server asked us to slow down (421/450/451/452). */
  throttle: boolean;
  code: number | null;
  /** One line for people and the journal. */
  response: string;
}

const THROTTLE_CODES = new Set([421, 450, 451, 452]);
const FATAL_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EDNS', 'ECONFIG', 'EPROTOCOL']);

export function classifySmtpError(err: unknown): Classified {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string; errno?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = oneLine(e.response ?? e.message ?? String(err));
  if (e.code && FATAL_CODES.has(e.code)) return { kind: 'fatal', throttle: false, code, response };
  if (code !== null && code >= 500 && code < 600) return { kind: 'permanent', throttle: false, code, response };
  if (code !== null && code >= 400 && code < 500) return { kind: 'temporary', throttle: THROTTLE_CODES.has(code), code, response };
  // No status code: a socket problem. Refused/unresolvable before anything was sent is fatal;
  // a connection that broke mid-way is temporary.
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/.test(`${e.errno ?? ''} ${e.message ?? ''}`)) {
    return { kind: 'fatal', throttle: false, code, response };
  }
  return { kind: 'temporary', throttle: false, code, response };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}
