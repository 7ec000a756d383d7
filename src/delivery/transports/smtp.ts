/**
 * SMTP: a small pool of nodemailer SMTPConnections (its documented
 * connection class), one message at a time on each. Owning the connections
 * rather than going through sendMail lets enews know how far each message
 * got: a failure before the last byte of DATA is safe to retry, a failure
 * after it may be a delivered message whose reply was lost (RFC 1047), and
 * that wait gets its own, longer timeout (RFC 5321 §4.5.3.2: 10 minutes).
 *
 * A connection is kept for as long as it works: it is replaced after an
 * error, when the server closes it (a server with a per-connection limit
 * says so with a 421 or by hanging up), or after `maxMessages` when that is
 * set (`?maxMessages=N` in SMTP_URL, as nodemailer's pool
 * reads it; unset: no limit).
 *
 * Messages that carry their bytes dot-stuffed (wire.ts) go over as they
 * are, past nodemailer's byte-by-byte stuffing (data-stream.ts): the first
 * message of a run goes the ordinary way and proves the adapter is in use.
 */
import { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { EnewsError, ExitCode } from '../../errors.js';
import { stuffLines } from '../../mime/dot-stuff.js';
import { signToBuffer, type Signer } from '../dkim.js';
import type { OutgoingMessage, Transport } from '../transport.js';
import * as dataStream from './data-stream.js';
import { classifySmtpError, type SmtpFailure } from './smtp-classify.js';
import type { SmtpSettings } from './smtp-settings.js';
import { connectionError } from './smtp-connect-error.js';
import { bytesOf, wireOf } from './wire.js';

export interface SmtpOptions {
  settings: SmtpSettings;
  sign: Signer | null;
  /** Connect, greeting and every reply before the end of DATA. */
  timeoutMs: number;
  /** The reply to the final dot. */
  dataTimeoutMs: number;
  insecureTls: boolean;
}

interface Conn {
  c: SMTPConnection;
  messages: number;
  dead: boolean;
}

export function smtpTransport(o: SmtpOptions): Transport {
  // nodemailer's pool option, when SMTP_URL names it; not an SMTPConnection option, so not passed on.
  const { maxMessages: urlMaxMessages, ...connectionOptions } = o.settings.extra;
  const maxMessages = typeof urlMaxMessages === 'number' && urlMaxMessages >= 1 ? Math.floor(urlMaxMessages) : null;
  const idle: Conn[] = [];
  const all = new Set<Conn>();
  let closed = false;
  /**
   * A message's bytes go to the connection as they are (already dot-stuffed, see data-stream.ts) only once a
   * message sent the ordinary way was seen passing the DataStream adapter: proof that these connections use it.
   */
  let asIs = false;

  const connect = (): Promise<Conn> =>
    new Promise((resolve, reject) => {
      const { settings } = o;
      const c = new SMTPConnection({
        ...connectionOptions,
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        tls: {
          ...((settings.extra.tls as object | undefined) ?? {}),
          ...(o.insecureTls ? { rejectUnauthorized: false } : {}),
        },
        connectionTimeout: o.timeoutMs,
        greetingTimeout: o.timeoutMs,
        // The socket's inactivity limit is the longest wait we accept
        // (the final reply); shorter waits have their own timer.
        socketTimeout: Math.max(o.timeoutMs, o.dataTimeoutMs),
        logger: false,
        debug: false,
      });
      const conn: Conn = { c, messages: 0, dead: false };
      all.add(conn);
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          drop(conn);
          reject(err);
        } else resolve(conn);
      };
      const timer = setTimeout(
        () => finish(Object.assign(new Error(`no answer within ${o.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
        o.timeoutMs,
      );
      // A connection reports trouble as events even while idle; without a listener an 'error' would crash the process.
      c.on('error', (err: unknown) => {
        forget(conn);
        finish(err);
      });
      c.once('end', () => {
        forget(conn);
        finish(Object.assign(new Error('the server closed the connection'), { code: 'ECONNECTION' }));
      });
      c.connect((err?: Error | null) => {
        if (err) return finish(err);
        if (!settings.auth || !c.allowsAuth) return finish();
        c.login(settings.auth, (loginErr?: Error | null) => finish(loginErr ?? undefined));
      });
    });

  /** The connection is gone (the server closed it, or it failed): never hand it out again. */
  function forget(conn: Conn): void {
    conn.dead = true;
    all.delete(conn);
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
  }

  function drop(conn: Conn): void {
    forget(conn);
    conn.c.close();
  }

  function release(conn: Conn): void {
    if (closed || conn.dead) return drop(conn);
    if (maxMessages !== null && conn.messages >= maxMessages) return retire(conn);
    idle.push(conn);
  }

  /** A polite QUIT for a connection that is done; one whose server does not answer it is cut off. */
  function retire(conn: Conn): void {
    forget(conn);
    conn.c.quit();
    setTimeout(() => conn.c.close(), 1000).unref();
  }

  /** After a refused message the connection is fine: RSET and reuse it. Anything else: a new connection. */
  function afterFailure(conn: Conn, e: SmtpFailure): void {
    const refusedByReply =
      (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && typeof e.responseCode === 'number' && e.responseCode !== 421;
    if (conn.dead || !refusedByReply) return drop(conn);
    conn.c.reset((err?: Error | null) => (err ? drop(conn) : release(conn)));
  }

  /**
   * What goes after DATA: `bytes`, the message as it is to arrive (signed with DKIM when that is on; null: derive
   * it from the message when needed), and `wire`, the same dot-stuffed, when the message carries its stuffed bytes.
   * nodemailer's signer puts its DKIM-Signature field in front of the message and changes nothing else (checked
   * here, byte for byte), so a signed message's wire is that field, stuffed, and the message's own wire.
   */
  async function payloadOf(msg: OutgoingMessage): Promise<{ bytes: Buffer | null; wire: Buffer | null }> {
    const wire = wireOf(msg);
    if (!o.sign) return { bytes: null, wire };
    const bytes = bytesOf(msg);
    const signed = await signToBuffer(o.sign, bytes);
    const field = signed.length - bytes.length;
    if (!wire || field <= 0 || !signed.subarray(field).equals(bytes)) return { bytes: signed, wire: null };
    return {
      bytes: signed,
      wire: Buffer.concat([Buffer.from(stuffLines(signed.toString('latin1', 0, field)), 'latin1'), wire]),
    };
  }

  function sendOn(
    conn: Conn,
    msg: OutgoingMessage,
    payload: { bytes: Buffer | null; wire: Buffer | null },
  ): Promise<string> {
    return new Promise((resolve, reject) => {
      const envelope = { from: asciiDomain(msg.from), to: [asciiDomain(msg.to)] };
      if (!/^[\x00-\x7f]*$/.test(envelope.to[0]!) && !offersSmtpUtf8(conn.c)) {
        reject(
          Object.assign(
            new Error(
              'not sent: the address has non-ASCII characters before the @ and the server does not offer SMTPUTF8',
            ),
            { refusal: 'permanent' },
          ),
        );
        return;
      }
      // The message goes over as one Buffer when the DataStream adapter can tell when it was handed over
      // (SMTPConnection gives a Buffer to its DataStream in one piece, after DATA's 354), else as a stream.
      const { wire } = payload;
      const bytes = () => payload.bytes ?? bytesOf(msg);
      const fast = asIs && wire !== null;
      const buf = dataStream.installed ? dataStream.track(fast ? wire : bytes(), fast) : null;
      const stream = buf ? null : Readable.from([bytes()], { objectMode: false });
      /** Every byte of the message was handed to the connection: a failure from now on may follow a delivery. */
      const handedOver = () => (buf ? dataStream.wasTaken(buf) : stream!.readableEnded);
      let settled = false;
      const finish = (err: (Error & SmtpFailure) | null, reply?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!err) return resolve(reply!);
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
        finish(Object.assign(new Error(`no reply within ${o.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' }));
      }, o.timeoutMs);
      stream?.once('end', () => clearTimeout(timer));
      conn.c.send(envelope, buf ?? stream!, (err, info) => {
        if (err) return finish(err as Error & SmtpFailure);
        conn.messages++;
        if (buf && !fast && wire && dataStream.wasTaken(buf)) asIs = true;
        finish(null, String(info.response ?? '250 accepted'));
      });
    });
  }

  return {
    name: 'smtp',
    target: o.settings.display,
    classify: classifySmtpError,
    async open() {
      try {
        idle.push(await connect());
      } catch (err) {
        throw connectionError(o.settings.display, err);
      }
    },
    async send(msg) {
      const payload = await payloadOf(msg);
      for (let attempt = 1; ; attempt++) {
        if (closed)
          throw new EnewsError('transport-closed', 'The SMTP transport is closed.', { exitCode: ExitCode.stopped });
        const fromPool = idle.pop();
        const conn = fromPool ?? (await connect());
        try {
          const reply = await sendOn(conn, msg, payload);
          release(conn);
          return reply;
        } catch (err) {
          const e = err as SmtpFailure & { dataStarted?: boolean };
          afterFailure(conn, e);
          // A pooled connection the server had closed while it sat idle fails before any of the
          // message went out: that is the connection's age, not a failure; try a fresh one once.
          if (fromPool && attempt === 1 && !e.dataStarted && e.responseCode === undefined && !e.refusal) continue;
          throw err;
        }
      }
    },
    async close() {
      closed = true;
      for (const conn of [...all]) {
        if (idle.includes(conn)) retire(conn);
        else conn.c.close();
      }
      all.clear();
      idle.length = 0;
    },
  };
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
