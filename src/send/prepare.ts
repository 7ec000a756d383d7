/**
 * The first half of `enews send`: everything decided before anyone is
 * asked or mailed. Checks the build, the configuration and the journal
 * (taking its lock), plans the audience into a spool, and returns the plan
 * as a value: who will get what, who is skipped and why, and what the
 * person running the send should be told. Nothing is sent here.
 */
import { existsSync, mkdirSync, readdirSync, realpathSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, ExitCode, type Problem } from '../errors.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import type { Newsletter } from '../content/schema.js';
import { readBuild, type BuiltIssue } from '../build/read-build.js';
import { defaultBuildDir } from '../build/build-dir.js';
import type { Env } from '../config/env.js';
import { readingKeys, unsubscribeSecrets } from '../config/unsubscribe-secret.js';
import { configureTransport, type TransportConfig } from '../delivery/transports/index.js';
import type { DkimSettings } from '../delivery/dkim-settings.js';
import { aligned } from '../util/domain-alignment.js';
import { domainOf } from '../util/email-address.js';
import {
  checkIdentity,
  emptyJournal,
  readJournalState,
  type JournalIdentity,
  type JournalState,
} from '../journal/journal.js';
import type { HeldLock } from '../journal/lock.js';
import type { JournalRef, JournalStore } from '../journal/store.js';
import type { EventStore } from '../events/store.js';
import type { ListState } from '../state/open.js';
import { recordRefusals } from './refusals.js';
import { matchLanguage } from '../content/languages.js';
import { emptyCounts } from '../plan/audience.js';
import { shardLabel, type Shard } from '../util/shard.js';
import { LanguageCounter, planAudience, type Plan } from '../plan/plan.js';
import { audienceRules, suppressionFiles } from '../plan/rules.js';
import { removeSpool, SpoolWriter } from '../plan/spool.js';
import { openSubscriberFile } from '../subscribers/read.js';
import type { Subscriber } from '../subscribers/subscriber.js';
import { otherJournals, type OtherJournal } from './other-journals.js';
import { testRecipients } from './test-recipients.js';
import { transportFor } from './transport.js';
import { requireApprovals, withApprovalNote } from '../approval/gate.js';
import type { Attachment } from '../mime/compose.js';
import { reviewAttachment } from './review-attachment.js';

/**
 * Whom a run is for: the list (`send`), the list written to files (`dry-run`), or --test addresses (`test`,
 * written to files too with --dry-run: see `request.dryRun`).
 */
export type SendMode = 'send' | 'test' | 'dry-run';

export interface SendRequest {
  root: string;
  number: number;
  /** The build folder (default dist/NNN). */
  build: string | null;
  /** Absolute paths from here on. The subscriber file; null only for a --test send (without --as). */
  subscribers: string | null;
  test: string[];
  /** --as: render test messages as this subscriber of the list. */
  as: string | null;
  /** --language: the version the test messages are in (else each test recipient's own, else the default). */
  language: string | null;
  dryRun: string | null;
  journal: string | null;
  suppress: string[];
  shard: Shard | null;
  skipInvalid: boolean;
  retryFailed: boolean;
  acceptRebuild: boolean;
  /** --review: attach the build's review.html to the --test messages. */
  review: boolean;
  concurrency: number;
  env: Env;
}

/** Facts the person running the send should hear before confirming; worded by the CLI. */
export type SendNotice =
  | { kind: 'column-warning'; problem: Problem }
  | { kind: 'no-secret' }
  | { kind: 'stale-lock'; pid: number; host: string; since: string }
  | { kind: 'torn-journal'; file: string; bytes: number }
  | { kind: 'other-journals'; journals: OtherJournal[] }
  | { kind: 'foreign-journal'; error: EnewsError }
  /** The DKIM signature's domain (d=) does not align with From's: DMARC cannot pass on it. */
  | { kind: 'dkim-unaligned'; signing: string; from: string }
  /** An RSA key under 2048 bits (RFC 8301: signers SHOULD use 2048). */
  | { kind: 'dkim-short-key'; bits: number };

