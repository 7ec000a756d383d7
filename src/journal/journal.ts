/**
 * The send journal: an append-only JSON-lines file (see jsonl-log.ts) with
 * one final outcome per recipient, written the moment the server answers.
 * Records: `run` (what this journal belongs to), `sent`, `failed`,
 * `uncertain` (a message handed over in full whose reply never came: it may
 * have arrived), `end` (a run's totals).
 */
import { z } from 'zod';
import { EnewsError } from '../errors.js';
import { KeySet } from '../util/key-set.js';
import { LogWriter, readLog, type LogScan, type LogTail } from './jsonl-log.js';
import type { JournalRef, JournalStore } from './store.js';
import { Outcomes } from './outcomes.js';

const runRecord = z.object({
  type: z.literal('run'),
  at: z.string(),
  issue: z.number(),
  inputsHash: z.string(),
  subscribers: z.string(),
  shard: z.string().nullable(),
  /** Suppression lists the run honoured, so `status` applies the same ones. */
  suppress: z.array(z.string()).optional(),
  /** The subscriber events file the run honoured. */
  events: z.string().optional(),
  /**
   * How many subscriber events the first run's plan found: only those add sign-ups (events/roster.ts), so a
   * resumed send mails exactly its plan. Absent in journals begun before sign-ups: none are added to them.
   */
  eventsUpTo: z.number().int().min(0).optional(),
});
const sentRecord = z.object({
  type: z.literal('sent'),
  at: z.string(),
  key: z.string(),
  email: z.string(),
  messageId: z.string(),
  response: z.string(),
  /**
   * The destination's id for the message, when its reply gave one (an SMTP queue id, an API's message id): a relay
   * that replaces the Message-ID reports returns by this id. Absent when there is none.
   */
  providerId: z.string().optional(),
  /** An earlier attempt may have arrived too (its reply was lost after the final dot). */
  possibleDuplicate: z.boolean().optional(),
});
const failedRecord = z.object({
  type: z.literal('failed'),
  at: z.string(),
  key: z.string(),
  email: z.string(),
  code: z.number().nullable(),
  response: z.string(),
  /**
   * Set when enews refused the message itself and no server replied (`no-smtputf8`, see OwnRefusal in
   * delivery/transport.ts); absent for a server's refusal. Any text is read, so a later reason does not make
   * the journal unreadable.
   */
  reason: z.string().optional(),
});
const uncertainRecord = z.object({
  type: z.literal('uncertain'),
  at: z.string(),
  key: z.string(),
  email: z.string(),
  messageId: z.string(),
  response: z.string(),
});
const endRecord = z.object({
  type: z.literal('end'),
  at: z.string(),
  sent: z.number(),
  failed: z.number(),
  deferred: z.number(),
  stopped: z.string().nullable(),
});
export const journalRecordSchema = z.discriminatedUnion('type', [
  runRecord,
  sentRecord,
  failedRecord,
  uncertainRecord,
  endRecord,
]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type RunRecord = z.infer<typeof runRecord>;
export type EndRecord = z.infer<typeof endRecord>;
export type JournalIdentity = Omit<RunRecord, 'type' | 'at' | 'suppress' | 'events' | 'eventsUpTo'>;

export interface JournalState {
  /** Final outcome per address key. A later `sent` overrides an earlier `failed`. */
  outcomes: Outcomes;
  /** Addresses with a message that may have arrived although no reply said so. */
  uncertain: KeySet;
  /** `sent` records flagged as possible duplicates. */
  possibleDuplicates: number;
  identity: JournalIdentity | null;
  /** Suppression lists of the last run. */
  suppress: string[];
  /** The events file of the last run, when it named one. */
  events: string | null;
  runs: number;
  /** The events the first run took sign-ups from (0 for a journal begun before sign-ups); null before any run. */
  eventsUpTo: number | null;
  lastEnd: EndRecord | null;
  tail: LogTail;
  /** Permanent refusals by the server (5xx), for the events they make (send/refusals.ts). */
  refusals: Array<{ key: string; code: number | null; response: string }>;
}

export function emptyJournal(): JournalState {
  return {
    outcomes: new Outcomes(),
    uncertain: new KeySet(),
    possibleDuplicates: 0,
    identity: null,
    suppress: [],
    events: null,
    runs: 0,
    eventsUpTo: null,
    lastEnd: null,
    tail: { tornBytes: 0, missingNewline: false },
    refusals: [],
  };
}

export async function readJournal(file: string): Promise<JournalState> {
  const state = emptyJournal();
  const scan = await readJournalRecords(file, (r) => {
    apply(state, r);
  });
  state.tail = scan.tail;
  return state;
}

/** A journal's state, wherever the journal is (journal/store.ts). */
export async function readJournalState(store: JournalStore, ref: JournalRef): Promise<JournalState> {
  const state = emptyJournal();
  const scan = await store.read(ref, (r) => {
    apply(state, r);
    return undefined;
  });
  state.tail = scan.tail;
  return state;
}

/**
 * The one reader of send journals: every record in order, each checked by the schema above; a torn
 * last line is no record (jsonl-log.ts). `damaged`: 'refuse' (send, status, report: what they
 * count must be whole) refuses a damaged line before the last; 'skip' passes over it, for readers
 * that only look something up (inbox, the other journals a send warns of), since send and status
 * report the damage of the journal they use. `onRecord` returns 'stop' to read no further.
 */
export function readJournalRecords(
  file: string,
  onRecord: (r: JournalRecord) => 'stop' | undefined,
  damaged: 'refuse' | 'skip' = 'refuse',
): Promise<LogScan> {
  return readLog(
    file,
    (value) => {
      const r = journalRecordSchema.safeParse(value);
      if (!r.success) return false;
      return onRecord(r.data) === 'stop' ? 'stop' : true;
    },
    'the send journal',
    damaged,
  );
}

function apply(state: JournalState, r: JournalRecord): void {
  switch (r.type) {
    case 'run':
      state.runs++;
      if (state.runs === 1) state.eventsUpTo = r.eventsUpTo ?? 0;
      state.identity ??= { issue: r.issue, inputsHash: r.inputsHash, subscribers: r.subscribers, shard: r.shard };
      state.suppress = r.suppress ?? [];
      state.events = r.events ?? null;
      break;
    case 'sent':
      state.outcomes.record(r.key, 'sent');
      if (r.possibleDuplicate) state.possibleDuplicates++;
      break;
    case 'failed':
      state.outcomes.record(r.key, 'failed');
      if (r.code !== null && r.code >= 500) state.refusals.push({ key: r.key, code: r.code, response: r.response });
      break;
    case 'uncertain':
      state.uncertain.add(r.key);
      break;
    case 'end':
      state.lastEnd = r;
      break;
  }
}

/**
 * Why this journal cannot be used for this send, or null.
 * Identity mismatches other than the build are never overridable.
 */
export function checkIdentity(
  file: string,
  state: JournalState,
  current: JournalIdentity,
  acceptRebuild: boolean,
): EnewsError | null {
  const had = state.identity;
  if (!had) return null;
  // A fresh journal would mail again everyone this one records: never advise it.
  const fix =
    'This journal records who already got which issue from which list. Use the journal that belongs to this send ' +
    '(each issue and shard has its own default under journal/), and give --journal only to point at that one.';
  if (had.issue !== current.issue) {
    return new EnewsError(
      'journal-other-issue',
      `${file} is the journal of issue ${had.issue}, not issue ${current.issue}.`,
      { problems: [{ message: fix }] },
    );
  }
  if (had.subscribers !== current.subscribers) {
    return new EnewsError(
      'journal-other-list',
      `${file} was written for the subscriber file ${had.subscribers}, not ${current.subscribers}.`,
      {
        problems: [{ message: fix }],
      },
    );
  }
  if (had.shard !== current.shard) {
    return new EnewsError(
      'journal-other-shard',
      `${file} was written for shard ${had.shard ?? '(none)'}, not ${current.shard ?? '(none)'}.`,
      {
        problems: [{ message: fix }],
      },
    );
  }
  if (had.inputsHash !== current.inputsHash && !acceptRebuild) {
    return new EnewsError(
      'journal-other-build',
      `${file} was written while sending a different build of issue ` +
        `${current.issue}: the content changed since those messages went out.`,
      {
        problems: [
          {
            message: 'Subscribers already done would not get the change; those still to do would get the new version.',
            hint:
              'If that is what you want, run again with --accept-rebuild. ' +
              'Otherwise rebuild the version that was being sent.',
          },
        ],
      },
    );
  }
  return null;
}

export function openJournalWriter(file: string, tail: LogTail): LogWriter {
  return LogWriter.open(file, tail, {
    what: 'the journal',
    onWriteFailure: 'Sending stopped so that no outcome goes unrecorded.',
  });
}

export type { LogWriter as JournalWriter };
