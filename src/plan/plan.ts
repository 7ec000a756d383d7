/**
 * Plan, then send. The planning pass reads the whole subscriber file once,
 * validates every row and counts who will get the issue and who is skipped
 * and why; nothing is sent until it has finished cleanly. The recipients it
 * chooses go to a spool (spool.ts) that the sending pass streams.
 *
 * The confirmed sign-ups of the subscriber events (events/roster.ts) follow
 * the file's rows, in the order they confirmed, each one row more, decided by
 * the same rules; an address the file already has is the file's row. The
 * name and language a subscriber chose (sign-up or preferences page) beat the
 * file's columns.
 */
import { EnewsError, ExitCode, type Problem } from '../errors.js';
import { readSubscribers, type SubscriberFile } from '../subscribers/read.js';
import { matchLanguage } from '../content/languages.js';
import { KeyMap } from '../util/key-set.js';
import { decide, emptyCounts, SKIP_REASONS, type AudienceRules, type SkipReason } from './audience.js';
import type { SpoolWriter } from './spool.js';
import type { SignedUp } from '../events/roster.js';
import type { Subscriber } from '../subscribers/subscriber.js';

export interface Plan {
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  toSend: number;
  skipped: Record<SkipReason, number>;
  /** The first invalid rows, for the report (all are counted in skipped.invalid). */
  invalid: Problem[];
  optedOut: Map<string, 'unsubscribed' | 'bounced'>;
  /** Of `toSend`, how many get each language of the build (the default first). */
  languages: Record<string, number>;
  /**
   * Of those counted under the default language, the ones whose language column asks for one the
   * build does not have, by what they asked for (as written, e.g. "de", "xx"). Never an error.
   */
  fallbacks: { total: number; asked: Record<string, number> };
  /** Of `rows`, the confirmed sign-ups the file does not have; of `toSend`, those mailed. */
  signups: { rows: number; toSend: number };
}

const MAX_LISTED_INVALID = 200;

export type PlanRules = Omit<AudienceRules, 'optedOut'> & {
  /** Confirmed sign-ups (events/roster.ts), in the order they confirmed. */
  signups?: ReadonlyMap<string, SignedUp>;
  /** The name and language each subscriber chose: they beat the file's columns. */
  preferences?: ReadonlyMap<string, { name?: string; language?: string }>;
};

/**
 * `languages`: the build's, the default first (one, the default `en`, when left out). Nothing
 * about a subscriber's language stops a send: an unknown one gets the default, and is counted.
 */
export async function planAudience(
  src: SubscriberFile,
  rules: PlanRules,
  spool?: SpoolWriter,
  languages: readonly string[] = ['en'],
  signal?: AbortSignal,
): Promise<Plan> {
  const counter = new LanguageCounter(languages);
  const skipped = emptyCounts();
  const invalid: Problem[] = [];
  const optedOut = new Map<string, 'unsubscribed' | 'bounced'>();
  // The decision for each address, made at its first row without the opt-outs, which are only
  // known at the end of the file; a compact map because a list can hold a million addresses.
  const firstSeen = new KeyMap();
  const noOptOuts: AudienceRules = { ...rules, optedOut: new Map() };
  let rows = 0;
  let toSend = 0;
  const signups = { rows: 0, toSend: 0 };
  const stopIfAsked = async () => {
    if (!signal?.aborted) return;
    await spool?.end().catch(() => {});
    throw new EnewsError('interrupted', 'Stopped while planning (Ctrl-C): nothing was sent.', {
      exitCode: ExitCode.stopped,
      problems: [{ message: 'Run the same command again to send.' }],
    });
  };
  /** One address at its first row: skipped with its reason, or spooled. */
  const take = async (sub: Subscriber): Promise<boolean> => {
    const reason = decide(sub.key, noOptOuts);
    if (reason) {
      firstSeen.set(sub.key, SKIP_REASONS.indexOf(reason) + 1);
      skipped[reason]++;
      return false;
    }
    firstSeen.set(sub.key, counter.add(sub.language));
    toSend++;
    const wait = spool?.write(sub);
    if (wait) await wait;
    return true;
  };
  for await (const r of readSubscribers(src)) {
    await stopIfAsked();
    rows++;
    if (!r.ok) {
      skipped.invalid++;
      if (invalid.length < MAX_LISTED_INVALID) invalid.push(r.problem);
      continue;
    }
    const { key, status } = r.subscriber;
    if (status !== 'subscribed' && optedOut.get(key) !== 'bounced') optedOut.set(key, status);
    if (firstSeen.has(key)) {
      skipped.duplicate++;
      continue;
    }
    const chose = rules.preferences?.get(key);
    await take(chose ? { ...r.subscriber, ...chosen(chose) } : r.subscriber);
  }
  for (const [key, s] of rules.signups ?? []) {
    await stopIfAsked();
    if (firstSeen.has(key)) continue;
    rows++;
    signups.rows++;
    const sub: Subscriber = {
      line: 0,
      email: s.email,
      key,
      name: s.name,
      language: s.language,
      status: 'subscribed',
      fields: {},
    };
    if (await take(sub)) signups.toSend++;
  }
  await spool?.end();
  // An opt-out anywhere in the file outranks every other decision for that address, but what the journal
  // records (audience.ts, decide): who got the issue, or failed it, is counted as such.
  for (const [key, status] of optedOut) {
    const code = firstSeen.get(key);
    if (code === ALREADY_SENT || code === ALREADY_FAILED) continue;
    if (code >= SEND) {
      toSend--;
      counter.remove(code);
    } else skipped[SKIP_REASONS[code - 1]!]--;
    skipped[status]++;
  }
  return { rows, toSend, skipped, invalid, optedOut, ...counter.counts(), signups };
}

