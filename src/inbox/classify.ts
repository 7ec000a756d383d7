/**
 * What a returned message is, turned into the one shape of a return
 * (returns/return.ts) with the evidence it carries, before anyone is looked
 * up: a delivery report (RFC 3464), a complaint (RFC 5965 ARF, or Hotmail's
 * older JMRP form), an unsubscribe request; or something to ignore, or to
 * show a person because it cannot be read.
 *
 * The order matters. Reports come first: a bounce carries Auto-Submitted
 * (RFC 3464 asks for it) but is no out-of-office reply. An unsubscribe
 * request with a valid token is honoured even from software that marks its
 * mail auto-generated (the token is the proof); any other automatic reply
 * to the unsubscribe address is not a request.
 */
import { openTokenWithAny } from '../personalize/token.js';
import { verpOf } from '../personalize/return-path.js';
import type { Outcome, Return } from '../returns/return.js';
import { noEvidence, type Evidence } from '../returns/return.js';
import { meaningOf } from '../returns/status.js';
import { addressKey } from '../util/email-address.js';
import { authenticatedSender } from './auth-results.js';
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

export type IgnoredReason =
  | 'auto-reply'
  | 'challenge-response'
  | 'reply'
  | 'delivered'
  | 'delayed'
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
  | 'token-other-list';

export type Classified =
  | { kind: 'return'; ret: Omit<Return, 'ref'> }
  | { kind: 'ignored'; why: IgnoredReason }
  | { kind: 'unmatched'; why: UnmatchedReason; detail?: string };

export interface ClassifyContext {
  listId: string;
  /** The unsubscribe.mailto address key, if the newsletter has one. */
  unsubscribeKey: string | null;
  /** UNSUBSCRIBE_SECRET, then UNSUBSCRIBE_SECRET_OLD: the keys tokens are opened with. Empty: none is read. */
  secrets: readonly string[];
  /** newsletter.yaml's inbox.authserv_id: whose Authentication-Results to believe. */
  authservId: string | null;
}

export function classify(f: ReturnFacts, ctx: ClassifyContext): Classified {
  if (f.contentType === 'multipart/report') return classifyReport(f, ctx);
  if (isLegacyJmrp(f)) return complaint(f, ctx, 'complaint report by Hotmail/Outlook.com (JMRP)');
  const auto = autoReplySignal(f.headers, f.subject);
  // A token counts in the subject (where the mailto link puts it), or in the body of mail sent to the unsubscribe
  // address: a reply to the newsletter quotes the subscriber's own link, and that is no request.
  const toUnsubscribe = ctx.unsubscribeKey !== null && addressedTo(f, ctx.unsubscribeKey);
  const token = ctx.secrets.length > 0 ? findToken(toUnsubscribe ? [f.subject, f.body] : [f.subject], ctx) : null;
  if (token && 'otherList' in token) return { kind: 'unmatched', why: 'token-other-list', detail: token.otherList };
  if (token || (toUnsubscribe && !auto)) {
    const evidence = noEvidence();
    if (token) evidence.token = token;
    else {
      const from = f.from ? addressKey(f.from) : null;
      const who = ctx.authservId
        ? authenticatedSender(all(f.headers, 'authentication-results'), ctx.authservId, from)
        : null;
      if (who) evidence.authenticatedFrom = who;
    }
    const detail = token ? 'request by mail, with the token of the subscriber' : 'request by mail from its sender';
    return ret('mailto', { type: 'unsubscribed', detail }, evidence);
  }
  // Before the auto-reply test: a bounce in no standard form carries Auto-Submitted too.
  if (nonStandardBounce(f.headers, f.from, f.subject)) return { kind: 'unmatched', why: 'nonstandard-bounce' };
  if (auto) return { kind: 'ignored', why: 'auto-reply' };
  if (challengeSignal(f.headers, f.subject)) return { kind: 'ignored', why: 'challenge-response' };
  return { kind: 'ignored', why: 'reply' };
}

function ret(
  source: Return['source'],
  outcome: Outcome,
  evidence: Evidence,
  perAddress?: Record<string, Outcome>,
): Classified {
  return { kind: 'return', ret: { source, outcome, evidence, ...(perAddress ? { perAddress } : {}) } };
}

function classifyReport(f: ReturnFacts, ctx: ClassifyContext): Classified {
  if (f.reportType === 'delivery-status' || f.reportType === 'global-delivery-status') return classifyDsn(f, ctx);
  if (f.reportType === 'feedback-report') {
    if (!f.feedbackReport) return { kind: 'unmatched', why: 'no-feedback-report' };
    const type = (first(f.feedbackReport, 'feedback-type') ?? '').toLowerCase();
    // abuse is "this is spam"; fraud, virus, auth-failure (DMARC) and not-spam are not a subscriber's complaint.
    if (type !== 'abuse') return { kind: 'ignored', why: 'other-feedback' };
    const agent = first(f.feedbackReport, 'user-agent');
    return complaint(f, ctx, oneLine(`abuse report${agent ? ` by ${agent}` : ''}`, 200));
  }
  // Read receipts (disposition-notification) and anything else that is not about delivery or abuse.
  return { kind: 'ignored', why: 'other-report' };
}

/**
 * RFC 3464: `delayed` means the message is still being tried, so it says nothing yet (a later report says how it
 * ended). `failed` means this issue did not reach the recipient, whatever the status class: an address that is gone
 * (returns/status.ts) bounces; anything else (a full mailbox, a refusal of the content, a queue that gave up on a
 * temporary error) is a soft bounce of the issue.
 */
