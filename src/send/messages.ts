/**
 * The messages of a send, in order: the recipients of the sending pass (or
 * the --test addresses), each personalised into its complete MIME bytes.
 */
import type { Newsletter } from '../content/schema.js';
import type { RenderedIssue } from '../render/render-issue.js';
import { buildSkeleton } from '../mime/compose.js';
import { personalize, type PersonalizeContext } from '../personalize/recipient.js';
import { readSpool } from '../plan/spool.js';
import { returnPath } from '../personalize/return-path.js';
import type { Subscriber } from '../subscribers/subscriber.js';

export interface OutgoingItem {
  sub: Subscriber;
  /** Envelope sender (Return-Path): the bounce address, per recipient with VERP. */
  from: string;
  /** Position in the send order, 1-based. */
  seq: number;
  messageId: string;
  raw: string;
}

/** Everything needed to produce the messages. */
export interface MessageJob {
  newsletter: Newsletter;
  issue: number;
  rendered: RenderedIssue;
  subjectPrefix: string;
  contentHash: string;
  secret: string | null;
  variant: string;
  /** Either the plan's spool of recipients, or a fixed list (--test). */
  audience: { spool: string; optedOut: ReadonlyMap<string, string> } | { list: Subscriber[] };
}

export async function* prepareMessages(job: MessageJob): AsyncGenerator<OutgoingItem> {
  const skeleton = buildSkeleton(
    job.newsletter,
    { ...job.rendered, subject: job.subjectPrefix + job.rendered.subject },
    { contentHash: job.contentHash },
  );
  const ctx: PersonalizeContext = {
    newsletter: job.newsletter,
    skeleton,
    contentHash: job.contentHash,
    issue: job.issue,
    secret: job.secret,
    variant: job.variant,
  };
  const a = job.audience;
  const recipients = 'list' in a ? a.list : readSpool(a.spool, a.optedOut);
  let seq = 0;
  for await (const sub of recipients) {
    const { messageId, raw } = personalize(ctx, sub);
    yield { sub, from: returnPath(job.newsletter, messageId), seq: ++seq, messageId, raw };
  }
}