/** The fields a subscriber's own choice replaces (a name left empty on a form keeps the file's). */
function chosen(p: { name?: string; language?: string }): Partial<Subscriber> {
  return { ...(p.name ? { name: p.name } : {}), ...(p.language ? { language: p.language } : {}) };
}

/** Codes from here up mean "sent to" (below: 1 + a skip reason), and say in which language (LanguageCounter). */
const SEND = 128;
const ALREADY_SENT = SKIP_REASONS.indexOf('already-sent') + 1;
const ALREADY_FAILED = SKIP_REASONS.indexOf('already-failed') + 1;

/**
 * Counts recipients per language in the one byte per address that the plan keeps: 128 + the
 * language's index, or, for a fallback to the default, 192 + the index of what was asked for (the
 * first 63 distinct values; any further ones share the last code), so that an opt-out found later
 * in the file takes its address out of the right counts.
 */
export class LanguageCounter {
  private readonly perLanguage: number[];
  private readonly askedTags: string[] = [];
  private readonly askedCounts: number[] = [];
  /** Fallbacks beyond the first MAX_ASKED distinct values asked for. */
  private other = 0;
  /** Each value of the language column as written → its code. */
  private readonly codes = new Map<string, number>();

  constructor(private readonly languages: readonly string[]) {
    this.perLanguage = languages.map(() => 0);
  }

  add(written: string): number {
    let code = this.codes.get(written);
    if (code === undefined) {
      code = this.codeOf(written);
      this.codes.set(written, code);
    }
    this.count(code, 1);
    return code;
  }

  remove(code: number): void {
    this.count(code, -1);
  }

  private codeOf(written: string): number {
    const match = written === '' ? this.languages[0]! : matchLanguage(written, this.languages);
    if (match !== null) return SEND + this.languages.indexOf(match);
    let i = this.askedTags.indexOf(written);
    if (i < 0 && this.askedTags.length < MAX_ASKED) {
      i = this.askedTags.push(written) - 1;
      this.askedCounts.push(0);
    }
    return FALLBACK + (i < 0 ? MAX_ASKED : i);
  }

  private count(code: number, by: number): void {
    if (code < FALLBACK) {
      this.perLanguage[code - SEND]! += by;
      return;
    }
    this.perLanguage[0]! += by;
    const i = code - FALLBACK;
    if (i < MAX_ASKED) this.askedCounts[i]! += by;
    else this.other += by;
  }

  counts(): Pick<Plan, 'languages' | 'fallbacks'> {
    const asked: Record<string, number> = {};
    this.askedTags.forEach((tag, i) => {
      if (this.askedCounts[i]! > 0) asked[tag] = this.askedCounts[i]!;
    });
    if (this.other > 0) asked['…'] = this.other;
    const total = Object.values(asked).reduce((a, b) => a + b, 0);
    return {
      languages: Object.fromEntries(this.languages.map((l, i) => [l, this.perLanguage[i]!])),
      fallbacks: { total, asked },
    };
  }
}

const FALLBACK = 192;
const MAX_ASKED = 63;