export interface SendPlan {
  request: SendRequest;
  mode: SendMode;
  subject: string;
  built: BuiltIssue;
  newsletter: Newsletter;
  secret: string | null;
  /** Which transport delivers, with its options as read from the environment; made by sendTransport (transport.ts). */
  transport: TransportConfig;
  journal: {
    /** Which journal (a file, or a journal in the database), and where the run appends. */
    ref: JournalRef;
    journals: JournalStore;
    state: JournalState;
    identity: JournalIdentity;
    suppress: string[];
    /** The events file the plan honoured (files only); the run record names it, so status reads the same one. */
    events: string | null;
    /** The events the plan took sign-ups from (plan/rules.ts); the run record keeps it for resumptions. */
    eventsUpTo: number;
    /** The events, where the send records the recipients the server refused (refusals.ts). */
    store: EventStore;
    lock: HeldLock | null;
  } | null;
  audience: Plan;
  recipients: { spool: string } | { list: Subscriber[] };
  /** What every message carries besides the issue (--review: the build's review.html). */
  attachment: Attachment | null;
  notices: SendNotice[];
  /** Releases the lock and removes the spool; the plan is unusable afterwards. */
  dispose(): void;
}

export interface PrepareHooks {
  /** Stops the planning (Ctrl-C): prepareSend then throws an EnewsError with exit 4, leaving nothing behind. */
  signal?: AbortSignal;
  /** Gets the function that removes what planning made so far (lock, spool), for a quit without waiting. */
  onDispose?(dispose: () => void): void;
}

