/**
 * Whom a return is about, and for which issue, from the send journals.
 *
 * In this order: the VERP id of the address the return was sent to (it
 * names the exact message even when the report quotes nothing of it, and
 * survives relays that rewrite Message-IDs, such as Amazon SES); then the
 * Message-ID of the returned message (or In-Reply-To / References); then,
 * only as a last resort, the address the report itself names (Final-
 * Recipient, Original-Rcpt-To), and only if a journal records a message
 * sent to it: the issue is then unknown. Nothing else is guessed.
 */
import type { EventType } from '../events/events.js';
import type { Classified, FailedRecipient, IgnoredReason, References, UnmatchedReason } from './classify.js';
import type { JournalIndex, SentMessage, Wanted } from './journal-index.js';

export type MatchedBy = 'verp' | 'message-id' | 'address' | 'token' | 'from';

export interface Candidate {
  type: EventType;
  email: string;
  issue?: number;
  source: 'dsn' | 'arf' | 'mailto';
  detail?: string;
  via: MatchedBy;
}

export type Resolution =
  | { outcome: EventType; candidates: Candidate[] }
  | { outcome: 'ignored'; why: IgnoredReason }
  | { outcome: 'unmatched'; why: UnmatchedReason; detail?: string };

/** Adds what resolving `c` will need to look up in the journals. */
export function addWanted(c: Classified, w: Wanted): void {
  if (c.kind === 'dsn' || c.kind === 'complaint') {
    for (const id of c.refs.verpIds) w.verpIds.add(id);
    for (const id of c.refs.messageIds) w.messageIds.add(id);
    for (const a of c.fallback) w.addresses.add(a);
  } else if (c.kind === 'unsubscribe' && !c.token && c.from) w.addresses.add(c.from);
}

export function resolve(c: Classified, index: JournalIndex): Resolution {
  switch (c.kind) {
    case 'ignored':
      return { outcome: 'ignored', why: c.why };
    case 'unmatched':
      return { outcome: 'unmatched', why: c.why, ...(c.detail ? { detail: c.detail } : {}) };
    case 'unsubscribe':
      if (c.token) {
        const detail = 'request by mail, with the token of the subscriber';
        return event([{ type: 'unsubscribed', email: c.token, source: 'mailto', detail, via: 'token' }]);
      }
      if (c.from && index.onList.has(c.from)) {
        const detail = 'request by mail from the subscribed address';
        return event([{ type: 'unsubscribed', email: c.from, source: 'mailto', detail, via: 'from' }]);
      }
      return c.from ? { outcome: 'unmatched', why: 'not-on-list', detail: c.from } : noRecipient();
    case 'complaint': {
      const sent = lookUp(c.refs, index);
      const base = { type: 'complained' as const, source: 'arf' as const, detail: c.detail };
      if (sent) return event([{ ...base, email: sent.email, issue: sent.issue, via: sent.via }]);
      const known = c.fallback.filter((a) => index.onList.has(a));
      if (known.length > 0) return event(known.map((email) => ({ ...base, email, via: 'address' as const })));
      return c.fallback[0] ? { outcome: 'unmatched', why: 'not-on-list', detail: c.fallback[0] } : noRecipient();
    }
    case 'dsn': {
      const sent = lookUp(c.refs, index);
      // A report can list several recipients (an alias expanded, a forward): the subscriber's own
      // block if there is one, else the most serious failure.
      const worst = [...c.failed].sort((a, b) => severity(b.type) - severity(a.type));
      if (sent) {
        const r = c.failed.find((x) => x.addresses.includes(sent.email)) ?? worst[0]!;
        return event([{ ...bounce(r), email: sent.email, issue: sent.issue, via: sent.via }]);
      }
      const found: Candidate[] = [];
      for (const r of worst) {
        const email = r.addresses.find((a) => index.onList.has(a));
        if (email && !found.some((x) => x.email === email)) found.push({ ...bounce(r), email, via: 'address' });
      }
      if (found.length === 0) {
        // X-Failed-Recipients (Exim, Gmail) when the report's own fields name no one on the list.
        const email = c.fallback.find((a) => index.onList.has(a));
        if (email) found.push({ ...bounce(worst[0]!), email, via: 'address' });
      }
      if (found.length > 0) return event(found);
      return c.fallback[0] ? { outcome: 'unmatched', why: 'not-on-list', detail: c.fallback[0] } : noRecipient();
    }
  }
}

function event(candidates: Candidate[]): Resolution {
  return { outcome: candidates[0]!.type, candidates };
}

function noRecipient(): Resolution {
  return { outcome: 'unmatched', why: 'no-recipient' };
}

function bounce(r: FailedRecipient) {
  return { type: r.type, source: 'dsn' as const, detail: r.detail };
}

function severity(t: EventType): number {
  return t === 'bounced' ? 2 : 1;
}

function lookUp(refs: References, index: JournalIndex): (SentMessage & { via: MatchedBy }) | null {
  for (const id of refs.verpIds) {
    const s = index.byVerpId.get(id);
    if (s) return { ...s, via: 'verp' };
  }
  for (const id of refs.messageIds) {
    const s = index.byMessageId.get(id);
    if (s) return { ...s, via: 'message-id' };
  }
  return null;
}