function classifyDsn(f: ReturnFacts, ctx: ClassifyContext): Classified {
  const ds = f.deliveryStatus;
  if (!ds) return { kind: 'unmatched', why: 'no-delivery-status' };
  if (ds.recipients.length === 0) return { kind: 'unmatched', why: 'no-recipient-fields' };
  const perAddress: Record<string, Outcome> = {};
  const outcomes: Outcome[] = [];
  let unknownStatus = false;
  let delayed = false;
  for (const r of ds.recipients) {
    const action = (first(r, 'action') ?? '').toLowerCase();
    if (['delivered', 'relayed', 'expanded'].includes(action)) continue;
    if (action === 'delayed') {
      delayed = true;
      continue;
    }
    const diagnostic = first(r, 'diagnostic-code');
    const status = first(r, 'status') ?? statusFromDiagnostic(diagnostic);
    const cls = statusClass(status);
    if (!cls) {
      unknownStatus = true;
      continue;
    }
    const gone = cls === 'permanent' && meaningOf(status ?? null, null, diagnostic ?? '') === 'gone';
    const outcome: Outcome = {
      type: gone ? 'bounced' : 'soft-bounced',
      detail: oneLine([status, diagnostic].filter(Boolean).join(' ')),
    };
    outcomes.push(outcome);
    for (const a of addressKeys([first(r, 'original-recipient'), first(r, 'final-recipient')]))
      perAddress[a] ??= outcome;
  }
  if (outcomes.length === 0) {
    if (unknownStatus) return { kind: 'unmatched', why: 'no-status' };
    return { kind: 'ignored', why: delayed ? 'delayed' : 'delivered' };
  }
  const worst = outcomes.find((o) => o.type === 'bounced') ?? outcomes[0]!;
  const evidence = evidenceOf(f, ctx);
  evidence.named = [...new Set([...Object.keys(perAddress), ...addressKeys(all(f.headers, 'x-failed-recipients'))])];
  return ret('dsn', worst, evidence, perAddress);
}

function complaint(f: ReturnFacts, ctx: ClassifyContext, detail: string): Classified {
  const evidence = evidenceOf(f, ctx);
  evidence.named = addressKeys([
    ...all(f.feedbackReport, 'original-rcpt-to'),
    ...all(f.original, 'x-hmxmroriginalrecipient'),
    ...all(f.original, 'to'),
  ]);
  return ret('arf', { type: 'complained', detail }, evidence);
}

/** Hotmail's feedback loop before ARF: a message/rfc822 copy with the complainer in X-HmXmrOriginalRecipient. */
function isLegacyJmrp(f: ReturnFacts): boolean {
  return (
    f.original !== null &&
    (f.original['x-hmxmroriginalrecipient'] !== undefined ||
      (/^staff@hotmail\.com$/i.test(f.from ?? '') && /complaint about message/i.test(f.subject)))
  );
}

/**
 * What a report carries that may prove whom it is about: the VERP ids of the addresses it was sent to (or the
 * returned message came from), the returned message's Message-IDs, and the token in its List-Unsubscribe.
 */
function evidenceOf(f: ReturnFacts, ctx: ClassifyContext): Evidence {
  const e = noEvidence();
  const sentTo = ['delivered-to', 'x-original-to', 'envelope-to', 'to'].flatMap((n) => all(f.headers, n));
  const cameFrom = [
    ...all(f.original, 'return-path'),
    ...all(f.feedbackReport, 'original-mail-from'),
    ...all(f.deliveryStatus?.message, 'x-postfix-sender'),
  ];
  const seen = new Set<string>();
  for (const v of [...sentTo, ...f.recipients, ...cameFrom]) {
    const id = verpOf(v);
    if (!id) continue;
    const key = 'legacy' in id ? id.legacy : `${id.issue}-${id.mac}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if ('legacy' in id) e.legacyVerp.push(id.legacy);
    else e.verp.push(id);
  }
  e.messageIds = [
    ...new Set(
      messageIds([
        ...all(f.original, 'message-id'),
        ...all(f.deliveryStatus?.message, 'x-original-message-id'),
        ...all(f.headers, 'in-reply-to'),
        ...all(f.headers, 'references'),
      ]),
    ),
  ];
  if (ctx.secrets.length > 0) {
    const t = findToken(all(f.original, 'list-unsubscribe'), ctx);
    if (t && !('otherList' in t)) e.token = t;
  }
  return e;
}

/** Sent to `key` (To, or the envelope's Delivered-To / X-Original-To), not merely copied to it. */
function addressedTo(f: ReturnFacts, key: string): boolean {
  const values = [
    ...all(f.headers, 'to'),
    ...['delivered-to', 'x-original-to', 'envelope-to'].flatMap((n) => all(f.headers, n)),
  ];
  return values.some((v) =>
    v.split(',').some((part) => {
      const a = bareAddress(/<([^<>]+)>/.exec(part)?.[1] ?? part);
      return a !== null && addressKey(a) === key;
    }),
  );
}

type FoundToken = { address: string; issue: number | null } | { otherList: string };

/** The subscriber (and issue) the first valid token in `texts` names, or the other list a token belongs to. */
function findToken(texts: string[], ctx: ClassifyContext): FoundToken | null {
  let other: string | null = null;
  for (const text of texts) {
    // At most a few candidates per text: a long message of random letters must not cost a decryption each.
    const candidates = [...text.matchAll(/[A-Za-z0-9_-]{40,700}/g)].slice(0, 10);
    for (const c of candidates) {
      const opened = openTokenWithAny(ctx.secrets, c[0]);
      if (!opened) continue;
      if (opened.listId === ctx.listId) return { address: addressKey(opened.address), issue: opened.issue };
      other ??= opened.listId;
    }
  }
  return other ? { otherList: other } : null;
}
