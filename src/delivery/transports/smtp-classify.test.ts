/** The order of the rules: a reply code decides before an error code; sender-level 5xx stop the run. */
import { describe, expect, it } from 'vitest';
import { classifySmtpError } from './smtp-classify.js';

const reply = (responseCode: number, response: string, extra: Record<string, unknown> = {}) => ({
  responseCode,
  response,
  code: 'EENVELOPE',
  command: 'RCPT TO',
  ...extra,
});

describe('classifySmtpError', () => {
  it.each([
    [
      '421 greeting (EPROTOCOL, a relay shedding load)',
      reply(421, '421 4.7.0 Too many connections', { code: 'EPROTOCOL', command: 'CONN' }),
      'throttle',
    ],
    ['450 mailbox busy', reply(450, '450 4.2.1 Mailbox busy'), 'throttle'],
    ['451 at DATA', reply(451, '451 4.3.0 Local problem', { code: 'EMESSAGE', command: 'DATA' }), 'throttle'],
    ['452 storage', reply(452, '452 4.3.1 Insufficient system storage'), 'throttle'],
    ['454 relay throttled', reply(454, '454 4.7.0 Relay access temporarily throttled'), 'temporary'],
    ['550 unknown user', reply(550, '550 5.1.1 No such user'), 'permanent'],
    [
      '554 spam at DATA',
      reply(554, '554 5.7.1 Message rejected as spam', { code: 'EMESSAGE', command: 'DATA' }),
      'permanent',
    ],
    [
      "554 5.7.1 recipient access denied (the recipient's)",
      reply(554, '554 5.7.1 <a@b.org>: Recipient address rejected: Access denied'),
      'permanent',
    ],
    ['530 at MAIL FROM', reply(530, '530 5.7.0 Authentication required', { command: 'MAIL FROM' }), 'fatal'],
    [
      '535 at AUTH (EAUTH)',
      reply(535, '535 5.7.8 Authentication credentials invalid', { code: 'EAUTH', command: 'AUTH PLAIN' }),
      'fatal',
    ],
    [
      '550 at MAIL FROM (sender refused)',
      reply(550, '550 5.7.1 Sender not allowed', { command: 'MAIL FROM' }),
      'fatal',
    ],
    ['554 5.7.1 relay access denied at RCPT', reply(554, '554 5.7.1 <a@b.org>: Relay access denied'), 'fatal'],
    [
      '550 5.7.54 unable to relay (Exchange)',
      reply(550, '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'),
      'fatal',
    ],
    [
      '550 5.1.8 bad sender domain',
      reply(550, '550 5.1.8 <n@x.org>: Sender address rejected: Domain not found'),
      'fatal',
    ],
    ['EAUTH without a reply', { code: 'EAUTH', message: 'Missing credentials' }, 'fatal'],
    [
      'ECONNREFUSED',
      { code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' },
      'fatal',
    ],
    ['a dropped connection', { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, 'temporary'],
    ['a timeout', { code: 'ETIMEDOUT', message: 'Timeout' }, 'temporary'],
  ])('%s → %s', (_name, err, kind) => {
    expect(classifySmtpError(err).kind).toBe(kind);
  });

  it("keeps the server's reply once, as the one line people and the journal see", () => {
    expect(classifySmtpError(reply(550, '550 5.1.1 No such user\r\n'))).toEqual({
      kind: 'permanent',
      code: 550,
      response: '550 5.1.1 No such user',
      uncertain: false,
    });
  });

  it('a failure without a reply after the whole message was handed over is uncertain; a reply never is', () => {
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Timeout', afterData: true })).toMatchObject({
      kind: 'temporary',
      uncertain: true,
    });
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'closed', afterData: false })).toMatchObject({
      kind: 'temporary',
      uncertain: false,
    });
    expect(classifySmtpError(reply(451, '451 4.3.0 later', { afterData: true }))).toMatchObject({
      kind: 'throttle',
      uncertain: false,
    });
  });

  it("a refusal the transport made before sending (no SMTPUTF8) is the recipient's, permanent, with its reason", () => {
    expect(classifySmtpError({ refusal: 'no-smtputf8', message: 'not sent: no SMTPUTF8' })).toEqual({
      kind: 'permanent',
      code: null,
      response: 'not sent: no SMTPUTF8',
      uncertain: false,
      reason: 'no-smtputf8',
    });
  });
});
