/**
 * Where messages go: an SMTP pool, or a folder of .eml files for a dry run.
 * Both go through nodemailer, so DKIM signing and message handling are the
 * same in a dry run as in a real send.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { EnewsError, ExitCode } from '../errors.js';
import { classifySmtpError } from './classify.js';
import type { DkimSettings, SmtpSettings } from './smtp-config.js';

export interface OutgoingMessage {
  from: string;
  to: string;
  raw: string;
  /** The message's own Message-ID, so nodemailer does not generate (random) one it would never use. */
  messageId: string;
  /** Position in the send order, 1-based (names dry-run files). */
  seq: number;
}

export interface Deliverer {
  /** Where messages go, safe to print. */
  readonly target: string;
  /** Proves the server is reachable and accepts our login, before the first message. */
  verify(): Promise<void>;
  /** Resolves with the server's reply; rejects with an SMTP error. */
  send(msg: OutgoingMessage): Promise<string>;
  close(): Promise<void>;
}

export function smtpDeliverer(settings: SmtpSettings, dkim: DkimSettings | null): Deliverer {
  const transport = nodemailer.createTransport({ ...settings.options, ...(dkim ? { dkim } : {}) } as never);
  return {
    target: settings.display,
    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw connectError(settings.display, err);
      }
    },
    async send(msg) {
      // One conversion of the joined message here measured cheaper than leaving it to the client's streams.
      const info = await transport.sendMail({ envelope: { from: msg.from, to: [msg.to] }, raw: Buffer.from(msg.raw, 'utf8'), messageId: msg.messageId });
      return String(info.response ?? '250 accepted');
    },
    async close() {
      transport.close();
    },
  };
}

function connectError(target: string, err: unknown): EnewsError {
  const c = classifySmtpError(err);
  const e = err as { code?: string; message?: string };
  const what =
    e.code === 'EAUTH'
      ? `the SMTP server ${target} refused the login (${c.response})`
      : e.code === 'ETIMEDOUT' || /timeout/i.test(e.message ?? '')
        ? `the SMTP server ${target} did not answer in time`
        : `cannot reach the SMTP server ${target} (${c.response})`;
  return new EnewsError('smtp-connect', `Nothing was sent: ${what}.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message:
          e.code === 'EAUTH'
            ? 'Check the user name and password in SMTP_URL.'
            : 'Check the host and port in SMTP_URL and that the server is running; then run the same command again.',
      },
    ],
  });
}

/** Dry run: every message is written to DIR/<n>.eml; no server is contacted. */
export function fileDeliverer(dir: string, dkim: DkimSettings | null): Deliverer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows', ...(dkim ? { dkim } : {}) } as never);
  return {
    target: dir,
    async verify() {
      mkdirSync(dir, { recursive: true });
      // Messages of an earlier dry run would mix with this one's.
      for (const f of readdirSync(dir)) if (/^\d+\.eml$/.test(f)) rmSync(path.join(dir, f));
    },
    async send(msg) {
      const info = (await transport.sendMail({ envelope: { from: msg.from, to: [msg.to] }, raw: msg.raw, messageId: msg.messageId })) as { message: Buffer };
      writeFileSync(path.join(dir, `${msg.seq}.eml`), info.message);
      return `written ${msg.seq}.eml`;
    },
    async close() {
      transport.close();
    },
  };
}
