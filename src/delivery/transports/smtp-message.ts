/**
 * One message over one SMTP connection: the envelope, the bytes after DATA,
 * and how far the message got when it fails. A failure before the last
 * byte of DATA is safe to retry; a failure after it may be a delivered
 * message whose reply was lost (RFC 1047), and that wait gets its own,
 * longer timeout (RFC 5321 §4.5.3.2: 10 minutes).
 *
 * The fast path: messages that carry their bytes dot-stuffed (wire.ts) go
 * over as they are, past nodemailer's byte-by-byte stuffing
 * (data-stream.ts), once a message sent the ordinary way was seen passing
 * the DataStream adapter (`FastPath.proven`). Without the fast path every
 * message goes the ordinary way, as a stream nodemailer stuffs.
 */
import { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import type SMTPConnection from 'nodemailer/lib/smtp-connection';
import { stuffLines } from '../../mime/dot-stuff.js';
import { prepend } from '../../mime/headroom.js';
import type { Signer } from '../dkim.js';
import type { Delivered, OutgoingMessage } from '../transport.js';
import * as dataStream from './data-stream.js';
import type { SmtpFailure } from './smtp-classify.js';
import type { PooledConnection } from './smtp-pool.js';
import { queueIdOf } from './smtp-queue-id.js';
import { bytesOf, wireOf } from './wire.js';

/**
 * Whether messages may go over as they are. Shared by all messages of one transport: `proven` turns true when a
 * message sent the ordinary way was seen passing the DataStream adapter, proof that these connections use it.
 */
export interface FastPath {
  /** The transport allows it and the adapter is installed. */
  readonly enabled: boolean;
  proven: boolean;
}

/**
 * What goes after DATA: the message, with `signature` (its DKIM-Signature fields, when DKIM is on) in front, and
 * `wire`, the same dot-stuffed, when the message carries its stuffed bytes and the fast path may use them.
 */
export interface Payload {
  signature: Buffer | null;
  wire: Buffer | null;
}

/** The payload of `msg`, signed once for all its attempts. */
export async function payloadOf(msg: OutgoingMessage, sign: Signer | null, fast: FastPath): Promise<Payload> {
  const wire = fast.enabled ? wireOf(msg) : null;
  if (!sign) return { signature: null, wire };
  const signature = await sign.fields(msg);
  // The fields' lines start with a name or a space, never a dot: stuffing is a check that changes nothing.
  const stuffed = wire && Buffer.from(stuffLines(signature.toString('latin1')), 'latin1');
  return { signature, wire: wire && prepend(stuffed!, wire) };
}

/**
 * Sends `msg` on `conn`. Rejects with nodemailer's error, marked `afterData` (every byte was handed over: it may have
 * been delivered) and `dataStarted` (some of it went out); a connection that timed out is marked dead.
 */
export function sendOn(
  conn: PooledConnection,
  msg: OutgoingMessage,
  payload: Payload,
  fast: FastPath,
  timeoutMs: number,
  before: Promise<void> | null = null,
): Promise<Delivered> {
  return new Promise((resolve, reject) => {
    const envelope = { from: asciiDomain(msg.from), to: [asciiDomain(msg.to)] };
    if (!/^[\x00-\x7f]*$/.test(envelope.to[0]!) && !offersSmtpUtf8(conn.c)) {
      reject(
        Object.assign(
          new Error(
            'not sent: the address has non-ASCII characters before the @ and the server does not offer SMTPUTF8',
          ),
          { refusal: 'no-smtputf8' },
        ),
      );
      return;
    }
    // The message goes over as one Buffer when the DataStream adapter can tell when it was handed over
    // (SMTPConnection gives a Buffer to its DataStream in one piece, after DATA's 354), else as a stream.
    const { wire } = payload;
    const bytes = () => (payload.signature ? Buffer.concat([payload.signature, bytesOf(msg)]) : bytesOf(msg));
    const asIs = fast.proven && wire !== null;
    // Held short of its last byte until `before` resolves; never completed if it rejects (transport.ts).
    let held = before !== null;
    const buf = fast.enabled ? dataStream.track(asIs ? wire : bytes(), asIs, before) : null;
    const stream = buf ? null : Readable.from(heldBack(bytes(), before), { objectMode: false });
    /** Every byte of the message was handed to the connection: a failure from now on may follow a delivery. */
    const handedOver = () => !held && (buf ? dataStream.wasTaken(buf) : stream!.readableEnded);
    let settled = false;
    const finish = (err: (Error & SmtpFailure) | null, reply?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!err) return resolve(delivered(reply!));
      err.afterData = handedOver();
      (err as SmtpFailure & { dataStarted?: boolean }).dataStarted = buf
        ? dataStream.wasTaken(buf)
        : stream!.readableDidRead;
      reject(err);
    };
    // Until the whole message is handed over, every reply must come
    // within --timeout; then the final reply gets --data-timeout (the
    // socket's inactivity limit), so a timer that finds it handed over
    // lets it be.
    const timer = setTimeout(() => {
      if (handedOver()) return;
      conn.dead = true;
      conn.c.close();
      // Held at its last byte, it is the journal that did not answer, not the server: say so.
      const what = held ? 'the record of the message before it on this connection not kept' : 'no reply';
      finish(Object.assign(new Error(`${what} within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    stream?.once('end', () => clearTimeout(timer));
    before?.then(
      () => {
        held = false;
      },
      () => {
        if (settled) return;
        conn.dead = true;
        conn.c.close();
        finish(new Error('not completed: the record of the message before it on this slot was not kept'));
      },
    );
    conn.c.send(envelope, buf ?? stream!, (err, info) => {
      if (err) return finish(err as Error & SmtpFailure);
      conn.messages++;
      if (buf && !asIs && wire && dataStream.wasTaken(buf)) fast.proven = true;
      finish(null, String(info.response ?? '250 accepted'));
    });
  });
}

/** The message's bytes, ending only once `before` resolves (never, if it rejects: the connection is closed). */
async function* heldBack(bytes: Buffer, before: Promise<void> | null): AsyncGenerator<Buffer> {
  yield bytes;
  if (before) await before.catch(() => new Promise<never>(() => {}));
}

/** The reply, and the queue id it names (see smtp-queue-id.ts); no `providerId` key without one. */
function delivered(response: string): Delivered {
  const providerId = queueIdOf(response);
  return providerId === undefined ? { response } : { response, providerId };
}

/** Domains always go out in their ASCII (xn--) form; the local part is left as it is. */
function asciiDomain(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  return /^[\x00-\x7f]*$/.test(domain) ? address : address.slice(0, at + 1) + domainToASCII(domain);
}

/**
 * Whether the server announced SMTPUTF8 in its EHLO reply. SMTPConnection
 * keeps that list in a field it does not document; tests/send-edges.test.ts
 * pins it against servers with and without the extension. If the field ever
 * goes away this returns false, and such addresses are refused, not sent raw.
 */
function offersSmtpUtf8(c: SMTPConnection): boolean {
  const ext = (c as unknown as { _supportedExtensions?: unknown })._supportedExtensions;
  return Array.isArray(ext) && ext.includes('SMTPUTF8');
}
