/**
 * The messages of a send, in order: the recipients of the sending pass (or
 * the --test addresses), each personalised into its complete MIME bytes.
 * Described by a plain-data job so the same generator can run in a worker
 * thread (see message-worker.ts) while the main thread talks SMTP.
 */
import type { Newsletter } from '../content/schema.js';
import type { RenderedIssue } from '../render/render-issue.js';
import { buildSkeleton } from '../mime/compose.js';
import { personalize, type PersonalizeContext } from '../personalize/recipient.js';
import { Outcomes } from '../journal/outcomes.js';
import type { Shard } from '../plan/audience.js';
import { recipientsToSend, type SubscriberFile } from '../plan/plan.js';
import type { Subscriber } from '../subscribers/subscriber.js';
import { KeySet, type KeyMapSnapshot } from '../util/key-set.js';

export interface OutgoingItem {
  sub: Subscriber;
  /** Position in the send order, 1-based. */
  seq: number;
  messageId: string;
  raw: Buffer;
}

/** Everything needed to produce the messages, as structured-clone-able data. */
export interface MessageJob {
  newsletter: Newsletter;
  rendered: RenderedIssue;
  subjectPrefix: string;
  contentHash: string;
  secret: string | null;
  variant: string;
  /** Either the subscriber file with its rules, or a fixed list (--test). */
  audience:
    | {
        src: SubscriberFile;
        optedOut: Map<string, 'unsubscribed' | 'bounced'>;
        suppressed: KeyMapSnapshot;
        done: ReturnType<Outcomes['snapshot']>;
        shard: Shard | null;
        retryFailed: boolean;
      }
    | { list: Subscriber[] };
}

export async function* prepareMessages(job: MessageJob): AsyncGenerator<OutgoingItem> {
  const skeleton = buildSkeleton(job.newsletter, { ...job.rendered, subject: job.subjectPrefix + job.rendered.subject }, { contentHash: job.contentHash });
  const ctx: PersonalizeContext = { newsletter: job.newsletter, skeleton, contentHash: job.contentHash, secret: job.secret, variant: job.variant };
  const a = job.audience;
  const recipients =
    'list' in a
      ? a.list
      : recipientsToSend(a.src, {
          optedOut: a.optedOut,
          suppressed: KeySet.restore(a.suppressed),
          done: Outcomes.restore(a.done),
          shard: a.shard,
          retryFailed: a.retryFailed,
        });
  let seq = 0;
  for await (const sub of recipients) {
    const { messageId, raw } = personalize(ctx, sub);
    yield { sub, seq: ++seq, messageId, raw };
  }
}
