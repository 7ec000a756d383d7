/**
 * What a returned message is, before anyone is looked up: a delivery report
 * (RFC 3464), a complaint (RFC 5965 ARF, or Hotmail's older JMRP form), an
 * unsubscribe request, or something to ignore or to show a person.
 *
 * The order matters. Reports come first: a bounce carries Auto-Submitted
 * (RFC 3464 asks for it) but is no out-of-office reply. An unsubscribe
 * request with a valid token is honoured even from software that marks its
 * mail auto-generated (the token is the proof); any other automatic reply
 * to the unsubscribe address is not a request.
 */
import { openToken } from '../personalize/token.js';
import { verpIdOf } from '../personalize/return-path.js';
import { addressKey } from '../util/email-address.js';
import {
  addressKeys,
  all,
  bareAddress,
  first,
  messageIds,
  oneLine,
  statusClass,
  statusFromDiagnostic,
} from './fields.js';
import type { ReturnFacts } from './parse.js';
import { autoReplySignal, challengeSignal, nonStandardBounce } from './recognise.js';

export type BounceType = 'bounced' | 'soft-bounced';

/** Where a return can name the message it answers. */
export interface References {
  /** VERP ids in the addresses the return was sent to, or that the returned message came from. */
  verpIds: string[];
  /** Message-IDs of the returned message. */
  messageIds: string[];
}

export interface FailedRecipient {
  /** Original-Recipient and Final-Recipient, as address keys. */
  addresses: string[];
  type: BounceType;
  detail: string;
}

export type IgnoredReason =
  | 'auto-reply'
  | 'challenge-response'
  | 'reply'
  | 'delivered'
  | 'other-feedback'
  | 'other-report';

export type UnmatchedReason =
  | 'too-large'
  | 'unreadable'
  | 'no-delivery-status'
  | 'no-recipient-fields'
  | 'no-status'
  | 'no-feedback-report'
  | 'nonstandard-bounce'
  | 'token-other-list'
  | 'no-recipient'
  | 'not-on-list';

export type Classified =
  | { kind: 'dsn'; refs: References; failed: FailedRecipient[]; fallback: string[] }
  | { kind: 'complaint'; refs: References; fallback: string[]; detail: string }
  | { kind: 'unsubscribe'; token: string | null; from: string | null }
  | { kind: 'ignored'; why: IgnoredReason }
  | { kind: 'unmatched'; why: UnmatchedReason; detail?: string };

export interface ClassifyContext {
  listId: string;
  /** The unsubscribe.mailto address key, if the newsletter has one. */
  unsubscribeKey: string | null;
  secret: string | null;
}

export function classify(f: ReturnFacts, ctx: ClassifyContext): Classified {
  if (f.contentType === 'multipart/report') return classifyReport(f);
  if (isLegacyJmrp(f)) return complaint(f, 'complaint report by Hotmail/Outlook.com (JMRP)');
  const auto = autoReplySignal(f.headers, f.subject);
  // A token counts in the subject (where the mailto link puts it), or in the body of mail to the unsubscribe
  // address: a reply to the newsletter quotes the subscriber's own link, and that is no request.
  const toUnsubscribe = ctx.unsubscribeKey !== null && addressedTo(f, ctx.unsubscribeKey);
  const token = ctx.secret ? findToken(toUnsubscribe ? [f.subject, f.body] : [f.subject], ctx) : null;
  if (token && 'otherList' in token) return { kind: 'unmatched', why: 'token-other-list', detail: token.otherList };
  if (token || (toUnsubscribe && !auto)) {
    return { kind: 'unsubscribe', token: token?.address ?? null, from: f.from ? addressKey(f.from) : null };
  }
  // Before the auto-reply test: a bounce in no standard form carries Auto-Submitted too.
  if (nonStandardBounce(f.headers, f.from, f.subject)) return { kind: 'unmatched', why: 'nonstandard-bounce' };
  if (auto) return { kind: 'ignored', why: 'auto-reply' };
  if (challengeSignal(f.headers, f.subject)) return { kind: 'ignored', why: 'challenge-response' };
  return { kind: 'ignored', why: 'reply' };
}

function classifyReport(f: ReturnFacts): Classified {
  if (f.reportType === 'delivery-status' || f.reportType === 'global-delivery-status') return classifyDsn(f);
  if (f.reportType === 'feedback-report') {
    if (!f.feedbackReport) return { kind: 'unmatched', why: 'no-feedback-report' };
    const type = (first(f.feedbackReport, 'feedback-type') ?? '').toLowerCase();
    // abuse is "this is spam"; fraud, virus, auth-failure (DMARC) and not-spam are not a subscriber's complaint.
    if (type !== 'abuse') return { kind: 'ignored', why: 'other-feedback' };
    const agent = first(f.feedbackReport, 'user-agent');
    return complaint(f, oneLine(`abuse report${agent ? ` by ${agent}` : ''}`, 200));
  }
  // Read receipts (disposition-notification) and anything else that is not about delivery or abuse.
  return { kind: 'ignored', why: 'other-report' };
}

