import { describe, expect, it } from 'vitest';
import { verpMac } from '../personalize/return-path.js';
import { sealToken } from '../personalize/token.js';
import { classify, type Classified, type ClassifyContext } from './classify.js';
import { parseReturn } from './parse.js';

const SECRET = 'unit-test-secret';
const LIST = 'enews.coop.example.org';
const ctx: ClassifyContext = {
  listId: LIST,
  unsubscribeKey: 'coop-enews-unsubscribe@example.org',
  secrets: [SECRET],
  authservId: 'mx.example.org',
};
const token = sealToken(SECRET, LIST, 'kim@example.org', 3);

async function kind(headers: string, body = 'Hello.\n', c: ClassifyContext = ctx): Promise<Classified> {
  return classify(await parseReturn(Buffer.from(`${headers.trim()}\nMIME-Version: 1.0\n\n${body}`)), c);
}

function evidence(c: Classified) {
  if (c.kind !== 'return') throw new Error(`not a return: ${JSON.stringify(c)}`);
  return c.ret.evidence;
}

const DSN = 'Content-Type: multipart/report; report-type=delivery-status; boundary=b';
function dsn(recipientFields: string, returned = ''): string {
  return (
    '--b\nContent-Type: text/plain\n\nfailed\n\n' +
    '--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.net\n\n' +
    `${recipientFields}\n\n` +
    (returned ? `--b\nContent-Type: text/rfc822-headers\n\n${returned}\n\n` : '') +
    '--b--\n'
  );
}

