/**
 * One shape for everything that comes back about a message, whatever brought
 * it: a delivery report or complaint read from the mailbox, an unsubscribe
 * request by mail, the SMTP server's refusal during the send (a webhook
 * tomorrow). Every source turns what it read into a `Return`; one function
 * (record.ts) proves whom each is about, and records what it proves.
 *
 * A return says what happened (`outcome`) and carries `evidence`. Evidence is
 * not proof until prove.ts has checked it: an address written in a report
 * proves nothing by itself, since anyone can write a report.
 */
import type { EventType } from '../events/events.js';
import type { VerpParts } from '../personalize/return-path.js';

export type ReturnSource = 'dsn' | 'arf' | 'mailto' | 'smtp';

export interface Outcome {
  type: EventType;
  detail: string;
}

export interface Evidence {
  /** Self-proving VERP ids of the addresses the return was sent to (or the returned message came from). */
  verp: VerpParts[];
  /** Older VERP ids (a hash of a Message-ID): proof through a journal that records it. */
  legacyVerp: string[];
  /** Message-IDs of the returned message: proof through a journal that records one sent to that address. */
  messageIds: string[];
  /** The delivery provider's ids of the returned message (an API relay's message id). */
  providerIds: string[];
  /** Address keys the return names (Final-Recipient, Original-Rcpt-To…): proof only with a VERP id. */
  named: string[];
  /** An unsubscribe token found in it (the request's subject, the reported message's List-Unsubscribe). */
  token?: { address: string; issue: number | null };
  /** The From address, authenticated by the mailbox's own server (inbox/auth-results.ts). */
  authenticatedFrom?: string;
  /** Seen by the sender itself (the SMTP reply to its own message): the recipient and issue, no proof needed. */
  sender?: { address: string; issue: number };
}

export interface Return {
  /** Where it came from, for people: "UID 42", "message 12", "the reply to RCPT TO". */
  ref: string;
  source: ReturnSource;
  /** What it says happened to the message (for a report naming several recipients: the most serious). */
  outcome: Outcome;
  /** For a report naming several recipients: what happened to each (address key → outcome). */
  perAddress?: Record<string, Outcome>;
  evidence: Evidence;
}

export function noEvidence(): Evidence {
  return { verp: [], legacyVerp: [], messageIds: [], providerIds: [], named: [] };
}
