/**
 * The send journals of one issue, read into one tally: the final outcome
 * of every address across all of them (shards never share an address; an
 * unsharded run beside sharded ones can, and then a `sent` anywhere wins,
 * as it does within one journal), the permanent failures by reply code,
 * and the first `sent` of each address per minute for the chart.
 */
import { EnewsError } from '../errors.js';
import type { JournalRecord } from '../journal/journal.js';
import type { JournalRef, JournalStore } from '../journal/store.js';
import { KeyMap } from '../util/key-set.js';

export interface JournalSummary {
  file: string;
  /** "2/4", or null for an unsharded send. */
  shard: string | null;
  /** The subscriber file the send read (absolute, as the journal names it). */
  subscribers: string | null;
  runs: number;
  /** From the journal's last `end` record (0 when no run ever ended). */
  deferred: number;
  /** The last `end` record; `finished` is false when a run started after it never ended (killed, or running). */
  lastEnd: { at: string; stopped: string | null } | null;
  finished: boolean;
  /** Suppression lists and events file of the last run. */
  suppress: string[];
  events: string | null;
  /** The subscriber events the first run took sign-ups from (plan/rules.ts); 0 for journals begun before them. */
  eventsUpTo: number;
}

export interface FailedAddress {
  email: string;
  code: number | null;
}

const SENT = 1;

/** Final outcomes of every journal read into it, compactly (a million addresses are a few tens of MB). */
export class DeliveryTally {
  /** 0: none, 1: sent, 2–255: failed, with the code stored in that slot. */
  private readonly outcomes = new KeyMap();
  private readonly slots: Array<number | null> = [];
  private readonly byCode = new Map<number | null, number>();
  private readonly minutes = new Map<string, number>();
  sent = 0;
  failed = 0;
  /** Flagged `sent` records, and addresses that two journals both record as sent. */
  possibleDuplicates = 0;
  firstRunAt: string | null = null;
  lastSentAt: string | null = null;
  /** Only kept when asked for (the HTML page's --with-addresses). */
  readonly failedAddresses: Map<string, FailedAddress> | null;

  constructor(keepAddresses: boolean) {
    this.failedAddresses = keepAddresses ? new Map() : null;
  }

  /** Whether the journals record this address as sent. */
  gotIt(key: string): boolean {
    return this.outcomes.get(key) === SENT;
  }

  outcome(key: string): 'sent' | 'failed' | undefined {
    const v = this.outcomes.get(key);
    return v === 0 ? undefined : v === SENT ? 'sent' : 'failed';
  }

  /** Failures by reply code, lowest code first, "no code" last. */
  failuresByCode(): Array<{ code: number | null; count: number }> {
    return [...this.byCode]
      .filter(([, n]) => n > 0)
      .map(([code, count]) => ({ code, count }))
      .sort((a, b) => (a.code ?? 1000) - (b.code ?? 1000));
  }

  /** Messages sent per minute (UTC, "2026-05-30T09:41"), in time order; minutes without sends are absent. */
  perMinute(): Array<{ minute: string; sent: number }> {
    return [...this.minutes]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([minute, sent]) => ({ minute, sent }));
  }

  apply(r: JournalRecord): void {
    switch (r.type) {
      case 'run':
        if (this.firstRunAt === null || r.at < this.firstRunAt) this.firstRunAt = r.at;
        break;
      case 'sent':
        this.onSent(r.key, r.at, Boolean(r.possibleDuplicate));
        break;
      case 'failed':
        this.onFailed(r.key, r.email, r.code);
        break;
    }
  }

  private onSent(key: string, at: string, flagged: boolean): void {
    if (flagged) this.possibleDuplicates++;
    const before = this.outcomes.get(key);
    if (before === SENT) {
      // A second journal mailed the same person: they got it twice.
      if (!flagged) this.possibleDuplicates++;
      return;
    }
    if (before !== 0) {
      this.dropFailure(key, before);
      this.failed--;
    }
    this.outcomes.set(key, SENT);
    this.sent++;
    // Only the first `sent` of an address is charted, so the bars add up to the sent count.
    const t = Date.parse(at);
    if (Number.isNaN(t)) return;
    const iso = new Date(t).toISOString();
    const minute = iso.slice(0, 16);
    this.minutes.set(minute, (this.minutes.get(minute) ?? 0) + 1);
    if (this.lastSentAt === null || iso > this.lastSentAt) this.lastSentAt = iso;
  }

  private onFailed(key: string, email: string, code: number | null): void {
    const before = this.outcomes.get(key);
    if (before === SENT) return; // a failure never undoes a delivery
    if (before !== 0) this.dropFailure(key, before);
    else this.failed++;
    // The latest refusal is the one that counts (a --retry-failed run may be refused with another code).
    this.outcomes.set(key, this.slotOf(code));
    this.byCode.set(code, (this.byCode.get(code) ?? 0) + 1);
    this.failedAddresses?.set(key, { email, code });
  }

  private dropFailure(key: string, slot: number): void {
    const code = this.slots[slot - 2] ?? null;
    this.byCode.set(code, (this.byCode.get(code) ?? 0) - 1);
    this.failedAddresses?.delete(key);
  }

  private slotOf(code: number | null): number {
    let i = this.slots.indexOf(code);
    if (i < 0) {
      // Reply codes are three digits: a handful of distinct ones fills few of the 254 slots.
      if (this.slots.length >= 254) throw new Error('more than 254 distinct reply codes in the journals');
      i = this.slots.push(code) - 1;
    }
    return i + 2;
  }
}

/** Reads one journal into the tally; refuses a journal of another issue. */
export async function readIssueJournal(
  store: JournalStore,
  ref: JournalRef,
  number: number,
  tally: DeliveryTally,
): Promise<JournalSummary> {
  const file = ref.label;
  if (!(await store.exists(ref))) throw new EnewsError('no-journal', `No journal at ${file}.`);
  const summary: JournalSummary = {
    file,
    shard: null,
    subscribers: null,
    runs: 0,
    deferred: 0,
    lastEnd: null,
    finished: false,
    suppress: [],
    events: null,
    eventsUpTo: 0,
  };
  let otherIssue: number | null = null;
  await store.read(ref, (rec) => {
    if (rec.type === 'run') {
      if (rec.issue !== number) otherIssue ??= rec.issue;
      if (summary.runs++ === 0) {
        summary.shard = rec.shard;
        summary.subscribers = rec.subscribers;
        summary.eventsUpTo = rec.eventsUpTo ?? 0;
      }
      summary.suppress = rec.suppress ?? [];
      summary.events = rec.events ?? null;
      summary.finished = false;
    } else if (rec.type === 'end') {
      summary.lastEnd = { at: rec.at, stopped: rec.stopped };
      summary.deferred = rec.deferred;
      summary.finished = true;
    }
    if (otherIssue === null) tally.apply(rec);
    return undefined;
  });
  if (otherIssue !== null) {
    throw new EnewsError('journal-other-issue', `${file} is the journal of issue ${otherIssue}, not issue ${number}.`);
  }
  return summary;
}
