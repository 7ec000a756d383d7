/**
 * `enews inbox`: read the mailbox once, turn each message into a return
 * (classify.ts), and hand them all to the one function that proves and
 * records returns (returns/record.ts). The order of the writes is what
 * makes a run safe to repeat or to interrupt: events first (durably), then
 * the memory of processed messages, then the IMAP flags. A run stopped
 * before the events are written recorded nothing; one stopped after reads
 * the messages again next time and finds their events already there.
 */
import libmime from 'libmime';
import { contentPaths, loadNewsletter } from '../content/load.js';
import type { HeldLock } from '../journal/lock.js';
import { recordReturns } from '../returns/record.js';
import type { Return } from '../returns/return.js';
import { eventKey, type SubscriberEvent } from '../events/events.js';
import type { EventStore } from '../events/store.js';
import type { JournalRef } from '../journal/store.js';
import { addressKey } from '../util/email-address.js';
import { collectGarbage } from '../util/collect-garbage.js';
import { KeySet } from '../util/key-set.js';
import { neutralize } from '../util/safe-text.js';
import { classify, type Classified, type ClassifyContext } from './classify.js';
import { first, oneLine, type Fields } from './fields.js';
import type { MailboxMessage, MailSource } from './message.js';
import { headerFieldsOf, parseReturn } from './parse.js';
import { checkEvents } from './preflight.js';
import type { ListState } from '../state/open.js';
import {
  emptyResult,
  type InboxResult,
  type Matched,
  type ResultList,
  type SpooledResult,
  type Unmatched,
  type Unproved,
} from './result.js';
import { ResultSpool } from './result-spool.js';

export type { InboxResult, Matched, ResultList, Unmatched, Unproved } from './result.js';

export interface InboxOptions {
  root: string;
  source: MailSource;
  /** Where events are recorded, the journals looked up and the memory of processed messages kept. */
  state: ListState;
  /** Send journal files besides those of the state. */
  journals: string[];
  dryRun: boolean;
  /** UNSUBSCRIBE_SECRET, then UNSUBSCRIBE_SECRET_OLD (config/unsubscribe-secret.ts readingKeys); may be empty. */
  secrets: readonly string[];
  now?: () => Date;
  /** Messages recorded at a time (BATCH): a test's choice, to compare batches with one run. */
  batch?: number;
}

/**
 * Messages read before they are recorded: what is kept of each until then (Pending) is what grows with the
 * mailbox, and each batch scans the send journals once (100,000 lines: ~0.4 s), so a batch is large.
 */
export const BATCH = 10_000;
/** Messages parsed between two full collections (util/collect-garbage.ts): each costs ~20 ms. */
const GC_EVERY = 1_000;

/** What is kept of each message between reading the mailbox and recording: a few hundred bytes. */
interface Pending {
  msg: Pick<MailboxMessage, 'ref' | 'fingerprint' | 'uid'>;
  messageId?: string;
  subject: string;
  c: Classified;
}

export async function runInbox(o: InboxOptions): Promise<InboxResult> {
  const { newsletter } = loadNewsletter(contentPaths(o.root));
  const { events, seen: memory } = o.state;
  await checkEvents(events);
  const lock: HeldLock | null = o.dryRun ? null : await memory.lock();
  try {
    const seen = compactSet(await memory.load());
    const ctx: ClassifyContext = {
      listId: newsletter.list_id,
      unsubscribeKey: newsletter.unsubscribe.mailto ? addressKey(newsletter.unsubscribe.mailto) : null,
      secrets: o.secrets,
      authservId: newsletter.inbox?.authserv_id ?? null,
    };
    const r = emptyResult(o.source, events.where, o.dryRun, o.secrets.length > 0, new ResultSpool());
    try {
      return await readAll(o, r, seen, ctx, newsletter.list_id);
    } catch (err) {
      r.close();
      throw err;
    }
  } finally {
    lock?.release();
  }
}

async function readAll(
  o: InboxOptions,
  r: SpooledResult,
  seen: KeySet,
  ctx: ClassifyContext,
  listId: string,
): Promise<InboxResult> {
  const { events, journals } = o.state;
  // A dry run records nothing, so the later batches see the earlier ones' events through this view: read back
  // from the result's spool, so a dry run's memory does not grow with the mailbox either.
  const store = o.dryRun ? withEarlier(events, r.events) : events;
  const journalRefs = await journals.allJournals(o.journals);
  const batch = Math.max(1, o.batch ?? BATCH);
  let pending: Pending[] = [];
  for await (const m of o.source.messages((fp) => seen.has(fp))) {
    r.messages++;
    if (seen.has(m.fingerprint)) {
      r.alreadyProcessed++;
      continue;
    }
    // The same message twice in one mailbox (a report delivered twice) counts once.
    seen.add(m.fingerprint);
    pending.push(await read(m, ctx));
    // What parsing leaves behind is collected as it goes, so the run's memory stays that of a few messages.
    if (pending.length % GC_EVERY === 0) collectGarbage();
    if (pending.length >= batch) {
      await recordBatch(pending, r, o, store, journalRefs, listId);
      // Recording reads the send journals again: what that leaves is collected before the next batch grows
      // (after a large batch only: a collection costs ~20 ms).
      if (pending.length >= GC_EVERY) collectGarbage();
      pending = [];
    }
  }
  if (pending.length > 0 || r.messages === r.alreadyProcessed)
    await recordBatch(pending, r, o, store, journalRefs, listId);
  r.notices.push(...o.source.notices);
  return r;
}

/**
 * Records one batch of messages as a run of its own would (events durably, then the memory, then the IMAP
 * flags), so what a run holds does not grow with the mailbox.
 */
