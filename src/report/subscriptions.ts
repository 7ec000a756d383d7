/**
 * Joining and changes, per issue: the sign-ups confirmed between the start of
 * the previous issue's send and the start of this one's (exactly those this
 * issue's plan was the first to take: each send records how many events it
 * took sign-ups from, plan/rules.ts), and the changes made with this issue's
 * links (preferences page, coming back), which name the issue as
 * unsubscribes do.
 */
import type { EventStore } from '../events/store.js';
import type { JournalStore } from '../journal/store.js';

export interface SubscriptionCounts {
  /** Sign-ups confirmed since the previous issue's send began, up to this one's: they got this issue first. */
  joined: number;
  /** Changes of name or language made from this issue's links. */
  preferences: number;
  /** Subscribers who came back from this issue's links after unsubscribing. */
  resubscribed: number;
}

export async function tallySubscriptions(
  store: Pick<EventStore, 'each'>,
  journals: JournalStore,
  issue: number,
  upTo: number,
): Promise<SubscriptionCounts> {
  const from = await previousUpTo(journals, issue);
  const out: SubscriptionCounts = { joined: 0, preferences: 0, resubscribed: 0 };
  let i = 0;
  await store.each((e) => {
    if (e.type === 'subscribed' && i >= from && i < upTo) out.joined++;
    else if (e.type === 'preferences' && e.issue === issue) out.preferences++;
    else if (e.type === 'resubscribed' && e.issue === issue) out.resubscribed++;
    i++;
  });
  return out;
}

/** Where the previous issue that was sent took its sign-ups up to (0: none before this one). */
async function previousUpTo(journals: JournalStore, issue: number): Promise<number> {
  for (let n = issue - 1; n >= 1; n--) {
    const refs = await journals.issueJournals(n);
    if (refs.length === 0) continue;
    let most = 0;
    for (const ref of refs)
      await journals.read(
        ref,
        (r) => {
          if (r.type === 'run') most = Math.max(most, r.eventsUpTo ?? 0);
          return 'stop';
        },
        'skip',
      );
    return most;
  }
  return 0;
}