function classifyDsn(f: ReturnFacts): Classified {
  const ds = f.deliveryStatus;
  if (!ds) return { kind: 'unmatched', why: 'no-delivery-status' };
  if (ds.recipients.length === 0) return { kind: 'unmatched', why: 'no-recipient-fields' };
  const failed: FailedRecipient[] = [];
  let unknownStatus = false;
  for (const r of ds.recipients) {
    const action = (first(r, 'action') ?? '').toLowerCase();
    if (['delivered', 'relayed', 'expanded'].includes(action)) continue;
    const diagnostic = first(r, 'diagnostic-code');
    const status = first(r, 'status') ?? statusFromDiagnostic(diagnostic);
    const cls = statusClass(status);
    // RFC 3464: delayed means still being tried; failed with a 4.x.x status gave up on a temporary error.
    const type: BounceType | null =
      action === 'delayed' ? 'soft-bounced' : cls === 'permanent' ? 'bounced' : cls ? 'soft-bounced' : null;
    if (!type) {
      unknownStatus = true;
      continue;
    }
    failed.push({
      addresses: addressKeys([first(r, 'original-recipient'), first(r, 'final-recipient')]),
      type,
      detail: oneLine([status, diagnostic].filter(Boolean).join(' ')),
    });
  }
  if (failed.length === 0)
    return unknownStatus ? { kind: 'unmatched', why: 'no-status' } : { kind: 'ignored', why: 'delivered' };
  const fallback = [...failed.flatMap((r) => r.addresses), ...addressKeys(all(f.headers, 'x-failed-recipients'))];
  return { kind: 'dsn', refs: references(f), failed, fallback: [...new Set(fallback)] };
}

function complaint(f: ReturnFacts, detail: string): Classified {
  const fallback = addressKeys([
    ...all(f.feedbackReport, 'original-rcpt-to'),
    ...all(f.original, 'x-hmxmroriginalrecipient'),
  ]);
  return { kind: 'complaint', refs: references(f), fallback, detail };
}

/** Hotmail's feedback loop before ARF: a message/rfc822 copy with the complainer in X-HmXmrOriginalRecipient. */
function isLegacyJmrp(f: ReturnFacts): boolean {
  return (
    f.original !== null &&
    (f.original['x-hmxmroriginalrecipient'] !== undefined ||
      (/^staff@hotmail\.com$/i.test(f.from ?? '') && /complaint about message/i.test(f.subject)))
  );
}

function references(f: ReturnFacts): References {
  const sentTo = ['delivered-to', 'x-original-to', 'envelope-to', 'to'].flatMap((n) => all(f.headers, n));
  const cameFrom = [
    ...all(f.original, 'return-path'),
    ...all(f.feedbackReport, 'original-mail-from'),
    ...all(f.deliveryStatus?.message, 'x-postfix-sender'),
  ];
  const verpIds = new Set<string>();
  for (const v of [...sentTo, ...f.recipients, ...cameFrom]) {
    const id = verpIdOf(v);
    if (id) verpIds.add(id);
  }
  const ids = messageIds([
    ...all(f.original, 'message-id'),
    ...all(f.deliveryStatus?.message, 'x-original-message-id'),
    ...all(f.headers, 'in-reply-to'),
    ...all(f.headers, 'references'),
  ]);
  return { verpIds: [...verpIds], messageIds: [...new Set(ids)] };
}

function addressedTo(f: ReturnFacts, key: string): boolean {
  const values = [
    ...f.recipients,
    ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((n) => all(f.headers, n)),
  ];
  return values.some((v) => {
    const a = bareAddress(v);
    return a !== null && addressKey(a) === key;
  });
}

/** The subscriber the first valid token in `texts` names, or the other list a token belongs to. */
function findToken(texts: string[], ctx: ClassifyContext): { address: string } | { otherList: string } | null {
  let other: string | null = null;
  for (const text of texts) {
    // At most a few candidates per text: a long message of random letters must not cost a decryption each.
    const candidates = [...text.matchAll(/[A-Za-z0-9_-]{40,700}/g)].slice(0, 10);
    for (const c of candidates) {
      const opened = openToken(ctx.secret!, c[0]);
      if (!opened) continue;
      if (opened.listId === ctx.listId) return { address: addressKey(opened.address) };
      other ??= opened.listId;
    }
  }
  return other ? { otherList: other } : null;
}
