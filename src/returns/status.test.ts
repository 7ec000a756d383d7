import { describe, expect, it } from 'vitest';
import { meaningOf, statusOfReply } from './status.js';

describe('meaningOf: one table for SMTP replies and delivery reports', () => {
  it.each([
    ['5.1.1', 550, 'User unknown', 'gone'],
    ['5.1.2', 550, 'Host unknown', 'gone'],
    ['5.1.3', 553, 'Bad address syntax', 'gone'],
    ['5.1.6', 551, 'Mailbox moved', 'gone'],
    ['5.1.10', 550, 'RESOLVER.ADR.RecipientNotFound', 'gone'],
    ['5.2.1', 550, 'Account disabled', 'gone'],
    ['5.2.2', 552, 'Mailbox full', 'failed'],
    ['5.2.3', 552, 'Message too large', 'failed'],
    ['5.7.1', 554, 'Message rejected as spam', 'failed'],
    ['5.7.26', 550, 'Unauthenticated email is not accepted (DMARC)', 'failed'],
    ['5.4.4', 550, 'Unable to route', 'failed'],
    ['5.1.4', 550, 'Ambiguous address', 'failed'],
    ['4.1.1', 450, 'User unknown (try again)', 'failed'],
    ['5.0.0', 550, 'User unknown', 'gone'],
    ['5.1.0', 550, 'Address rejected: no such user here', 'gone'],
    ['5.0.0', 550, 'Service unavailable', 'failed'],
  ] as const)('%s %s "%s" means %s', (status, code, text, meaning) => {
    expect(meaningOf(status, code, text)).toBe(meaning);
  });

  it('reads words only when there is no enhanced code, and never makes a 4xx final', () => {
    expect(meaningOf(null, 550, '550 Requested action not taken: mailbox unavailable')).toBe('gone');
    expect(meaningOf(null, 550, '550 No such user here')).toBe('gone');
    expect(meaningOf(null, 554, '554 Transaction failed: spam')).toBe('failed');
    expect(meaningOf(null, 450, '450 no such user')).toBe('failed');
    expect(meaningOf(null, null, 'smtp; 550 recipient does not exist')).toBe('gone');
  });

  it('takes the enhanced code from the start of a reply', () => {
    expect(statusOfReply('550 5.1.1 <a@b.org>: Recipient address rejected')).toBe('5.1.1');
    expect(statusOfReply('550-5.7.1 first line')).toBe('5.7.1');
    expect(statusOfReply('550 No such user')).toBeNull();
  });
});