describe('classify: unsubscribe requests', () => {
  const toUnsub = 'From: kim@example.org\nTo: coop-enews-unsubscribe@example.org';

  it('reads the token and its issue from the subject, or the body of mail to the unsubscribe address', async () => {
    const c = await kind(`${toUnsub}\nSubject: unsubscribe ${token}`);
    expect(c).toMatchObject({ kind: 'return', ret: { source: 'mailto', outcome: { type: 'unsubscribed' } } });
    expect(evidence(c).token).toEqual({ address: 'kim@example.org', issue: 3 });
    const inBody = await kind(`${toUnsub}\nSubject: please`, `Link: https://x.example/u?t=${token}\n`);
    expect(evidence(inBody).token).toEqual({ address: 'kim@example.org', issue: 3 });
  });

  it('does not take a token quoted in a reply sent elsewhere for a request', async () => {
    const reply = 'From: kim@example.org\nTo: coop@example.org\nSubject: Re: ILO COOP eNewsUpdate No. 3';
    expect(await kind(reply, `> Unsubscribe: https://x.example/u?t=${token}\n`)).toEqual({
      kind: 'ignored',
      why: 'reply',
    });
  });

  it('honours a token from software that marks its mail auto-generated, not an auto-reply without one', async () => {
    const auto = `${toUnsub}\nAuto-Submitted: auto-generated`;
    expect(await kind(`${auto}\nSubject: unsubscribe ${token}`)).toMatchObject({ kind: 'return' });
    expect(await kind(`${toUnsub}\nAuto-Submitted: auto-replied\nSubject: Away`)).toEqual({
      kind: 'ignored',
      why: 'auto-reply',
    });
  });

  it('carries no proof for a forged token, a request without one, or any token without the secret', async () => {
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(evidence(await kind(`${toUnsub}\nSubject: unsubscribe ${forged}`))).toEqual({
      verp: [],
      legacyVerp: [],
      messageIds: [],
      providerIds: [],
      named: [],
    });
    expect(evidence(await kind(`${toUnsub}\nSubject: unsubscribe`)).token).toBeUndefined();
    const noSecret = await kind(`${toUnsub}\nSubject: unsubscribe ${token}`, '', { ...ctx, secrets: [] });
    expect(evidence(noSecret).token).toBeUndefined();
  });

  it('is no request when the unsubscribe address is only copied (Cc), not written to', async () => {
    const cc = 'From: kim@example.org\nTo: friend@example.net\nCc: coop-enews-unsubscribe@example.org\nSubject: hi';
    expect(await kind(cc)).toEqual({ kind: 'ignored', why: 'reply' });
  });

  it('believes the sender only when the topmost Authentication-Results of our own server says so', async () => {
    const ar = (v: string) => `Authentication-Results: ${v}\n`;
    const pass = ar('mx.example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org');
    const authenticated = await kind(`${pass}${toUnsub}\nSubject: unsubscribe`);
    expect(evidence(authenticated).authenticatedFrom).toBe('kim@example.org');
    // Forged: the same id but below the one our server added, which says fail.
    const fail = ar('mx.example.org; dmarc=fail header.from=example.org; spf=fail smtp.mailfrom=example.org');
    expect(evidence(await kind(`${fail}${pass}${toUnsub}\nSubject: unsubscribe`)).authenticatedFrom).toBeUndefined();
    // Another server's word, or a pass for another domain, counts for nothing.
    const other = ar('mx.attacker.example; dmarc=pass header.from=example.org');
    expect(evidence(await kind(`${other}${toUnsub}\nSubject: unsubscribe`)).authenticatedFrom).toBeUndefined();
    const unaligned = ar(
      'mx.example.org; dkim=pass header.d=attacker.example; spf=pass smtp.mailfrom=attacker.example',
    );
    expect(evidence(await kind(`${unaligned}${toUnsub}\nSubject: unsubscribe`)).authenticatedFrom).toBeUndefined();
    // DKIM alone, for a subdomain of From's (relaxed alignment, util/domain-alignment.ts), but not a look-alike.
    const subdomain = ar('mx.example.org; dkim=pass header.d=mail.example.org');
    expect(evidence(await kind(`${subdomain}${toUnsub}\nSubject: unsubscribe`)).authenticatedFrom).toBe(
      'kim@example.org',
    );
    const lookAlike = ar('mx.example.org; dkim=pass header.d=badexample.org');
    expect(evidence(await kind(`${lookAlike}${toUnsub}\nSubject: unsubscribe`)).authenticatedFrom).toBeUndefined();
    // Without a configured authserv-id nothing is believed.
    const unconfigured = await kind(`${pass}${toUnsub}\nSubject: unsubscribe`, '', { ...ctx, authservId: null });
    expect(evidence(unconfigured).authenticatedFrom).toBeUndefined();
  });

  it('sets aside a token of another list', async () => {
    const other = sealToken(SECRET, 'other.example.org', 'kim@example.org', 3);
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
  const outcome = (c: Classified) => (c.kind === 'return' ? c.ret.outcome : c);

  it('tells an address that is gone from a failure of this message, and leaves success and delay alone', async () => {
    const gone = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nStatus: 5.1.1'));
    expect(outcome(gone)).toEqual({ type: 'bounced', detail: '5.1.1' });
    const disabled = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nStatus: 5.2.1'));
    expect(outcome(disabled)).toMatchObject({ type: 'bounced' });
    for (const status of ['5.2.2', '5.7.1', '4.4.1', '4.2.2']) {
      const c = await kind(head, dsn(`Final-Recipient: rfc822; a@x.org\nAction: failed\nStatus: ${status}`));
      expect(outcome(c), status).toEqual({ type: 'soft-bounced', detail: status });
    }
    const delivered = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: delivered\nStatus: 2.0.0'));
    expect(delivered).toEqual({ kind: 'ignored', why: 'delivered' });
    const delayed = await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: delayed\nStatus: 4.4.7'));
    expect(delayed).toEqual({ kind: 'ignored', why: 'delayed' });
  });

  it('reads the status from the Diagnostic-Code when the Status field is missing, else lists it', async () => {
    const unknownUser = await kind(
      head,
      dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nDiagnostic-Code: smtp; 550 User unknown'),
    );
    expect(outcome(unknownUser)).toEqual({ type: 'bounced', detail: '5.0.0 smtp; 550 User unknown' });
    const policy = await kind(
      head,
      dsn('Final-Recipient: rfc822; a@x.org\nAction: failed\nDiagnostic-Code: smtp; 550 rejected as spam'),
    );
    expect(outcome(policy)).toMatchObject({ type: 'soft-bounced' });
    expect(await kind(head, dsn('Final-Recipient: rfc822; a@x.org\nAction: failed'))).toEqual({
      kind: 'unmatched',
      why: 'no-status',
    });
  });

  it('gathers evidence: VERP ids where it was sent, returned Message-ID and token, named addresses', async () => {
    const mac = verpMac(SECRET, LIST, 3, 'a@x.org');
    const to =
      `Delivered-To: bounces+3-${mac}@example.org\n` + 'X-Original-To: bounces+0123456789abcdef01234567@example.org\n';
    const returned = `Message-ID: <m1@example.org>\nList-Unsubscribe: <https://x.example/u?t=${token}>`;
    const c = await kind(
      `${to}${head}`,
      dsn(
        'Original-Recipient: rfc822; a@x.org\nFinal-Recipient: rfc822; alias@y.org\nAction: failed\nStatus: 5.1.1\n\n' +
          'Final-Recipient: rfc822; b@x.org\nAction: failed\nStatus: 5.2.2',
        returned,
      ),
    );
    expect(evidence(c)).toEqual({
      verp: [{ issue: 3, mac }],
      legacyVerp: ['0123456789abcdef01234567'],
      messageIds: ['<m1@example.org>'],
      providerIds: [],
      named: ['a@x.org', 'alias@y.org', 'b@x.org'],
      token: { address: 'kim@example.org', issue: 3 },
    });
    expect(c.kind === 'return' && c.ret.perAddress).toEqual({
      'a@x.org': { type: 'bounced', detail: '5.1.1' },
      'alias@y.org': { type: 'bounced', detail: '5.1.1' },
      'b@x.org': { type: 'soft-bounced', detail: '5.2.2' },
    });
  });

  it('counts only abuse reports as complaints', async () => {
    const head =
      'From: fbl@isp.example\nSubject: report\n' +
      'Content-Type: multipart/report; report-type=feedback-report; boundary=b';
    const arf = (type: string) =>
      '--b\nContent-Type: text/plain\n\nx\n' +
      '\n--b\nContent-Type: message/feedback-report\n\n' +
      `Feedback-Type: ${type}\nUser-Agent: Test/1\nVersion: 1\nOriginal-Rcpt-To: victim@x.org\n\n--b--\n`;
    const abuse = await kind(head, arf('abuse'));
    expect(abuse).toMatchObject({
      kind: 'return',
      ret: { source: 'arf', outcome: { type: 'complained', detail: 'abuse report by Test/1' } },
    });
    expect(evidence(abuse).named).toEqual(['victim@x.org']);
    expect(await kind(head, arf('auth-failure'))).toEqual({ kind: 'ignored', why: 'other-feedback' });
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
