/**
 * What the mailbox readers hand to `enews inbox`: one message at a time,
 * never the whole mailbox, whatever its size.
 */
import { createHash } from 'node:crypto';

/**
 * Returned mail is small: a report plus, at most, the returned message
 * (a newsletter of about 100 KB). Anything far larger is not read, only
 * listed, so one absurd message cannot exhaust memory.
 */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** The start of a message kept even when it is too large to read: enough for its headers. */
export const HEAD_BYTES = 64 * 1024;

export interface MailboxMessage {
  /** How a person finds it again in the mailbox: "UID 42", "message 12", "new/1696…". */
  ref: string;
  /** The complete message, or null when it is over MAX_MESSAGE_BYTES (or already marked at the source). */
  raw: Buffer | null;
  /** The first HEAD_BYTES, for the subject of a message too large to read. */
  head: Buffer;
  size: number;
  /** The key under which the message is remembered as processed (fingerprintOf). */
  fingerprint: string;
  /** The IMAP UID, for marking it processed. */
  uid?: number;
}

export type SourceKind = 'mbox' | 'maildir' | 'imap';

export interface MailSource {
  readonly kind: SourceKind;
  /** Where the mail is read from, without any password. */
  readonly label: string;
  /** Notes for people about the source (e.g. a server that cannot keep keywords). */
  readonly notices: string[];
  /**
   * Every message, in mailbox order. `known` says whether a fingerprint is remembered as processed: a source may
   * then skip downloading that message and yield it with `raw` null (IMAP does, for messages it marked).
   */
  messages(known: (fingerprint: string) => boolean): AsyncIterable<MailboxMessage>;
  /** Marks processed messages at the source (IMAP keyword and \Seen); files are left as they are. */
  markProcessed(messages: Array<Pick<MailboxMessage, 'uid'>>): Promise<void>;
  close(): Promise<void>;
}

/**
 * The key a message is remembered by, the same however the mailbox is read: a SHA-256 of its header block
 * (every return has its own Message-ID, Date and Received chain), with line ends made LF (IMAP serves CRLF,
 * Maildir and mbox files hold LF) and without the fields mail stores add to their own copy (mbox's Status,
 * Dovecot's X-UID and X-Keywords, Thunderbird's X-Mozilla-Status…). It says nothing about anyone.
 */
export function fingerprintOf(bytes: Buffer): string {
  const text = bytes.subarray(0, Math.min(bytes.length, HEAD_BYTES)).toString('latin1').replace(/\r\n?/g, '\n');
  const end = text.indexOf('\n\n');
  const kept: string[] = [];
  let skipping = false;
  for (const line of (end >= 0 ? text.slice(0, end) : text).split('\n')) {
    // A folded continuation belongs to the field above it.
    if (/^[ \t]/.test(line)) {
      if (!skipping) kept.push(line);
      continue;
    }
    skipping = STORE_FIELDS.test(line);
    if (!skipping) kept.push(line);
  }
  return createHash('sha256').update(kept.join('\n')).digest('hex');
}

const STORE_FIELDS =
  /^(status|x-status|x-keywords|x-uid|x-imap|x-imapbase|content-length|lines|x-mozilla-status2?|x-mozilla-keys):/i;

/** A message too large to read is remembered by its head, as any other by its header block. */
export function largeFingerprint(head: Buffer, _size: number): string {
  return fingerprintOf(head);
}

/** Builds the reader's record of a message it holds completely, or only the head of. */
export function mailboxMessage(ref: string, raw: Buffer, extra: Partial<MailboxMessage> = {}): MailboxMessage {
  if (raw.length > MAX_MESSAGE_BYTES) {
    const head = Buffer.from(raw.subarray(0, HEAD_BYTES));
    return { ref, raw: null, head, size: raw.length, fingerprint: largeFingerprint(head, raw.length), ...extra };
  }
  return { ref, raw, head: raw.subarray(0, HEAD_BYTES), size: raw.length, fingerprint: fingerprintOf(raw), ...extra };
}
