/**
 * Who the preview can show the issue to, and the issue as that person gets
 * it. The message comes from the same personalize() that `enews send` uses,
 * on the same render, so a reviewer sees the real bytes, not a look-alike.
 */
import type { Newsletter } from '../content/schema.js';
import type { PreparedLanguage } from '../build/prepare-issue.js';
import { buildSkeleton, type MessageSkeleton } from '../mime/compose.js';
import { personalizeForReview, type PersonalizeContext, type Recipient } from '../personalize/recipient.js';
import { openSubscriberFile, readSubscribers } from '../subscribers/read.js';
import { addressKey } from '../util/email-address.js';
import { messageHeaders, type HeaderLine } from '../mime/read-headers.js';

/** A select with thousands of options is unusable and slow; reviewers need a handful. */
export const PICKER_LIMIT = 500;

export interface PickerEntry {
  id: string;
  label: string;
  recipient: Recipient;
  /** The language column of the subscriber's row ('' when empty): it preselects the preview's language. */
  language: string;
}

export interface PickerList {
  entries: PickerEntry[];
  /** One line for the page: where the list comes from and what was left out. */
  note: string;
}

/** `shown` is how the page names the file. */
/** `optOuts` are the subscriber events: someone who unsubscribed, bounced or complained is marked as not sent. */
export async function readPickerRows(
  file: string,
  shown: string,
  optOuts: { get(key: string): string | undefined },
  limit = PICKER_LIMIT,
): Promise<PickerList> {
  const src = openSubscriberFile(file);
  const entries: PickerEntry[] = [];
  const seen = new Set<string>();
  let invalid = 0;
  let more = false;
  for await (const r of readSubscribers(src)) {
    if (!r.ok) {
      invalid++;
      continue;
    }
    const s = r.subscriber;
    if (seen.has(s.key)) continue;
    if (entries.length >= limit) {
      more = true;
      break;
    }
    seen.add(s.key);
    const why = s.status === 'subscribed' ? optOuts.get(s.key) : s.status;
    const status = why ? ` (${why}: not sent)` : '';
    entries.push({ id: String(entries.length), label: label(s) + status, recipient: s, language: s.language });
  }
  const parts = [`${entries.length} subscriber${entries.length === 1 ? '' : 's'} from ${shown}`];
  if (more) parts.push(`only the first ${limit} are listed`);
  if (invalid) parts.push(`${invalid} invalid row${invalid === 1 ? '' : 's'} left out`);
  return { entries, note: parts.join('; ') };
}

/** Without a subscriber file: the newsletter's sample recipient, and someone without a name (fallback_name). */
export function samplePicker(newsletter: Newsletter): PickerList {
  const { name, email } = newsletter.sample_recipient;
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const noName = `no.name@${domain}`;
  const make = (id: string, n: string, e: string): PickerEntry => ({
    id,
    label: label({ name: n, email: e }),
    recipient: { email: e, key: addressKey(e), name: n, fields: {} },
    language: '',
  });
  return {
    entries: [make('0', name, email), make('1', '', noName)],
    note: 'sample recipients from newsletter.yaml; use --subscribers FILE to pick from a list',
  };
}

function label(r: { name: string; email: string }): string {
  return `${r.name || '(no name)'} <${r.email}>`;
}

export interface PreviewMessage {
  html: string;
  text: string;
  eml: string;
  headers: HeaderLine[];
}

// The skeleton QP-encodes the whole issue; reuse it for every pick of the same render and language.
const skeletons = new WeakMap<PreparedLanguage, MessageSkeleton>();

/** The message of one language of the issue (prepare-issue.ts: PreparedLanguage), as `r` gets it. */
export function messageFor(
  p: { number: number; inputsHash: string },
  l: PreparedLanguage,
  r: Recipient,
  secret: string | null,
  now = new Date(),
): PreviewMessage {
  let skeleton = skeletons.get(l);
  if (!skeleton) {
    skeleton = buildSkeleton(l.newsletter, l.rendered, { contentHash: p.inputsHash });
    skeletons.set(l, skeleton);
  }
  // A Message-ID of its own: a downloaded preview must never be mistaken for (and deduplicated against) the real mail.
  const ctx: PersonalizeContext = {
    newsletter: l.newsletter,
    skeleton,
    contentHash: p.inputsHash,
    issue: p.number,
    secret,
    variant: 'preview',
    now: () => now,
  };
  const view = personalizeForReview(ctx, l.rendered, r);
  return { ...view, headers: messageHeaders(view.eml, l.rendered.preheader) };
}
