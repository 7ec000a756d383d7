/**
 * `enews inbox`: read the mailbox once, look up what it asks about in the
 * send journals once, then record. The order of the writes is what makes a
 * run safe to repeat or to interrupt: events first (durably), then the
 * state file, then the IMAP flags. A run stopped before the events are
 * written recorded nothing; one stopped after reads the messages again
 * next time and finds their events already there.
 */
import path from 'node:path';
import libmime from 'libmime';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { appendEvents } from '../events/event-log.js';
import type { HeldLock } from '../journal/lock.js';
import { addressKey } from '../util/email-address.js';
import { classify, type Classified } from './classify.js';
import { decideEvents, readExisting } from './decide.js';
import { first, oneLine, type Fields } from './fields.js';
import { journalFiles, scanJournals, type Wanted } from './journal-index.js';
import type { MailboxMessage, MailSource } from './message.js';
import { headerFieldsOf, parseReturn } from './parse.js';
import { checkEventsFile, lockState } from './preflight.js';
import { emptyResult, tally, type InboxResult, type Pending } from './result.js';
import { addWanted } from './resolve.js';
import { appendSeen, readSeen, statePathFor } from './seen.js';

export type { InboxResult, Matched, Unmatched } from './result.js';

export interface InboxOptions {
  root: string;
  source: MailSource;
  eventsFile: string;
  /** Send journals besides journal/*.jsonl. */
  journals: string[];
  dryRun: boolean;
  secret: string | null;
  now?: () => Date;
}

export async function runInbox(o: InboxOptions): Promise<InboxResult> {
  const { newsletter } = loadNewsletter(contentPaths(o.root));
  checkEventsFile(o.eventsFile);
  const stateFile = statePathFor(o.eventsFile);
  const lock: HeldLock | null = o.dryRun ? null : lockState(stateFile, o.eventsFile);
  try {
    const seen = await readSeen(stateFile);
    const ctx = {
      listId: newsletter.list_id,
      unsubscribeKey: newsletter.unsubscribe.mailto ? addressKey(newsletter.unsubscribe.mailto) : null,
      secret: o.secret,
    };
    const r = emptyResult(o.source, o.eventsFile, o.dryRun);
    const pending: Pending[] = [];
    const wanted: Wanted = { messageIds: new Set(), verpIds: new Set(), addresses: new Set() };
    for await (const m of o.source.messages()) {
      r.messages++;
      if (m.markedAtSource || seen.has(m.fingerprint)) {
        r.alreadyProcessed++;
        continue;
      }
      // The same bytes twice in one mailbox (a report delivered twice) count once.
      seen.add(m.fingerprint);
      const p = await read(m, ctx);
      if (p.c.kind === 'unsubscribe' && !o.secret) r.requestsWithoutSecret++;
      addWanted(p.c, wanted);
      pending.push(p);
    }
    r.notices.push(...o.source.notices);

    const exclude = [o.eventsFile, stateFile];
    const files = [...journalFiles(path.join(o.root, 'journal'), exclude), ...o.journals];
    const index = await scanJournals(files, wanted);
    r.journals = index.files;

    const { candidates, done } = tally(pending, index, r);
    const existing = await readExisting(o.eventsFile, new Set(candidates.map((c) => c.email)));
    const decision = decideEvents(candidates, existing, (o.now?.() ?? new Date()).toISOString());
    r.events = decision.events;
    r.alreadyRecorded = decision.alreadyRecorded;
    r.fromSoftBounces = decision.fromSoftBounces;
    if (!o.dryRun) {
      await appendEvents(o.eventsFile, decision.events);
      await appendSeen(
        stateFile,
        done.map((p) => p.msg.fingerprint),
        new Date().toISOString(),
      );
      await o.source.markProcessed(done.map((p) => p.msg));
    }
    return r;
  } finally {
    lock?.release();
  }
}

async function read(m: MailboxMessage, ctx: Parameters<typeof classify>[1]): Promise<Pending> {
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
      c = { kind: 'unmatched', why: 'unreadable', detail: (err as Error).message };
    }
  }
  const messageId = first(headers, 'message-id');
  // Kept until the end of the run: copied through JSON, because V8 keeps the whole text a string was cut
  // from alive as long as the piece lives, and the pieces here come from each message's headers.
  return detach({
    msg,
    ...(messageId ? { messageId: oneLine(messageId, 200) } : {}),
    subject: oneLine(subject ?? decodedSubject(headers), 200),
    c,
  });
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
