import { describe, expect, it } from 'vitest';
import { sealToken } from '../personalize/token.js';
import { classify, type ClassifyContext } from './classify.js';
import { parseReturn } from './parse.js';

const SECRET = 'unit-test-secret';
const ctx: ClassifyContext = {
  listId: 'enews.coop.example.org',
  unsubscribeKey: 'coop-enews-unsubscribe@example.org',
  secret: SECRET,
};
const token = sealToken(SECRET, 'enews.coop.example.org', 'kim@example.org');

async function kind(headers: string, body = 'Hello.\n', c: ClassifyContext = ctx) {
  return classify(await parseReturn(Buffer.from(`${headers.trim()}\nMIME-Version: 1.0\n\n${body}`)), c);
}

const DSN = 'Content-Type: multipart/report; report-type=delivery-status; boundary=b';
function dsn(recipientFields: string): string {
  return (
    '--b\nContent-Type: text/plain\n\nfailed\n\n' +
    '--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n' +
    `${recipientFields}\n\n--b--\n`
  );
}

describe('classify: unsubscribe requests', () => {
  const toUnsub = 'From: kim@example.org\nTo: coop-enews-unsubscribe@example.org';

  it('reads the token from the subject, or from the body of mail to the unsubscribe address', async () => {
    expect(await kind(`${toUnsub}\nSubject: unsubscribe ${token}`)).toEqual({
      kind: 'unsubscribe',
      token: 'kim@example.org',
      from: 'kim@example.org',
    });
    expect(await kind(`${toUnsub}\nSubject: please`, `Link: https://x.example/u?t=${token}&i=3\n`)).toMatchObject({
      token: 'kim@example.org',
    });
  });

  it('does not take a token quoted in a reply sent elsewhere for a request', async () => {
    const reply = 'From: kim@example.org\nTo: coop@example.org\nSubject: Re: ILO COOP eNewsUpdate No. 3';
    expect(await kind(reply, `> Unsubscribe: https://x.example/u?t=${token}&i=3\n`)).toEqual({
      kind: 'ignored',
      why: 'reply',
    });
  });

  it('honours a token from software that marks its mail auto-generated, not an auto-reply without one', async () => {
    const auto = `${toUnsub}\nAuto-Submitted: auto-generated`;
    expect(await kind(`${auto}\nSubject: unsubscribe ${token}`)).toMatchObject({ kind: 'unsubscribe' });
    expect(await kind(`${toUnsub}\nAuto-Submitted: auto-replied\nSubject: Away`)).toEqual({
      kind: 'ignored',
      why: 'auto-reply',
    });
  });

  it('falls back to the From address for a forged token or when there is no secret', async () => {
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(await kind(`${toUnsub}\nSubject: unsubscribe ${forged}`)).toMatchObject({
      token: null,
      from: 'kim@example.org',
    });
    expect(await kind(`${toUnsub}\nSubject: unsubscribe ${token}`, '', { ...ctx, secret: null })).toMatchObject({
      token: null,
    });
  });

  it('sets aside a token of another list', async () => {
    const other = sealToken(SECRET, 'other.example.org', 'kim@example.org');
    expect(await kind(`${toUnsub}\nSubject: unsubscribe ${other}`)).toEqual({
      kind: 'unmatched',
      why: 'token-other-list',
      detail: 'other.example.org',
    });
  });
});

describe('classify: reports', () => {
  const head =
    'From: MAILER-DAEMON@mx.example.net\nTo: bounces@example.org\n' + `Subject: Delivery Status Notification\n${DSN}`;

  it('reads hard and soft failures, and leaves success reports alone', async () => {
    const failed = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nStatus: 5.2.1'));
    expect(failed).toMatchObject({ kind: 'dsn', failed: [{ addresses: ['a@x.org'], type: 'bounced' }] });
    const gaveUp = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nStatus: 4.2.2'));
    expect(gaveUp).toMatchObject({ failed: [{ type: 'soft-bounced' }] });
    const delivered = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: delivered\nStatus: 2.0.0'));
    expect(delivered).toEqual({ kind: 'ignored', why: 'delivered' });
  });

  it('reads the status from the Diagnostic-Code when the Status field is missing, else lists it', async () => {
    const diag = await kind(
      head,
      dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nDiagnostic-Code: smtp; 550 no'),
    );
    expect(diag).toMatchObject({ failed: [{ type: 'bounced', detail: '5.0.0 smtp; 550 no' }] });
    expect(await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: failed'))).toEqual({
      kind: 'unmatched',
      why: 'no-status',
    });
  });

  it('counts only abuse reports as complaints', async () => {
    const head =
      'From: fbl@isp.example\nSubject: report\n' +
      'Content-Type: multipart/report; report-type=feedback-report; boundary=b';
    const arf = (type: string) =>
      '--b\nContent-Type: text/plain\n\nx\n' +
      '\n--b\nContent-Type: message/feedback-report\n\n' +
      `Feedback-Type: ${type}\nUser-Agent: Test/1\nVersion: 1\n\n--b--\n`;
    expect(await kind(head, arf('abuse'))).toMatchObject({ kind: 'complaint', detail: 'abuse report by Test/1' });
    expect(await kind(head, arf('auth-failure'))).toEqual({
      kind: 'ignored',
      why: 'other-feedback',
    });
  });

  it('ignores read receipts, and lists bounces in no standard form for a person', async () => {
    const mdn = 'Content-Type: multipart/report; report-type=disposition-notification; boundary=b';
    expect(
      await kind(`From: a@x.org\nSubject: Read: news\n${mdn}`, '--b\nContent-Type: text/plain\n\nread\n--b--\n'),
    ).toEqual({ kind: 'ignored', why: 'other-report' });
    const qmail = 'From: MAILER-DAEMON@mx.example.net\nSubject: failure notice\nTo: bounces@example.org';
    expect(await kind(qmail, "Hi. This is the qmail-send program. I'm afraid I wasn't able to deliver\n")).toEqual({
      kind: 'unmatched',
      why: 'nonstandard-bounce',
    });
  });
});
