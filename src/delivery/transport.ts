/**
 * The one contract every way of delivering a message follows (SMTP, a
 * folder of .eml files for a dry run, an HTTP API later). The engine knows
 * only this: open, send one prepared message, classify what went wrong,
 * close. A transport classifies its own errors because only it knows what
 * its failures mean.
 */

/** One complete message for one recipient, as bytes on the wire will carry it. */
export interface OutgoingMessage {
  /** Envelope sender (Return-Path). */
  from: string;
  /** Envelope recipient, as written in the subscriber file. */
  to: string;
  /** The complete RFC 5322 message, CRLF line ends. */
  raw: string;
  messageId: string;
  /** Position in the send order, 1-based (names dry-run files). */
  seq: number;
}

export type FailureKind =
  /** The recipient will never get this message from us: record it as failed. */
  | 'permanent'
  /** Try again later: 4xx, dropped connection, timeout. */
  | 'temporary'
  /** Temporary, and the server asked us to slow down (421/450/451/452). */
  | 'throttle'
  /**
   * The whole run cannot go on (login refused, sender refused, server unreachable); nobody is to blame but the setup.
   */
  | 'fatal';

export interface Classified {
  kind: FailureKind;
  /** The server's reply code, when it gave one. */
  code: number | null;
  /** One line for people and the journal. */
  response: string;
  /**
   * The failure came after the whole message was handed over (a reply lost
   * after the final dot, RFC 1047): the server may have delivered it, so a
   * retry may be a second copy.
   */
  uncertain: boolean;
}

export interface Transport {
  /** Registry name, e.g. "smtp", "file". */
  readonly name: string;
  /** Where messages go, safe to print (never holds a password). */
  readonly target: string;
  /** Proves the destination works (reachable, login accepted) before the first message; throws an EnewsError. */
  open(): Promise<void>;
  /** Resolves with the destination's acceptance reply; rejects with an error that `classify` understands. */
  send(msg: OutgoingMessage): Promise<string>;
  classify(err: unknown): Classified;
  close(): Promise<void>;
}