async function recordBatch(
  pending: Pending[],
  r: SpooledResult,
  o: InboxOptions,
  store: EventStore,
  journalRefs: JournalRef[],
  listId: string,
): Promise<void> {
  const returns: Return[] = [];
  const returnOf: Pending[] = [];
  const unmatched: Unmatched[] = [];
  for (const p of pending) {
    if (p.c.kind === 'ignored') {
      r.ignored++;
      r.ignoredBy[p.c.why] = (r.ignoredBy[p.c.why] ?? 0) + 1;
    } else if (p.c.kind === 'unmatched') {
      unmatched.push({ ...listed(p), why: p.c.why, ...(p.c.detail ? { detail: p.c.detail } : {}) });
    } else {
      returns.push({ ref: p.msg.ref, ...p.c.ret });
      returnOf.push(p);
    }
  }
  const recorded = await recordReturns(returns, {
    store,
    journals: journalRefs,
    journalStore: o.state.journals,
    secrets: o.secrets,
    listId,
    dryRun: o.dryRun,
    at: (o.now?.() ?? new Date()).toISOString(),
  });
  const matched: Matched[] = [];
  const unproved: Unproved[] = [];
  recorded.proved.forEach((proved, i) => {
    const ret = returns[i]!;
    if (proved) {
      r.outcomes[proved.type]++;
      matched.push({
        message: proved.ref,
        type: proved.type,
        email: proved.email,
        via: proved.via,
        ...issueOf(proved),
      });
    } else {
      unproved.push({ ...listed(returnOf[i]!), type: ret.outcome.type, names: ret.evidence.named.slice(0, 5) });
    }
  });
  // Spooled once the events are recorded and before the messages are remembered: a run that cannot spool stops
  // with this batch read again next time, its events found already there.
  r.unmatched.add(unmatched);
  r.unproved.add(unproved);
  r.matched.add(matched);
  r.events.add(recorded.events);
  r.alreadyRecorded += recorded.alreadyRecorded;
  r.fromSoftBounces += recorded.fromSoftBounces;
  r.journals = recorded.journals;
  if (!o.dryRun) {
    // Every message read is remembered, the unproved and unreadable too: they are listed once, not every run.
    await o.state.seen.add(
      pending.map((p) => p.msg.fingerprint),
      new Date().toISOString(),
    );
    await o.source.markProcessed(pending.map((p) => p.msg));
  }
}

/** The store as a dry run sees it: its events, then those the run would have recorded so far; never written. */
function withEarlier(events: EventStore, earlier: ResultList<SubscriberEvent>): EventStore {
  const find = async (match: (e: SubscriberEvent) => boolean) => {
    const found: SubscriberEvent[] = [];
    for await (const e of earlier.all()) if (match(e)) found.push(e);
    return found;
  };
  const recorded = async (keys: readonly string[]) => {
    const found = await events.recorded(keys);
    const asked = new Set(keys);
    for (const e of await find((e) => asked.has(eventKey(e)))) found.add(eventKey(e));
    return found;
  };
  return {
    where: events.where,
    async each(f) {
      await events.each(f);
      for await (const e of earlier.all()) f(e);
    },
    has: async (key) => (await recorded([key])).has(key),
    recorded,
    record: async () => [],
    claim: async () => false,
    async about(email) {
      return [...(await events.about(email)), ...(await find((e) => e.email === email))];
    },
    problem: () => events.problem(),
    close: () => events.close(),
  };
}

function issueOf(p: { issue?: number }): { issue?: number } {
  return p.issue !== undefined ? { issue: p.issue } : {};
}

function listed(p: Pending): { message: string; messageId?: string; subject: string } {
  return { message: p.msg.ref, ...(p.messageId ? { messageId: p.messageId } : {}), subject: p.subject };
}

async function read(m: MailboxMessage, ctx: ClassifyContext): Promise<Pending> {
  const msg = { ref: m.ref, fingerprint: m.fingerprint, ...(m.uid !== undefined ? { uid: m.uid } : {}) };
  let c: Classified;
  let headers: Fields;
  let subject: string | undefined;
  if (!m.raw) {
    headers = headerFieldsOf(m.head);
    c = { kind: 'unmatched', why: 'too-large', detail: String(m.size) };
  } else {
    try {
      const facts = await parseReturn(m.raw);
      ({ headers, subject } = facts);
      c = classify(facts, ctx);
    } catch (err) {
      // A message mailparser cannot read at all: shown to a person, never a reason to stop.
      headers = headerFieldsOf(m.raw);
      c = { kind: 'unmatched', why: 'unreadable', detail: neutralize((err as Error).message) };
    }
  }
  const messageId = first(headers, 'message-id');
  // Kept until the end of the run: copied through JSON, because V8 keeps the whole text a string was cut
  // from alive as long as the piece lives, and the pieces here come from each message's headers. What a
  // stranger wrote is made safe for a terminal here, once.
  return detach({
    msg,
    ...(messageId ? { messageId: neutralize(oneLine(messageId, 200)) } : {}),
    subject: neutralize(oneLine(subject ?? decodedSubject(headers), 200)),
    c,
  });
}

/**
 * The memory of processed messages as fingerprints of their hashes (~24 bytes a message instead of ~110 for a
 * Set of hex strings): it grows with the mailbox and its history.
 */
function compactSet(loaded: Set<string>): KeySet {
  const set = new KeySet(Math.max(1024, loaded.size));
  for (const fp of loaded) set.add(fp);
  return set;
}

function detach<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** The subject of a message mailparser did not read. */
function decodedSubject(headers: Fields): string {
  try {
    return libmime.decodeWords(first(headers, 'subject') ?? '');
  } catch {
    return first(headers, 'subject') ?? '';
  }
}
