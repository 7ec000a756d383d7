/**
 * What a refused or returned message means for its recipient's address, one
 * table for both ways a refusal arrives: the SMTP reply during the send (a
 * relay that checks recipients says 550 5.1.1 at RCPT TO) and a delivery
 * report afterwards (RFC 3464). Either the address is gone (never mail it
 * again: a `bounced` event), or the message failed this time for a reason
 * that says nothing final about the address (policy, content, a full
 * mailbox, a system problem: a `soft-bounced` event for the issue; soft
 * bounces in three issues make a bounce).
 *
 * The reasoning, from RFC 3463's enhanced status codes (class.subject.detail):
 * - Only a permanent class (5.x.x) can say an address is gone; 4.x.x never does.
 * - Subject 1 (addressing) says it, in these details: 1 bad destination mailbox,
 *   2 bad destination system, 3 bad mailbox address syntax, 6 mailbox has moved
 *   (no forwarding address), 10 the domain accepts no mail (null MX, RFC 7505).
 *   Detail 4 (ambiguous) and the rest of subject 1 do not.
 * - 5.2.1 (mailbox disabled, not accepting messages) is how large providers
 *   say an account was closed: gone. 5.2.2 (mailbox full), 5.2.3 (message too
 *   large) and 5.2.4 (list expansion) are about this message: failed.
 * - Subjects 3 (mail system), 4 (network and routing), 5 (protocol), 6 (content)
 *   and 7 (security and policy: "rejected as spam", DMARC, blocked sender) are
 *   about this message or the path it took: failed.
 * - 5.0.0 and 5.1.0 (other, undefined) and a bare reply code with no enhanced
 *   code carry their meaning only in words: "user unknown", "no such user"…
 *   are gone; anything else failed.
 */

export type Meaning = 'gone' | 'failed';

const GONE = new Set(['1.1', '1.2', '1.3', '1.6', '1.10', '2.1']);

const WHO = '(user|recipient|mailbox|address|account)';
const USER_UNKNOWN = new RegExp(
  [
    `\\b${WHO}( name)? (is )?(unknown|not found|does ?n[o']t exist|unavailable|invalid|disabled)\\b`,
    `\\bno such ${WHO}\\b`,
    `\\bunknown ${WHO}\\b`,
    '\\binvalid (recipient|mailbox|address)\\b',
    '\\bdoes not exist\\b',
    '\\bno mailbox\\b',
  ].join('|'),
  'i',
);

/**
 * The meaning of a permanent refusal. `status` is an enhanced status code ("5.1.1"), when there is one;
 * `text` the reply or diagnostic text. Temporary ones (4.x.x, 4xx) are never `gone`.
 */
export function meaningOf(status: string | null, replyCode: number | null, text: string): Meaning {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status?.trim() ?? '');
  if (m) {
    if (m[1] !== '5') return 'failed';
    const subjectDetail = `${Number(m[2])}.${Number(m[3])}`;
    if (GONE.has(subjectDetail)) return 'gone';
    if (subjectDetail !== '0.0' && subjectDetail !== '1.0') return 'failed';
    return USER_UNKNOWN.test(text) ? 'gone' : 'failed';
  }
  if (replyCode !== null && (replyCode < 500 || replyCode > 599)) return 'failed';
  return USER_UNKNOWN.test(text) ? 'gone' : 'failed';
}

/** The enhanced status code at the start of an SMTP reply ("550 5.1.1 <x>: …" → "5.1.1"), or null. */
export function statusOfReply(reply: string): string | null {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(reply.trim())?.[1] ?? null;
}
