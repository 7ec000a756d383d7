/**
 * A real SMTP server (the smtp-server package) on 127.0.0.1 and an ephemeral
 * port, with hooks to reject, delay, drop or stall, for fault injection.
 * Every accepted message is kept with its envelope.
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface Received {
  from: string;
  to: string[];
  raw: Buffer;
}

export type Reply = { code: number; message: string };

export interface Behaviour {
  /** Require this login; any other is refused with 535. */
  auth?: { user: string; pass: string };
  /** Refuse a login with a reply that repeats the password given (some servers echo what they got). */
  authEcho?: boolean;
  /** Decide on each new connection (`n` counts them, 1-based): return a reply to greet with it and hang up (421). */
  connect?(n: number): Reply | undefined;
  /** Decide on each MAIL FROM (`n` counts them): return a reply to refuse the sender. */
  mail?(from: string, n: number): Reply | undefined;
  /** Do not announce SMTPUTF8 in the EHLO reply. */
  noSmtpUtf8?: boolean;
  /** Decide on each RCPT TO; return a reply to reject it. `n` counts RCPTs for this address so far (1-based). */
  rcpt?(address: string, n: number): Reply | undefined;
  /**
   * Decide on each message after DATA: accept, reject with a reply, drop the connection, never answer, or accept late.
   */
  data?(to: string[], n: number): Reply | 'drop' | 'stall' | { delayMs: number } | undefined;
  /** After this many accepted messages, stop answering anything (a hung server). */
  stallAfter?: number;
  /** Milliseconds to wait before answering each message (a slow server keeps messages in flight). */
  delayMs?: number;
  /** Called after each accepted message. */
  onReceived?(m: Received, total: number): void;
  /** The words after 250 accepting the `total`th message (default Postfix's: `Ok: queued as <total>`). */
  reply?(total: number): string;
  /** Speak TLS from the start (smtps://) with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface TestSmtp {
  port: number;
  /** Every MAIL FROM, with whether it asked for SMTPUTF8 and the name the client greeted with (EHLO/HELO). */
  mailFroms: Array<{ from: string; smtpUtf8: boolean; greeting: string }>;
  /** RCPT TO addresses exactly as they came over the wire (smtp-server itself turns xn-- domains into Unicode). */
  wireRcpts: string[];
  url(user?: string, pass?: string): string;
  received: Received[];
  /** Every RCPT TO attempt, accepted or not, in order. */
  rcptAttempts: string[];
  /** Messages (DATA) attempts per recipient list, accepted or not: each counted once its data ended. */
  dataAttempts: number;
  /** Messages whose data began (DATA answered with 354), ended or not. */
  dataStarts: number;
  /** Messages received per recipient address. */
  countFor(address: string): number;
  close(): Promise<void>;
}

function err(reply: Reply): Error {
  const e = new Error(reply.message) as Error & { responseCode: number };
  e.responseCode = reply.code;
  return e;
}

export async function startSmtp(b: Behaviour = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const rcptAttempts: string[] = [];
  const rcptCounts = new Map<string, number>();
  const mailFroms: TestSmtp['mailFroms'] = [];
  let connectionCount = 0;
  let mails = 0;
  let dataAttempts = 0;
  let dataStarts = 0;
  let stalled = false;
  const server: SMTPServer = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    ...(b.tls ? { secure: true, key: b.tls.key, cert: b.tls.cert } : {}),
    authOptional: !b.auth,
    hideSMTPUTF8: Boolean(b.noSmtpUtf8),
    size: 50 * 1024 * 1024,
    onConnect(_session, cb) {
      const reply = b.connect?.(++connectionCount);
      if (reply) return cb(err(reply));
      cb();
    },
    onAuth(auth, _session, cb) {
      if (b.auth && auth.username === b.auth.user && auth.password === b.auth.pass)
        return cb(null, { user: auth.username });
      cb(
        err({
          code: 535,
          message: b.authEcho
            ? `Authentication failed for ${auth.username} with password ${auth.password}`
            : 'Authentication credentials invalid',
        }),
      );
    },
    onMailFrom(address, session, cb) {
      if (stalled) return; // never answer: the client must time out
      mailFroms.push({
        from: address.address,
        smtpUtf8: Boolean(address.args && (address.args as Record<string, unknown>).SMTPUTF8),
        greeting: session.hostNameAppearsAs,
      });
      const reply = b.mail?.(address.address, ++mails);
      if (reply) return cb(err(reply));
      cb();
    },
    onRcptTo(address, _session, cb) {
      if (stalled) return;
      const a = address.address.toLowerCase();
      rcptAttempts.push(a);
      const n = (rcptCounts.get(a) ?? 0) + 1;
      rcptCounts.set(a, n);
      const reply = b.rcpt?.(a, n);
      if (reply) return cb(err(reply));
      cb();
    },
    onData(stream, session, cb) {
      dataStarts++;
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (stalled) return;
        dataAttempts++;
        const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        const decision = b.data?.(to, dataAttempts);
        if (decision === 'stall') return;
        if (decision === 'drop') {
          socketOf(server, session)?.destroy();
          return;
        }
        if (decision && 'code' in decision) return cb(err(decision));
        const delay = decision && 'delayMs' in decision ? decision.delayMs : b.delayMs;
        const accept = () => {
          const m = { from: (session.envelope.mailFrom || { address: '' }).address, to, raw: Buffer.concat(chunks) };
          received.push(m);
          if (b.stallAfter !== undefined && received.length >= b.stallAfter) stalled = true;
          b.onReceived?.(m, received.length);
          cb(null, b.reply?.(received.length) ?? `Ok: queued as ${received.length}`);
        };
        if (delay) setTimeout(accept, delay);
        else accept();
      });
    },
  });
  // A client killed mid-session resets its socket; that is the point of some tests, not a failure.
  server.on('error', () => {});
  const wireRcpts: string[] = [];
  server.server.on('connection', (socket: import('node:net').Socket) => {
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString('utf8')).split('\r\n');
      pending = lines.pop() ?? '';
      for (const l of lines) {
        const m = /^RCPT TO:<([^>]*)>/i.exec(l);
        if (m) wireRcpts.push(m[1]!);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mailFroms,
    wireRcpts,
    url: (user, pass) => {
      const scheme = b.tls ? 'smtps' : 'smtp';
      return user
        ? `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@127.0.0.1:${port}`
        : `${scheme}://127.0.0.1:${port}`;
    },
    received,
    rcptAttempts,
    get dataStarts() {
      return dataStarts;
    },
    get dataAttempts() {
      return dataAttempts;
    },
    countFor: (address) => received.filter((m) => m.to.includes(address.toLowerCase())).length,
    close: () =>
      new Promise<void>((resolve) => {
        // Hung connections would keep close() waiting; cut them.
        for (const c of connections(server)) c._socket?.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Conn {
  session?: SMTPServerSession;
  _socket?: { destroy(): void };
}

function connections(server: SMTPServer): Conn[] {
  return [...((server as unknown as { connections: Set<Conn> }).connections ?? [])];
}

function socketOf(server: SMTPServer, session: SMTPServerSession) {
  return connections(server).find((c) => c.session?.id === session.id)?._socket;
}
