/**
 * `enews report`: who got an issue, gathered from its send journals (the
 * default one and every shard's, or those given), the subscriber events and,
 * when it is still there, the subscriber file, planned by the same rules as
 * `send` and `status`. The value returned is what --json prints.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { padded } from '../content/issue-number.js';
import { readManifest } from '../build/read-build.js';
import { defaultBuildDir } from '../build/build-dir.js';
import { EnewsError } from '../errors.js';
import { EVENT_TYPES, type EventType } from '../events/events.js';
import { EventsFile } from '../events/events-file.js';
import { tallyEvents, type EventAddresses, type EventCounts } from './events.js';
import { DeliveryTally, readIssueJournal, type FailedAddress, type JournalSummary } from './journals.js';
import { planList, type ListCount, type ListUnknown } from './list.js';
import type { ListState } from '../state/open.js';
import { type SubscriptionCounts, tallySubscriptions } from './subscriptions.js';

export interface ReportRequest {
  root: string;
  number: number;
  /** Journal files given with --journal; null to find the issue's journals (journal/, or the database). */
  journals: string[] | null;
  /** --events: the events file the state was opened with; null to use the one the send named (files). */
  events: string | null;
  subscribers: string | null;
  withAddresses: boolean;
  /** The keys of erased addresses' hashes (config/unsubscribe-secret.ts, hashKeys). */
  secrets?: readonly string[];
}

/** Gmail's and Yahoo's bulk sender limits (2024): spam complaints under 0.3 %; bounces kept under 2 %. */
export const LIMITS = { complained: 0.3, bounced: 2 } as const;

export interface IssueReport {
  issue: number;
  /** The subject of the build in dist/NNN, when it is there. */
  subject: string | null;
  journals: JournalSummary[];
  /** When the first run started, and the last message was accepted (ISO, UTC). */
  firstRunAt: string | null;
  lastSentAt: string | null;
  sent: number;
  possibleDuplicates: number;
  failed: number;
  failedByCode: Array<{ code: number | null; count: number }>;
  /** Summed over the journals' last `end` records. */
  deferred: number;
  /** The subscriber file planned; `notSentYet` is null when it could not be. */
  list: ListCount | ListUnknown;
  notSentYet: number | null;
  events: {
    file: string;
    /** Addresses per event type whose events name this issue. */
    attributed: EventCounts;
    /** Percent of `sent`, two decimals; null when nothing was sent. */
    ratePercent: Record<EventType, number | null>;
    /** Addresses that got the issue and have events without an issue number since its send began. */
    notAttributed: EventCounts;
  };
  /** Sign-ups that joined with this issue, and changes made from its links (subscriptions.ts). */
  subscriptions: SubscriptionCounts;
  /** Rates above the bulk sender limits. */
  alerts: Array<{ type: keyof typeof LIMITS; ratePercent: number; limitPercent: number }>;
  perMinute: Array<{ minute: string; sent: number }>;
  /** Suppression lists the sends used that are gone (their addresses count as not sent yet). */
  missingSuppressions: string[];
  /** Shards of a split with no journal here (their subscribers count as not sent yet). */
  missingShards: string[];
  addresses?: { failed: FailedAddress[]; events: EventAddresses };
}

