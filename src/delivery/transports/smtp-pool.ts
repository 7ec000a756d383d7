/**
 * The SMTP transport's connections: nodemailer SMTPConnections (its
 * documented connection class), each logged in and carrying one message at
 * a time, kept for as long as they work. A connection is replaced after an
 * error, when the server closes it (a server with a per-connection limit
 * says so with a 421 or by hanging up), or after `maxMessages` when that is
 * set (`?maxMessages=N` in SMTP_URL, as nodemailer's pool reads it; unset:
 * no limit). What goes over a connection is smtp-message.ts's business.
 */
import { hostname } from 'node:os';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SmtpFailure } from './smtp-classify.js';
import { greetingName, type SmtpSettings } from './smtp-settings.js';

export interface PoolOptions {
  settings: SmtpSettings;
  /** Connect, greeting and login. */
  timeoutMs: number;
  /** The longest wait for a reply (the one to the final dot): the socket's inactivity limit. */
  dataTimeoutMs: number;
  insecureTls: boolean;
  /** The envelope sender's domain (ASCII), the greeting's fallback name (see greetingName). */
  senderDomain?: string | null;
}

/** One connection and what the pool knows of it. */
export interface PooledConnection {
  readonly c: SMTPConnection;
  /** Messages the server accepted on it. */
  messages: number;
  /** It failed or the server closed it: never to be used again. */
  dead: boolean;
}

export class SmtpPool {
  private readonly idle: PooledConnection[] = [];
  private readonly all = new Set<PooledConnection>();
  private readonly connectionOptions: Record<string, unknown>;
  private readonly maxMessages: number | null;
  private closed = false;

  constructor(private readonly o: PoolOptions) {
    // nodemailer's pool option, when SMTP_URL names it; not an SMTPConnection option, so not passed on.
    const { maxMessages, ...connectionOptions } = o.settings.extra;
    // `?name=` in SMTP_URL says what to greet with (EHLO); else greetingName decides.
    const name = connectionOptions.name ?? greetingName(safeHostname(), o.senderDomain ?? null);
    this.connectionOptions = name === null ? connectionOptions : { ...connectionOptions, name };
    this.maxMessages = typeof maxMessages === 'number' && maxMessages >= 1 ? Math.floor(maxMessages) : null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A connection for one message: an idle one (`reused`), else a new one. */
  async acquire(): Promise<{ conn: PooledConnection; reused: boolean }> {
    const idle = this.idle.pop();
    return idle ? { conn: idle, reused: true } : { conn: await this.connect(), reused: false };
  }

  /** Connects and logs in; the connection starts idle. Rejects with nodemailer's error. */
  async warmUp(): Promise<void> {
    this.idle.push(await this.connect());
  }

  /** The message went through: the connection goes back to the pool, or is retired at its limit. */
  release(conn: PooledConnection): void {
    if (this.closed || conn.dead) return this.drop(conn);
    if (this.maxMessages !== null && conn.messages >= this.maxMessages) return this.retire(conn);
    this.idle.push(conn);
  }

  /** After a refused message the connection is fine: RSET and reuse it. Anything else: a new connection. */
  afterFailure(conn: PooledConnection, e: SmtpFailure): void {
    const refusedByReply =
      (e.code === 'EENVELOPE' || e.code === 'EMESSAGE') && typeof e.responseCode === 'number' && e.responseCode !== 421;
    if (conn.dead || !refusedByReply) return this.drop(conn);
    conn.c.reset((err?: Error | null) => (err ? this.drop(conn) : this.release(conn)));
  }

  close(): void {
    this.closed = true;
    for (const conn of [...this.all]) {
      if (this.idle.includes(conn)) this.retire(conn);
      else conn.c.close();
    }
    this.all.clear();
    this.idle.length = 0;
  }

  private connect(): Promise<PooledConnection> {
    const { o } = this;
    const { settings } = o;
    return new Promise((resolve, reject) => {
      const c = new SMTPConnection({
        ...this.connectionOptions,
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
      const conn: PooledConnection = { c, messages: 0, dead: false };
      this.all.add(conn);
      let settled = false;
      const finish = (err?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err) {
          this.drop(conn);
          reject(err);
        } else resolve(conn);
      };
      const timer = setTimeout(
        () => finish(Object.assign(new Error(`no answer within ${o.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
        o.timeoutMs,
      );
      // A connection reports trouble as events even while idle; without a listener an 'error' would crash the process.
      c.on('error', (err: unknown) => {
        this.forget(conn);
        finish(err);
      });
      c.once('end', () => {
        this.forget(conn);
        finish(Object.assign(new Error('the server closed the connection'), { code: 'ECONNECTION' }));
      });
      c.connect((err?: Error | null) => {
        if (err) return finish(err);
        if (!settings.auth || !c.allowsAuth) return finish();
        c.login(settings.auth, (loginErr?: Error | null) => finish(loginErr ?? undefined));
      });
    });
  }

  /** The connection is gone (the server closed it, or it failed): never hand it out again. */
  private forget(conn: PooledConnection): void {
    conn.dead = true;
    this.all.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private drop(conn: PooledConnection): void {
    this.forget(conn);
    conn.c.close();
  }

  /** A polite QUIT for a connection that is done; one whose server does not answer it is cut off. */
  private retire(conn: PooledConnection): void {
    this.forget(conn);
    conn.c.quit();
    setTimeout(() => conn.c.close(), 1000).unref();
  }
}

/** The machine's name; '' where the system will not say (nodemailer guards the same call). */
function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return '';
  }
}
