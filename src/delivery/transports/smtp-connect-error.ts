/**
 * Why the first connection failed, in words that say what to change.
 * Runs before anything is sent, so every case is "Nothing was sent" and
 * exit 4: fix the setup and run the same command again.
 */
import { EnewsError, ExitCode } from '../../errors.js';
import type { SmtpFailure } from './smtp-classify.js';

export function connectionError(target: string, err: unknown): EnewsError {
  const e = (err ?? {}) as SmtpFailure;
  const reply = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').trim();
  const [what, fix] = explain(target, e, reply);
  return new EnewsError('smtp-connect', `Nothing was sent: ${what}.`, {
    exitCode: ExitCode.stopped,
    problems: [{ message: fix }],
  });
}

function explain(target: string, e: SmtpFailure, reply: string): [string, string] {
  const text = `${e.code ?? ''} ${e.originalCode ?? ''} ${e.message ?? ''}`;
  if (e.code === 'EAUTH' || e.responseCode === 535) {
    return [`the SMTP server ${target} refused the login (${reply})`, 'Check the user name and password in SMTP_URL.'];
  }
  if (e.responseCode === 530 || e.responseCode === 538) {
    return [
      `the SMTP server ${target} wants a login or encryption first (${reply})`,
      'Put the user name and password in SMTP_URL ' +
        '(smtp://USER:PASSWORD@host:587), and use port 587 or smtps://…:465.',
    ];
  }
  if (/wrong version number|WRONG_VERSION_NUMBER|packet length too long|unknown protocol/i.test(text)) {
    return [
      `the SMTP server ${target} does not speak TLS on this port`,
      'SMTP_URL starts with smtps://, which needs TLS from the first byte (usually ' +
        'port 465). Use smtp:// (STARTTLS, port 587 or 25) or the port for TLS.',
    ];
  }
  if (e.code === 'ETIMEDOUT' || /timeout|no answer within/i.test(text)) {
    return [
      `the SMTP server ${target} did not answer in time`,
      'Check the host and port in SMTP_URL and that the server is running; then run the same command again.',
    ];
  }
  return [
    `cannot reach the SMTP server ${target} (${reply})`,
    'Check the host and port in SMTP_URL and that the server is running; then run the same command again.',
  ];
}
