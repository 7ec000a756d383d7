import { describe, expect, it } from 'vitest';
import { greetingName, smtpSettings } from './smtp-settings.js';

describe('greetingName: what enews says in EHLO when SMTP_URL has no ?name=', () => {
  it("is the machine's name when that is a full domain name", () => {
    expect(greetingName('Mail1.Example.ORG', 'example.net')).toBe('mail1.example.org');
  });

  it("else the envelope sender's domain: a name without a dot, or one only a local network knows, is no name", () => {
    for (const host of [
      'vm',
      '3f2a9c1d0b7e',
      'localhost',
      'localhost.localdomain',
      'mac.local',
      'ip-10-0-0-5.ec2.internal',
      '',
    ])
      expect(greetingName(host, 'returns.example.net'), host).toBe('returns.example.net');
  });

  it("is null (nodemailer's own fallback) when neither is usable", () => {
    expect(greetingName('vm', null)).toBeNull();
    expect(greetingName('vm', 'not a domain')).toBeNull();
  });
});

describe('smtpSettings', () => {
  it('passes ?name= on to the connection as its greeting name', () => {
    expect(smtpSettings({ SMTP_URL: 'smtp://127.0.0.1:25?name=relay-client.example.com' }).extra).toEqual({
      name: 'relay-client.example.com',
    });
  });
});
