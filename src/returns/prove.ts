/**
 * Whom a return is about, proved, or nothing. Every message enews sends has
 * exactly one recipient, so a genuine return proves one address (and,
 * mostly, one issue). What counts as proof, strongest first:
 *
 * 1. The sender saw it itself: the SMTP reply to its own message.
 * 2. A self-proving VERP id that matches an address the return names (the
 *    envelope the return came back to: the most direct witness).
 * 3. An unsubscribe token (sealed with the secret: nobody can make one for
 *    someone else's address), in the request or in the returned headers.
 * 3b. A self-proving VERP id whose address the return does not name (an
 *    alias forwarded it), matched to a recipient of that issue in the journals.
 * 4. An identifier that a send journal records for exactly one recipient: an
 *    older VERP id, the returned message's Message-ID, the provider's id.
 * 5. For an unsubscribe request: its sender, authenticated by the mailbox's
 *    own server.
 *
 * An address the return merely names proves nothing: anyone can write a
 * report naming anyone.
 */
import { verpMatchesAny } from '../personalize/return-path.js';
import type { Outcome, Return } from './return.js';
import type { SentIndex, SentMessage, Wanted } from './sent-index.js';

export type ProvedBy =
  | 'smtp-reply'
  | 'token'
  | 'verp'
  | 'verp+journal'
  | 'legacy-verp'
  | 'message-id'
  | 'provider-id'
  | 'authenticated-sender';

export interface Proven {
  email: string;
  issue?: number;
  via: ProvedBy;
  /** What happened to that address (a report naming several recipients: its own block). */
  outcome: Outcome;
}

export interface ProofContext {
  /**
   * The keys of tokens and VERP ids: UNSUBSCRIBE_SECRET, then the ones it replaced (UNSUBSCRIBE_SECRET_OLD).
   * Empty: only journal-bound proofs work.
   */
  secrets: readonly string[];
  listId: string;
}

/** Adds what proving `r` will need to look up in the send journals. */
export function addWanted(r: Return, w: Wanted, ctx: ProofContext): void {
  const e = r.evidence;
  if (e.sender || e.token) return;
  for (const id of e.messageIds) w.messageIds.add(id);
  for (const id of e.legacyVerp) w.legacyVerp.add(id);
  for (const id of e.providerIds) w.providerIds.add(id);
  if (ctx.secrets.length === 0) return;
  for (const v of e.verp) {
    if (e.named.some((a) => verpMatchesAny(ctx.secrets, ctx.listId, v, a))) continue;
    let macs = w.verpMacs.get(v.issue);
    if (!macs) w.verpMacs.set(v.issue, (macs = new Set()));
    macs.add(v.mac);
  }
}

export function prove(r: Return, index: SentIndex, ctx: ProofContext): Proven | null {
  const e = r.evidence;
  const found = (email: string, issue: number | null | undefined, via: ProvedBy): Proven => ({
    email,
    ...(issue != null ? { issue } : {}),
    via,
    outcome: r.perAddress?.[email] ?? r.outcome,
  });
  if (e.sender) return found(e.sender.address, e.sender.issue, 'smtp-reply');
  if (ctx.secrets.length > 0) {
    for (const v of e.verp) {
      const email = e.named.find((a) => verpMatchesAny(ctx.secrets, ctx.listId, v, a));
      if (email) return found(email, v.issue, 'verp');
    }
  }
  if (e.token) return found(e.token.address, e.token.issue, 'token');
  if (ctx.secrets.length > 0) {
    for (const v of e.verp) {
      const s = index.byVerp.get(`${v.issue}-${v.mac}`);
      if (s) return fromJournal(s, 'verp+journal');
    }
  }
  const lookups: Array<[string[], Map<string, SentMessage>, ProvedBy]> = [
    [e.legacyVerp, index.byLegacyVerp, 'legacy-verp'],
    [e.messageIds, index.byMessageId, 'message-id'],
    [e.providerIds, index.byProviderId, 'provider-id'],
  ];
  for (const [ids, map, via] of lookups) {
    for (const id of ids) {
      const s = map.get(id);
      if (s) return fromJournal(s, via);
    }
  }
  if (e.authenticatedFrom) return found(e.authenticatedFrom, null, 'authenticated-sender');
  return null;

  function fromJournal(s: SentMessage, via: ProvedBy): Proven {
    return found(s.email, s.issue, via);
  }
}
