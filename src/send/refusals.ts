/**
 * A recipient the server refused during the send is a return like any
 * other: "no such user" at RCPT TO (the usual case when the relay checks
 * recipients) must stop the next issue from going to that address, as a
 * bounce report would. Each permanent refusal becomes a return (one shape,
 * returns/return.ts), proved by construction (the sender saw the reply to
 * its own message), classified by the one table (returns/status.ts), and
 * recorded by the one function (returns/record.ts): `bounced` when the
 * address is gone, `soft-bounced` for the issue otherwise (a refusal of the
 * content, a full mailbox).
 *
 * They are recorded at the end of a run, and again (harmlessly: each event
 * once) at the start of the next, from the journal: a run killed before its
 * end loses none.
 */
import type { EventStore } from '../events/store.js';
import { recordReturns, type RecordResult } from '../returns/record.js';
import { noEvidence, type Return } from '../returns/return.js';
import { meaningOf, statusOfReply } from '../returns/status.js';

export interface Refusal {
  /** The recipient's address key. */
  key: string;
  code: number | null;
  response: string;
}

/** The permanent refusals (5xx) among `refusals` as returns of `issue`; enews's own refusals (no code) are not. */
export function refusalReturns(refusals: Refusal[], issue: number): Return[] {
  const out: Return[] = [];
  for (const r of refusals) {
    if (r.code === null || r.code < 500 || r.code > 599) continue;
    const gone = meaningOf(statusOfReply(r.response), r.code, r.response) === 'gone';
    out.push({
      ref: `the server's reply to the message for ${r.key}`,
      source: 'smtp',
      outcome: { type: gone ? 'bounced' : 'soft-bounced', detail: r.response },
      evidence: { ...noEvidence(), sender: { address: r.key, issue } },
    });
  }
  return out;
}

export async function recordRefusals(
  refusals: Refusal[],
  o: { issue: number; store: EventStore; listId: string; at: string },
): Promise<RecordResult | null> {
  const returns = refusalReturns(refusals, o.issue);
  if (returns.length === 0) return null;
  return recordReturns(returns, {
    store: o.store,
    journals: [],
    journalStore: null,
    secrets: [],
    listId: o.listId,
    dryRun: false,
    at: o.at,
  });
}