export async function gatherReport(req: ReportRequest, state: ListState): Promise<IssueReport> {
  const refs = req.journals
    ? req.journals.map((f) => state.journals.journalOf(req.number, null, f))
    : await state.journals.issueJournals(req.number);
  if (refs.length === 0) {
    const name = padded(req.number);
    throw new EnewsError(
      'no-journal',
      `No send journal for issue ${req.number} in ` +
        `${state.kind === 'files' ? path.join(req.root, 'journal') : state.where} ` +
        `(${name}${state.kind === 'files' ? '.jsonl' : ''} or ${name}-shard-K-of-N${state.kind === 'files' ? '.jsonl' : ''}): ` +
        'nothing has been sent for it yet.',
      {
        problems: [{ message: 'If the send used --journal FILE, give the same file: enews report N --journal FILE.' }],
      },
    );
  }
  const tally = new DeliveryTally(req.withAddresses);
  const journals: JournalSummary[] = [];
  for (const ref of refs) journals.push(await readIssueJournal(state.journals, ref, req.number, tally));
  // In files, the events file the sends honoured unless another is named; the database has one.
  const named = journals.find((j) => j.events)?.events;
  const store = state.kind === 'files' && !req.events && named ? new EventsFile(named, state.listId) : state.events;
  const eventsFile = store.where;
  // A journal in the database names its list by its path in the project (send/prepare.ts, listIdentity).
  for (const j of journals) if (j.subscribers) j.subscribers = path.resolve(req.root, j.subscribers);
  const list = await planList({
    journals,
    subscribers: req.subscribers,
    events: store,
    done: tally,
    secrets: req.secrets ?? [],
    listId: state.listId,
  });
  const since = tally.firstRunAt === null ? null : Date.parse(tally.firstRunAt);
  const ev = await tallyEvents(store, {
    number: req.number,
    gotIt: (k) => tally.gotIt(k),
    since: Number.isNaN(since) ? null : since,
    keepAddresses: req.withAddresses,
  });
  const upTo = Math.max(0, ...journals.map((j) => j.eventsUpTo));
  const subscriptions = await tallySubscriptions(store, state.journals, req.number, upTo);
  const rates = EVENT_TYPES.map((t) => [t, percent(ev.attributed[t], tally.sent)]);
  const ratePercent = Object.fromEntries(rates) as Record<EventType, number | null>;
  const alerts: IssueReport['alerts'] = [];
  for (const type of ['complained', 'bounced'] as const) {
    const rate = ratePercent[type];
    // Compared unrounded: 0.304 % is over 0.3 % even though it shows as 0.30 %.
    const over = tally.sent > 0 && (ev.attributed[type] / tally.sent) * 100 > LIMITS[type];
    if (rate !== null && over) alerts.push({ type, ratePercent: rate, limitPercent: LIMITS[type] });
  }
  const deferred = journals.reduce((a, j) => a + j.deferred, 0);
  const report: IssueReport = {
    issue: req.number,
    subject: builtSubject(req.root, req.number),
    journals,
    firstRunAt: tally.firstRunAt,
    lastSentAt: tally.lastSentAt,
    sent: tally.sent,
    possibleDuplicates: tally.possibleDuplicates,
    failed: tally.failed,
    failedByCode: tally.failuresByCode(),
    deferred,
    list,
    notSentYet: list.known ? list.notSentYet : null,
    events: { file: eventsFile, attributed: ev.attributed, ratePercent, notAttributed: ev.notAttributed },
    subscriptions,
    alerts,
    perMinute: tally.perMinute(),
    missingSuppressions: [...new Set(journals.flatMap((j) => j.suppress))].filter((f) => !existsSync(f)),
    missingShards: missingShards(journals),
  };
  if (req.withAddresses && tally.failedAddresses && ev.addresses) {
    const failed = [...tally.failedAddresses.values()].sort((a, b) => (a.email < b.email ? -1 : 1));
    report.addresses = { failed, events: ev.addresses };
  }
  return report;
}

/** n of total in percent, two decimals (0.12 for 0.12 %). */
export function percent(n: number, total: number): number | null {
  return total > 0 ? Math.round((n / total) * 10000) / 100 : null;
}

/** Shards K/N of a split that has journals here for some shards but not these. */
function missingShards(journals: JournalSummary[]): string[] {
  const have = new Map<number, Set<number>>();
  for (const j of journals) {
    const m = /^(\d+)\/(\d+)$/.exec(j.shard ?? '');
    if (!m) continue;
    const n = Number(m[2]);
    if (!have.has(n)) have.set(n, new Set());
    have.get(n)!.add(Number(m[1]));
  }
  const missing: string[] = [];
  // One shard alone is counted as that shard (as status does); only a partial set of several is incomplete.
  if (new Set(journals.map((j) => j.shard)).size < 2) return missing;
  for (const [n, ks] of have) for (let k = 1; k <= n; k++) if (!ks.has(k)) missing.push(`${k}/${n}`);
  return missing;
}

/** The subject of the issue as built, when its build is there; a report does not need one. */
function builtSubject(root: string, number: number): string | null {
  try {
    const m = readManifest(number, defaultBuildDir(root, number), '');
    return m.number === number ? m.subject : null;
  } catch {
    return null;
  }
}
