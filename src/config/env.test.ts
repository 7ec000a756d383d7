import { describe, expect, it } from 'vitest';
import { redactor, secretsOf } from './env.js';

describe('secretsOf', () => {
  it("adds to the transports' secrets UNSUBSCRIBE_SECRET, IMAP_URL and its password", () => {
    const env = {
      UNSUBSCRIBE_SECRET: 'unsub-secret ',
      IMAP_URL: 'imaps://bounces:p%25w@mail.example.org:993/INBOX',
      SMTP_URL: 'smtp://u:smtp-pw@mail.example.org',
      DKIM_DOMAIN: 'example.org',
    };
    expect(new Set(secretsOf(env, ['from-a-transport', '']))).toEqual(
      new Set(['from-a-transport', 'unsub-secret', 'unsub-secret ', env.IMAP_URL, 'p%25w', 'p%w']),
    );
  });

  it('adds each secret UNSUBSCRIBE_SECRET_OLD lists, and the whole value', () => {
    const secrets = secretsOf({ UNSUBSCRIBE_SECRET_OLD: 'first-old, second-old' }, []);
    expect(new Set(secrets)).toEqual(new Set(['first-old, second-old', 'first-old', 'second-old']));
    expect(redactor(secrets)('token of first-old or of second-old')).toBe('token of *** or of ***');
  });

  it('gives each value once, so the redactor blots each out', () => {
    const secrets = secretsOf({ UNSUBSCRIBE_SECRET: 'same' }, ['same']);
    expect(secrets).toEqual(['same']);
    expect(redactor(secrets)('a same b')).toBe('a *** b');
  });

  it("blots out every URL's user:password but the placeholder of enews's own hints", () => {
    const redact = redactor([]);
    expect(redact('SMTP_URL=smtp://USER:PASSWORD@smtp.example.org:587')).toBe(
      'SMTP_URL=smtp://USER:PASSWORD@smtp.example.org:587',
    );
    for (const info of ['bob:hunter2', 'USER:PASSWORD2', 'user:password', 'ADMIN:PASSWORD', 'USER:PASS'])
      expect(redact(`smtp://${info}@smtp.example.org:587`), info).toBe('smtp://***@smtp.example.org:587');
    // A real password that happens to be the placeholder's word is still a secret of the environment.
    expect(redactor(['PASSWORD'])('smtp://USER:PASSWORD@host')).toBe('smtp://USER:***@host');
  });
});
