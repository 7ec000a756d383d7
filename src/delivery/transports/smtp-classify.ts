/**
 * What an SMTP failure means, decided in this order:
 *
 * 1. The server's reply code, when there is one (it is the server's own
 *    verdict): 421/450/451/452 "slow down"; other 4xx temporary; 5xx that
 *    are about the sender (login, relay, sender address) stop the run, so
 *    no subscriber is blamed for them; other 5xx are the recipient's,
 *    permanent.
 * 2. Otherwise the client's error code: refused login, TLS or DNS trouble
 *    and an unreachable server stop the run; a connection that broke or
 *    timed out is temporary.
 *
 * The reply text is read in one case only: Postfix answers both "Relay
 * access denied" (our relay refuses us: sender-level) and "Recipient address
 * rejected: Access denied" (that recipient's) with 554 5.7.1, and only the
 * words tell them apart.
 */
import type { Classified, OwnRefusal } from '../transport.js';

/** The README's "slow down" codes; the engine cuts the rate when they pile up. */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([421, 450, 451, 452]);

/** Authentication required / mechanism too weak / credentials invalid / encryption required. */
const AUTH_CODES = new Set([530, 534, 535, 538]);
/**
 * Enhanced status codes that name the sender: bad sender mailbox
 * (x.1.7), bad sender system (x.1.8), Exchange's relay refusals.
 */
const SENDER_STATUS = /^5\.(1\.[78]|7\.(54|64))$/;
const FATAL_ERRORS = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ETLS', 'EDNS', 'ECONFIG', 'EPROTOCOL', 'EREQUIRETLS']);
const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH/;

export interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
  errno?: string | number;
  originalCode?: string;
  /** Set by the transport: the failure came after the whole message was handed over. */
  afterData?: boolean;
  /** Set by the transport: a refusal decided before anything was sent, and why (permanent). */
  refusal?: OwnRefusal;
}

export function classifySmtpError(err: unknown): Classified {
  const e = (err ?? {}) as SmtpFailure;
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const response = oneLine(e.response ?? e.message ?? String(err));
  const result = (kind: Classified['kind'], uncertain = false): Classified => ({ kind, code, response, uncertain });
  if (e.refusal) return { ...result('permanent'), reason: e.refusal };
  if (code !== null) {
    if (THROTTLE_CODES.has(code)) return result('throttle');
    if (code >= 400 && code < 500) return result('temporary');
    if (code >= 500 && code < 600) return result(senderLevel(e, code, response) ? 'fatal' : 'permanent');
  }
  if (e.code && FATAL_ERRORS.has(e.code)) return result('fatal');
  // No reply at all: refused or unresolvable before anything was sent is fatal; a connection that broke is temporary.
  if (UNREACHABLE.test(`${e.errno ?? ''} ${e.originalCode ?? ''} ${e.message ?? ''}`)) return result('fatal');
  return result('temporary', Boolean(e.afterData));
}

function senderLevel(e: SmtpFailure, code: number, response: string): boolean {
  if (AUTH_CODES.has(code)) return true;
  // Refused at MAIL FROM: no recipient has even been named.
  if (e.command === 'MAIL FROM') return true;
  const status = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1];
  if (status && SENDER_STATUS.test(status)) return true;
  if (status === '5.7.1' && /\brelay/i.test(response)) return true;
  // Postfix delays sender restrictions to RCPT TO and says so in words.
  return /sender address rejected/i.test(response);
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}
