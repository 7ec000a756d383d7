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
  /** Decide on each RCPT TO; return a reply to reject it. `n` counts RCPTs for this address so far (1-based). */
  rcpt?(address: string, n: number): Reply | void;
  /** Decide on each message after DATA: accept, reject with a reply, drop the connection, or never answer. */
  data?(to: string[], n: number): Reply | 'drop' | 'stall' | void;
  /** After this many accepted messages, stop answering anything (a hung server). */
  stallAfter?: number;
  /** Milliseconds to wait before answering each message (a slow server keeps messages in flight). */
  delayMs?: number;
  /** Called after each accepted message. */
  onReceived?(m: Received, total: number): void;
  /** Speak TLS from the start (smtps://) with this key and certificate. */
  tls?: { key: Buffer; cert: Buffer };
}

export interface TestSmtp {
  port: number;
  url(user?: string, pass?: string): string;
  received: Received[];
  /** Every RCPT TO attempt, accepted or not, in order. */
  rcptAttempts: string[];
  /** Messages (DATA) attempts per recipient list, accepted or not. */
  dataAttempts: number;
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
  let dataAttempts = 0;
  let stalled = false;
  const server: SMTPServer = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    ...(b.tls ? { secure: true, key: b.tls.key, cert: b.tls.cert } : {}),
    authOptional: !b.auth,
    size: 50 * 1024 * 1024,
    onAuth(auth, _session, cb) {
      if (b.auth && auth.username === b.auth.user && auth.password === b.auth.pass) return cb(null, { user: auth.username });
      cb(err({ code: 535, message: 'Authentication credentials invalid' }));
    },
    onMailFrom(_address, _session, cb) {
      if (stalled) return; // never answer: the client must time out
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
        if (decision) return cb(err(decision));
        const accept = () => {
          const m = { from: (session.envelope.mailFrom || { address: '' }).address, to, raw: Buffer.concat(chunks) };
          received.push(m);
          if (b.stallAfter !== undefined && received.length >= b.stallAfter) stalled = true;
          b.onReceived?.(m, received.length);
          cb(null, `Ok: queued as ${received.length}`);
        };
        if (b.delayMs) setTimeout(accept, b.delayMs);
        else accept();
      });
    },
  });
  // A client killed mid-session resets its socket; that is the point of some tests, not a failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: (user, pass) => {
      const scheme = b.tls ? 'smtps' : 'smtp';
      return user ? `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(pass ?? '')}@127.0.0.1:${port}` : `${scheme}://127.0.0.1:${port}`;
    },
    received,
    rcptAttempts,
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
