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
  /** The key under which the message is remembered as processed (a hash of its bytes). */
  fingerprint: string;
  /** The IMAP UID, for marking it processed. */
  uid?: number;
  /** The source already marks it processed (the IMAP keyword): it is neither read nor counted again. */
  markedAtSource?: boolean;
}

export type SourceKind = 'mbox' | 'maildir' | 'imap';

export interface MailSource {
  readonly kind: SourceKind;
  /** Where the mail is read from, without any password. */
  readonly label: string;
  /** Notes for people about the source (e.g. a server that cannot keep keywords). */
  readonly notices: string[];
  messages(): AsyncIterable<MailboxMessage>;
  /** Marks processed messages at the source (IMAP keyword and \Seen); files are left as they are. */
  markProcessed(messages: Array<Pick<MailboxMessage, 'uid'>>): Promise<void>;
  close(): Promise<void>;
}

export function fingerprintOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A message too large to read is remembered by its head and size. */
export function largeFingerprint(head: Buffer, size: number): string {
  return createHash('sha256').update(head).update(`\n${size}`).digest('hex');
}

/** Builds the reader's record of a message it holds completely, or only the head of. */
export function mailboxMessage(ref: string, raw: Buffer, extra: Partial<MailboxMessage> = {}): MailboxMessage {
  if (raw.length > MAX_MESSAGE_BYTES) {
    const head = Buffer.from(raw.subarray(0, HEAD_BYTES));
    return { ref, raw: null, head, size: raw.length, fingerprint: largeFingerprint(head, raw.length), ...extra };
  }
  return { ref, raw, head: raw.subarray(0, HEAD_BYTES), size: raw.length, fingerprint: fingerprintOf(raw), ...extra };
}
