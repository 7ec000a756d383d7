/**
 * The messages of a send, in order: the recipients of the sending pass (or
 * the --test addresses), each personalised into its complete MIME bytes.
 *
 * Each is composed when the engine asks for it, that is when a connection
 * is free. Keeping one ready per connection (composed after the I/O of the
 * event-loop turn instead) was tried and measured: 2,893 against 2,925 msg/s
 * at 100k (medians of 10 paired runs, spread ±10 %), no gain: the
 * connections wait for the server, not for composing (BENCHMARKS.md,
 * 2026-11-29).
 */
import type { Newsletter } from '../content/schema.js';
import type { PiecedMessage } from '../delivery/transports/wire.js';
import { languageFor } from '../content/languages.js';
import {
  buildSkeleton,
  wireTemplate,
  type Attachment,
  type MessagePieces,
  type WireTemplate,
} from '../mime/compose.js';
import { unstuff } from '../mime/dot-stuff.js';
import { personalizeWire, type PersonalizeContext } from '../personalize/recipient.js';
import { readSpool } from '../plan/spool.js';
import { returnPath } from '../personalize/return-path.js';
import type { RenderedIssue } from '../render/render-issue.js';
import type { Subscriber } from '../subscribers/subscriber.js';

/**
 * One recipient's message. It is itself what the transport sends (no second
 * object per message): the bytes as SMTP's DATA carries them (`wire`), the
 * pieces they were joined from (for DKIM), and the same message as text
 * (`raw`) for transports that want it.
 */
export class OutgoingItem implements PiecedMessage {
  constructor(
    readonly sub: Subscriber,
    /** Envelope sender (Return-Path): the bounce address, per recipient with VERP. */
    readonly from: string,
    /** Position in the send order, 1-based. */
    readonly seq: number,
    readonly messageId: string,
    readonly wire: Buffer,
    readonly pieces: MessagePieces,
  ) {}

  /** Envelope recipient. */
  get to(): string {
    return this.sub.email;
  }

  /** The message as text, derived from the bytes on demand (a dry run, DKIM): never needed by a plain SMTP send. */
  get raw(): string {
    return unstuff(this.wire).toString('utf8');
  }
}

/** One language's version of the issue, as its subscribers get it. */
export interface MessageVersion {
  language: string;
  /** The newsletter as this language's messages show it (read-build.ts, newsletterFor). */
  newsletter: Newsletter;
  rendered: RenderedIssue;
}

/** Everything needed to produce the messages. */
export interface MessageJob {
  /** Every language of the build, the default first; a subscriber gets theirs (content/languages.ts, languageFor). */
  versions: MessageVersion[];
  issue: number;
  subjectPrefix: string;
  contentHash: string;
  secret: string | null;
  variant: string;
  /** Either the plan's spool of recipients, or a fixed list (--test). */
  audience: { spool: string; optedOut: ReadonlyMap<string, string> } | { list: Subscriber[] };
  /** A file every message carries (--test --review: review.html). */
  attachment?: Attachment | null;
}

/** What composing one language's messages needs, made once per language before the first message. */
interface Composer {
  ctx: PersonalizeContext;
  wire: WireTemplate;
}

function composerFor(job: MessageJob, v: MessageVersion): Composer {
  const skeleton = buildSkeleton(
    v.newsletter,
    { ...v.rendered, subject: job.subjectPrefix + v.rendered.subject },
    { contentHash: job.contentHash, attachment: job.attachment ?? null },
  );
  const ctx: PersonalizeContext = {
    newsletter: v.newsletter,
    skeleton,
    contentHash: job.contentHash,
    issue: job.issue,
    secret: job.secret,
    variant: job.variant,
  };
  return { ctx, wire: wireTemplate(skeleton) };
}

export async function* prepareMessages(job: MessageJob): AsyncGenerator<OutgoingItem> {
  const composers = job.versions.map((v) => composerFor(job, v));
  const codes = job.versions.map((v) => v.language);
  // A list writes few distinct language values; the choice is made once per value, not per subscriber.
  const chosen = new Map<string, Composer>();
  const composerOf = (language: string): Composer => {
    let c = chosen.get(language);
    if (!c) {
      c = composers[codes.indexOf(languageFor(language, codes))]!;
      chosen.set(language, c);
    }
    return c;
  };
  const a = job.audience;
  const recipients = 'list' in a ? a.list : readSpool(a.spool, a.optedOut);
  let seq = 0;
  for await (const sub of recipients) {
    const { ctx, wire } = composerOf(sub.language);
    const m = personalizeWire(ctx, wire, sub);
    const from = returnPath(ctx.newsletter, {
      secret: job.secret,
      issue: job.issue,
      address: sub.key,
      messageId: m.messageId,
    });
    yield new OutgoingItem(sub, from, ++seq, m.messageId, m.wire, m.pieces);
  }
}
