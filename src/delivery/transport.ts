/**
 * The one contract every way of delivering a message follows (SMTP, a
 * folder of .eml files for a dry run, an HTTP API later). The engine knows
 * only this: open, send one prepared message, classify what went wrong,
 * close. A transport classifies its own errors because only it knows what
 * its failures mean.
 *
 * The life of a transport, as `enews send` drives it:
 * - made from its registry entry (transports/index.ts) without contacting
 *   anyone; `open()` once, before the first message and before the journal
 *   is written to. An `open()` that throws leaves nothing open behind it;
 * - `send()` called for many messages at once (up to --concurrency in
 *   flight), each call for one recipient; a recipient whose send failed
 *   temporarily is sent again later, through a new call;
 * - `close()` once after a successful `open()`, when every `send()` has
 *   settled, also when the run stopped early.
 *
 * What `send()` may end with:
 * - resolves with a `Delivered`: the destination accepted the message; it is
 *   journaled as sent with `response` (and `providerId`, when given);
 * - rejects with an `EnewsError`: the whole run stops (exit 4) at once; the
 *   error is not classified, the recipient is neither sent nor failed (sent
 *   again next run), messages in flight finish and nothing new starts. For
 *   trouble that is nobody's fault but the setup and that no retry mends;
 * - rejects with anything else: handed to `classify`, whose verdict decides
 *   (record as failed, retry, slow down, or stop the run).
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

/**
 * Why a transport refused a message itself, before any server could answer for it: a reason of enews's own, to be
 * told apart from a server's refusal (a 5xx) in the summary and the journal. `no-smtputf8`: the address has
 * non-ASCII characters before the @ and the server does not offer SMTPUTF8, so it cannot be sent as written.
 */
export type OwnRefusal = 'no-smtputf8';

export interface Classified {
  kind: FailureKind;
  /** Set when the transport itself refused the message (kind permanent, no reply code): why. */
  reason?: OwnRefusal;
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

/** What the destination said when it accepted a message. */
export interface Delivered {
  /** Its reply, one line, for people and the journal (e.g. "250 2.0.0 Ok: queued as 4Xyz"). */
  response: string;
  /**
   * The destination's own id for the message, when it gives one (a queue id, an API's message id): returns that
   * name only this id (an API relay such as SES replaces the Message-ID) can be matched with it. Kept in the
   * journal; absent, nothing is written.
   */
  providerId?: string;
}

export interface Transport {
  /** Registry name, e.g. "smtp", "file". */
  readonly name: string;
  /** Where messages go, safe to print (never holds a password). */
  readonly target: string;
  /** Proves the destination works (reachable, login accepted) before the first message; throws an EnewsError. */
  open(): Promise<void>;
  /**
   * Delivers one message: see above for what its outcome means. Never called before `open()` or after `close()`.
   * `before`, when given, is the keeping of the journal record of the message sent before this one on the same
   * slot (a database's commit): the transport may do everything but complete the message (its last byte, after
   * which the destination may accept it) before it resolves, and must never complete it if it rejects (the run is
   * stopping; `send` then rejects with any error). This bounds what a crash can cause to be sent twice.
   */
  send(msg: OutgoingMessage, before?: Promise<void> | null): Promise<Delivered>;
  /** What a failure of `send` (other than an EnewsError) means. Pure: it looks at the error only. */
  classify(err: unknown): Classified;
  /** Lets go of connections and files. Never throws. */
  close(): Promise<void>;
}
