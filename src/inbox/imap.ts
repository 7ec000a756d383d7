/**
 * A mailbox on an IMAP server (imapflow). Messages are downloaded in small
 * batches, never the whole mailbox; processed ones get the keyword
 * $EnewsProcessed and \Seen, for people looking at the mailbox and so that
 * only their headers are downloaded again (enough to ask the memory of
 * processed messages, which decides, whatever reads the mailbox). The
 * password is never part of anything this module says.
 */
import { ImapFlow, type FetchMessageObject } from 'imapflow';
import { EnewsError, ExitCode } from '../errors.js';
import {
  fingerprintOf,
  HEAD_BYTES,
  largeFingerprint,
  mailboxMessage,
  MAX_MESSAGE_BYTES,
  type MailboxMessage,
  type MailSource,
} from './message.js';

export const PROCESSED_KEYWORD = '$EnewsProcessed';
/** Messages per download: a few MB at most, so memory stays flat whatever the mailbox holds. */
const BATCH = 50;
const FLAG_BATCH = 500;

export interface ImapTarget {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
  /** The URL without the password, for people. */
  label: string;
}

/** Reads imaps://user:pass@host:993/INBOX (or imap://…:143/…); `from` names where it came from, for errors. */
export function parseImapUrl(url: string, from: string): ImapTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw badUrl(from, 'it is not a URL');
  }
  if (u.protocol !== 'imap:' && u.protocol !== 'imaps:') throw badUrl(from, `it starts with ${u.protocol}//`);
  if (!u.hostname) throw badUrl(from, 'it names no server');
  if (!u.username) throw badUrl(from, 'it names no user');
  const secure = u.protocol === 'imaps:';
  const port = u.port ? Number(u.port) : secure ? 993 : 143;
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const mailbox = decode(u.pathname.replace(/^\//, '')) || 'INBOX';
  const user = decode(u.username);
  return {
    host: u.hostname,
    port,
    secure,
    user,
    pass: decode(u.password),
    mailbox,
    label: `${u.protocol}//${u.username}@${u.hostname}:${port}/${encodeURIComponent(mailbox)}`,
  };
}

function badUrl(from: string, why: string): EnewsError {
  return new EnewsError('inbox-imap-url', `The IMAP address in ${from} cannot be used: ${why}.`, {
    exitCode: ExitCode.usage,
    problems: [
      {
        message:
          'Write it as imaps://USER@HOST:993/INBOX (TLS) or imap://USER@HOST:143/INBOX, with :PASSWORD ' +
          'after USER; special characters in the user or password are written as %XX (@ is %40).',
      },
    ],
  });
}

export async function imapSource(t: ImapTarget, o: { insecureTls: boolean; from: string }): Promise<MailSource> {
  const client = new ImapFlow({
    host: t.host,
    port: t.port,
    secure: t.secure,
    auth: { user: t.user, pass: t.pass },
    logger: false,
    disableAutoIdle: true,
    ...(o.insecureTls ? { tls: { rejectUnauthorized: false } } : {}),
  });
  // A dropped connection is reported by the command that was waiting; without a listener it would crash the process.
  let lost: Error | null = null;
  client.on('error', (err: Error) => (lost ??= err));
  try {
    await client.connect();
  } catch (err) {
    throw connectError(t, o.from, err);
  }
  let lock: Awaited<ReturnType<ImapFlow['getMailboxLock']>>;
  try {
    lock = await client.getMailboxLock(t.mailbox);
  } catch (err) {
    await client.logout().catch(() => {});
    throw new EnewsError('inbox-imap-mailbox', `The IMAP server has no mailbox "${t.mailbox}" for ${t.user}.`, {
      exitCode: ExitCode.stopped,
      problems: [{ message: `Check the folder at the end of ${o.from} (${serverSays(err)}).` }],
    });
  }
  const flags = client.mailbox ? client.mailbox.permanentFlags : undefined;
  const keywords = !flags || flags.has('\\*') || flags.has(PROCESSED_KEYWORD);
  const notices = keywords
    ? []
    : [
        `The IMAP server does not keep keywords in ${t.mailbox}: processed messages are only marked as read, ` +
          'and remembered beside the events file.',
      ];
  const READING = 'Nothing was recorded. Run the same command again.';
  const guard = async <T>(what: string, f: () => Promise<T>, after = READING): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      throw new EnewsError(
        'inbox-imap-failed',
        `The IMAP connection failed while ${what}: ${serverSays(lost ?? err)}.`,
        { exitCode: ExitCode.stopped, problems: [{ message: after }] },
      );
    }
  };

  async function* messages(known: (fingerprint: string) => boolean): AsyncGenerator<MailboxMessage> {
    if (!client.mailbox || client.mailbox.exists === 0) return;
    // First only the UIDs, sizes and flags (a few dozen bytes a message), then the messages in batches.
    const list: Array<{ uid: number; size: number; marked: boolean }> = [];
    await guard('listing the messages', async () => {
      for await (const m of client.fetch('1:*', { uid: true, size: true, flags: true })) {
        list.push({ uid: m.uid, size: m.size ?? 0, marked: Boolean(m.flags?.has(PROCESSED_KEYWORD)) });
      }
    });
    // Marked ones: only their headers, to ask the memory (the one memory, whatever reads the mailbox); a
    // message marked but not remembered (the memory was lost, or kept elsewhere) is read again.
    const marked = list.filter((m) => m.marked);
    const sizes = new Map(marked.map((m) => [m.uid, m.size]));
    const remembered = new Set<number>();
    for (let i = 0; i < marked.length; i += FLAG_BATCH) {
      const range = marked
        .slice(i, i + FLAG_BATCH)
        .map((m) => m.uid)
        .join(',');
      const found: MailboxMessage[] = [];
      await guard('listing the messages', async () => {
        for await (const m of client.fetch(range, { uid: true, headers: true }, { uid: true })) {
          const head = m.headers ?? Buffer.alloc(0);
          const fingerprint = fingerprintOf(head);
          if (!known(fingerprint)) continue;
          remembered.add(m.uid);
          found.push({ ref: `UID ${m.uid}`, raw: null, head, size: sizes.get(m.uid) ?? 0, fingerprint, uid: m.uid });
        }
      });
      yield* found;
    }
    const todo = list.filter((m) => !remembered.has(m.uid));
    for (let i = 0; i < todo.length; i += BATCH) {
      const batch = todo.slice(i, i + BATCH);
      const small = batch.filter((m) => m.size <= MAX_MESSAGE_BYTES).map((m) => m.uid);
      const large = batch.filter((m) => m.size > MAX_MESSAGE_BYTES).map((m) => m.uid);
      const got = new Map<number, MailboxMessage>();
      await guard('downloading messages', async () => {
        if (small.length > 0)
          for await (const m of client.fetch(small.join(','), { uid: true, source: true }, { uid: true }))
            got.set(m.uid, whole(m));
        if (large.length > 0) {
          const q = { uid: true, size: true, source: { maxLength: HEAD_BYTES } };
          for await (const m of client.fetch(large.join(','), q, { uid: true })) got.set(m.uid, headOnly(m));
        }
      });
      // In mailbox order; a message deleted meanwhile by someone else is simply not there.
      for (const m of batch) {
        const msg = got.get(m.uid);
        if (msg) yield msg;
      }
    }
  }

  return {
    kind: 'imap',
    label: t.label,
    notices,
    messages,
    async markProcessed(done: Array<Pick<MailboxMessage, 'uid'>>) {
      const uids = done.map((m) => m.uid).filter((u): u is number => u !== undefined);
      const add = keywords ? [PROCESSED_KEYWORD, '\\Seen'] : ['\\Seen'];
      for (let i = 0; i < uids.length; i += FLAG_BATCH) {
        const range = uids.slice(i, i + FLAG_BATCH).join(',');
        await guard(
          'marking processed messages',
          () => client.messageFlagsAdd(range, add, { uid: true }),
          'The events are recorded and the messages remembered beside the events file; ' +
            'the next run marks them and records nothing twice.',
        );
      }
    },
    async close() {
      lock.release();
      await client.logout().catch(() => {});
    },
  };
}

