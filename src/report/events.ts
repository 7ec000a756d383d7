/**
 * What happened after delivery, from the subscriber events: events that
 * name the issue are attributed to it; events without an issue number, of
 * addresses the journals record as sent, since the issue's first send, are
 * counted apart as "not attributed" (they may answer this issue or another).
 * Counts are of addresses, not events: three soft bounces of one mailbox
 * are one soft-bounced address.
 */
import { EVENT_TYPES, type AnyEventType, type EventType } from '../events/events.js';
import type { EventStore } from '../events/store.js';

export type EventCounts = Record<EventType, number>;

export interface EventAddresses {
  attributed: Record<EventType, string[]>;
  notAttributed: Record<EventType, string[]>;
}

export interface EventTally {
  attributed: EventCounts;
  notAttributed: EventCounts;
  /** Only when addresses were asked for, sorted. */
  addresses: EventAddresses | null;
}

export interface EventScope {
  number: number;
  /** Whether the journals record the address as sent. */
  gotIt(key: string): boolean;
  /** Events before this (ms) cannot be about the issue: its first send had not started. */
  since: number | null;
  keepAddresses: boolean;
}

function keySets(): Record<EventType, Set<string>> {
  return Object.fromEntries(EVENT_TYPES.map((t) => [t, new Set<string>()])) as Record<EventType, Set<string>>;
}

export async function tallyEvents(store: Pick<EventStore, 'each'>, scope: EventScope): Promise<EventTally> {
  // Sets only of the addresses in question: a few per cent of a send, not the whole events file.
  const attributed = keySets();
  const notAttributed = keySets();
  await store.each((e) => {
    // Only what came back from messages is rated per issue; sign-ups and changes are counted by subscriptions.ts.
    if (!isReturnType(e.type)) return;
    if (e.issue === scope.number) attributed[e.type].add(e.email);
    else if (e.issue === undefined && scope.gotIt(e.email) && after(e.at, scope.since)) {
      notAttributed[e.type].add(e.email);
    }
  });
  const counts = (sets: Record<EventType, Set<string>>) =>
    Object.fromEntries(EVENT_TYPES.map((t) => [t, sets[t].size])) as EventCounts;
  const sorted = (sets: Record<EventType, Set<string>>) =>
    Object.fromEntries(EVENT_TYPES.map((t) => [t, [...sets[t]].sort()])) as Record<EventType, string[]>;
  return {
    attributed: counts(attributed),
    notAttributed: counts(notAttributed),
    addresses: scope.keepAddresses ? { attributed: sorted(attributed), notAttributed: sorted(notAttributed) } : null,
  };
}

function after(at: string, since: number | null): boolean {
  if (since === null) return true;
  const t = Date.parse(at);
  // An event without a readable time cannot be placed: better counted than lost.
  return Number.isNaN(t) || t >= since;
}

function isReturnType(t: AnyEventType): t is EventType {
  return (EVENT_TYPES as readonly string[]).includes(t);
}