/** `state`: where the list state is (files or the database, state/open.ts); the caller closes it. */
export async function prepareSend(req: SendRequest, state: ListState, hooks: PrepareHooks = {}): Promise<SendPlan> {
  const mode: SendMode = req.test.length ? 'test' : req.dryRun !== null ? 'dry-run' : 'send';
  let built: BuiltIssue;
  try {
    built = readBuild(req.root, req.number, req.build ?? defaultBuildDir(req.root, req.number));
  } catch (err) {
    throw mode === 'send' ? withApprovalNote(err, req.root, req.number) : err;
  }
  const placeholders = built.manifest.warnings.filter((w) => w.code === 'placeholder');
  if (mode === 'send' && placeholders.length) {
    throw new EnewsError(
      'placeholder',
      `Issue ${req.number} still holds placeholders (${placeholders.length}); it is not ready to go to subscribers:`,
      {
        problems: [
          ...placeholders.map((w) => ({ message: w.location ? `${w.location}: ${w.message}` : w.message })),
          {
            message:
              `Write them, run enews build ${req.number}, ` +
              `review, then send. (--test and --dry-run work meanwhile.)`,
          },
        ],
      },
    );
  }
  const paths = contentPaths(req.root);
  const { newsletter } = loadNewsletter(paths);
  if (mode === 'send') {
    const languages = built.languages.map((l) => l.language);
    requireApprovals(req.root, req.number, newsletter, { dir: built.dir, hash: built.manifest.inputsHash, languages });
  }
  const notices: SendNotice[] = [];
  const secret = unsubscribeSecret(newsletter, req.env, req.dryRun !== null, notices);
  const transport = configureTransport(transportFor(req), req.env);
  notices.push(...dkimNotices(transport.options.dkim, newsletter));
  const src = req.subscribers === null ? null : openSubscriberFile(req.subscribers);
  for (const problem of src?.columns.warnings ?? []) notices.push({ kind: 'column-warning', problem });
  const subjectFor = (audience: Plan) => (mode === 'test' ? '[TEST] ' : '') + sentSubject(built, audience.languages);

  if (mode === 'test') {
    const languages = built.languages.map((l) => l.language);
    const list = await testRecipients(req.test, req.as, src, testLanguage(req.language, languages, req.number));
    // The plan's counts by the same rule as a send's.
    const counter = new LanguageCounter(languages);
    for (const sub of list) counter.add(sub.language);
    const audience: Plan = {
      rows: list.length,
      toSend: list.length,
      skipped: emptyCounts(),
      invalid: [],
      optedOut: new Map(),
      ...counter.counts(),
      signups: { rows: 0, toSend: 0 },
    };
    return {
      request: req,
      mode,
      subject: subjectFor(audience),
      built,
      newsletter,
      secret,
      transport,
      journal: null,
      audience,
      recipients: { list },
      attachment: req.review ? reviewAttachment(built) : null,
      notices,
      dispose() {},
    };
  }

  if (src === null)
    throw new EnewsError('usage', 'Only a --test send can go without the subscriber file (--subscribers).', {
      exitCode: ExitCode.usage,
    });
  const journals = state.journals;
  const ref = journals.journalOf(req.number, req.shard, req.journal);
  const identity: JournalIdentity = {
    issue: req.number,
    inputsHash: built.manifest.inputsHash,
    subscribers: listIdentity(req.root, src.file, journals.kind),
    shard: shardLabel(req.shard),
  };
  const lock = mode === 'send' ? await journals.lock(ref) : null;
  // A dry run takes no lock (it writes no journal), so its spool goes with its messages, not beside the journal.
  const spool =
    mode === 'send' ? spoolPath(req.root, ref, journals.kind) : path.join(req.dryRun!, '.enews-recipients.spool');
  const madeOutDir = mode === 'dry-run' && !existsSync(req.dryRun!);
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    removeSpool(spool);
    lock?.release();
    // A dry run refused while planning leaves no empty folder behind.
    if (madeOutDir && existsSync(req.dryRun!) && readdirSync(req.dryRun!).length === 0) rmdirSync(req.dryRun!);
  };
  try {
    if (lock?.tookOver)
      notices.push({
        kind: 'stale-lock',
        pid: lock.tookOver.pid,
        host: lock.tookOver.host,
        since: lock.tookOver.started,
      });
    const done =
      (await journals.exists(ref)) || mode === 'send' ? await readJournalState(journals, ref) : emptyJournal();
    const foreign = checkIdentity(ref.label, done, identity, req.acceptRebuild);
    // A dry run is for looking: it reads another list's journal with a warning instead of refusing.
    if (foreign && mode === 'send') throw foreign;
    if (foreign) notices.push({ kind: 'foreign-journal', error: foreign });
    if (mode === 'send' && done.tail.tornBytes > 0)
      notices.push({ kind: 'torn-journal', file: ref.label, bytes: done.tail.tornBytes });
    const others = await otherJournals(journals, ref, identity);
    if (others.length) notices.push({ kind: 'other-journals', journals: others });

    const suppress = suppressionFiles(paths.issuesDir, newsletter, req.suppress, req.root);
    const store = state.events;
    // Refusals an earlier run journaled but did not live to record (killed before its end) are recorded now.
    if (mode === 'send')
      await recordRefusals(done.refusals, {
        issue: req.number,
        store,
        listId: newsletter.list_id,
        at: new Date().toISOString(),
      });
    const rules = await audienceRules({
      suppress,
      events: store,
      // A send resumed takes the sign-ups its first run took (rules.ts); a new one, all there are now.
      upTo: done.eventsUpTo,
      secrets: readingKeys(unsubscribeSecrets(req.env)),
      listId: newsletter.list_id,
      shard: req.shard,
      done: done.outcomes,
      retryFailed: req.retryFailed,
    });
    if (mode === 'dry-run') mkdirSync(req.dryRun!, { recursive: true });
    const languages = built.languages.map((l) => l.language);
    hooks.onDispose?.(dispose);
    const audience = await planAudience(src, rules, new SpoolWriter(spool), languages, hooks.signal);
    if (audience.skipped.invalid > 0 && !req.skipInvalid) throw invalidRows(audience, src.file);
    return {
      request: req,
      mode,
      subject: subjectFor(audience),
      built,
      newsletter,
      secret,
      transport,
      journal: {
        ref,
        journals,
        state: done,
        identity,
        suppress,
        events: state.kind === 'files' ? store.where : null,
        eventsUpTo: rules.eventsUpTo,
        store,
        lock,
      },
      audience,
      recipients: { spool },
      attachment: null,
      notices,
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** The subject as sent: that of the one language everyone gets, else the default language's (the plan lists the rest). */
function sentSubject(built: BuiltIssue, languages: Plan['languages']): string {
  const used = built.languages.filter((l) => (languages[l.language] ?? 0) > 0);
  return (used.length === 1 ? used[0]! : built.languages[0]!).rendered.subject;
}

/** --language as one of the build's languages (fr-CH finds fr); a language the build does not have is refused. */
function testLanguage(requested: string | null, languages: string[], number: number): string | null {
  if (requested === null) return null;
  const match = matchLanguage(requested, languages);
  if (match) return match;
  throw new EnewsError(
    'usage',
    `--language ${requested}: issue ${number} is built in ${languages.join(', ')}, not in ${requested}.`,
    {
      exitCode: ExitCode.usage,
      problems: [{ message: 'Name one of those, or add the language to newsletter.yaml and build the issue again.' }],
    },
  );
}

function invalidRows(plan: Plan, file: string): EnewsError {
  const more = plan.skipped.invalid - plan.invalid.length;
  return new EnewsError(
    'invalid-subscribers',
    `${plan.skipped.invalid} of ${plan.rows} rows in ${file} are invalid; nothing was sent`,
    {
      problems: [
        ...plan.invalid,
        ...(more > 0 ? [{ message: `… and ${more} more` }] : []),
        {
          message:
            'Fix the rows, or add --skip-invalid to send to the valid ' +
            'rows only (the invalid ones are listed in the summary).',
        },
      ],
    },
  );
}

/** The secret new mail is sealed with: refused when weak (unsubscribe-secret.ts), whatever kind of send. */
/** What a DKIM setup that signs correctly may still cost the messages at the receivers. */
function dkimNotices(dkim: DkimSettings | null, newsletter: Newsletter): SendNotice[] {
  if (!dkim) return [];
  const notices: SendNotice[] = [];
  const from = domainOf(newsletter.from.address);
  if (!aligned(dkim.domainName, from)) notices.push({ kind: 'dkim-unaligned', signing: dkim.domainName, from });
  if (dkim.rsaBits < 2048) notices.push({ kind: 'dkim-short-key', bits: dkim.rsaBits });
  return notices;
}

function unsubscribeSecret(newsletter: Newsletter, env: Env, dryRun: boolean, notices: SendNotice[]): string | null {
  const secret = unsubscribeSecrets(env).current;
  if (secret || !newsletter.unsubscribe.url) return secret;
  if (dryRun) {
    notices.push({ kind: 'no-secret' });
    return null;
  }
  throw new EnewsError(
    'unsubscribe-secret-missing',
    'UNSUBSCRIBE_SECRET is not set, but newsletter.yaml has an unsubscribe url whose links need it.',
    {
      problems: [
        {
          message:
            'Set UNSUBSCRIBE_SECRET (make one with: openssl rand -base64 32; the same one ' +
            'your unsubscribe page checks) in the environment or .env.',
        },
      ],
      exitCode: ExitCode.badInput,
    },
  );
}

/**
 * The list a journal was written for. In files, the subscriber file's real path: a list reached through a
 * symlink or another relative path is the same list. In the database, shared by machines whose project
 * folders differ, its path in the project (subscribers.csv), so a send begun on one resumes on another.
 */
function listIdentity(root: string, subscribers: string, kind: JournalStore['kind']): string {
  const real = realpathSync(subscribers);
  if (kind === 'files') return real;
  const rel = path.relative(realpathSync(root), real);
  return rel.startsWith('..') || path.isAbsolute(rel) ? real : rel.split(path.sep).join('/');
}

/** The recipient spool: beside the journal file, or, for a journal in the database, in the project's journal/. */
function spoolPath(root: string, ref: JournalRef, kind: JournalStore['kind']): string {
  if (kind === 'files') return `${ref.name}.spool`;
  const dir = path.join(root, 'journal');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, `${ref.name}.spool`);
}