function whole(m: FetchMessageObject): MailboxMessage {
  return mailboxMessage(`UID ${m.uid}`, m.source ?? Buffer.alloc(0), { uid: m.uid });
}

function headOnly(m: FetchMessageObject): MailboxMessage {
  const head = m.source ?? Buffer.alloc(0);
  const size = m.size ?? head.length;
  return { ref: `UID ${m.uid}`, raw: null, head, size, fingerprint: largeFingerprint(head, size), uid: m.uid };
}

/** What the server or the network said, without anything of the login. */
function serverSays(err: unknown): string {
  const e = err as { responseText?: string; code?: string; message?: string };
  return e.responseText || e.code || e.message || String(err);
}

function connectError(t: ImapTarget, from: string, err: unknown): EnewsError {
  const e = err as { authenticationFailed?: boolean; code?: string };
  const where = `${t.host}:${t.port}`;
  if (e.authenticationFailed) {
    return new EnewsError('inbox-imap-login', `The IMAP server ${where} refused the login of ${t.user}.`, {
      exitCode: ExitCode.stopped,
      problems: [
        {
          message:
            `Check the user name and password in ${from}; special characters in the password are written as %XX. ` +
            'Nothing was read or recorded.',
        },
      ],
    });
  }
  const tls = /ssl|tls|certificate|wrong version|EPROTO/i.test(`${e.code} ${(err as Error)?.message}`);
  const hint = tls
    ? t.secure
      ? 'imaps:// speaks TLS from the start (port 993); for port 143 use imap://. ' +
        'A self-signed certificate needs --insecure-tls.'
      : 'The server expects TLS: use imaps://…:993.'
    : `Check the server name and port in ${from}, and that the server is running.`;
  return new EnewsError('inbox-imap-connect', `Cannot connect to the IMAP server ${where}: ${serverSays(err)}.`, {
    exitCode: ExitCode.stopped,
    problems: [{ message: hint }],
  });
}
