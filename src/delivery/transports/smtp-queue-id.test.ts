import { describe, expect, it } from 'vitest';
import { queueIdOf } from './smtp-queue-id.js';

describe('queueIdOf', () => {
  it("reads Postfix's queue id, short (hex) and long form, with or without an enhanced status code", () => {
    expect(queueIdOf('250 2.0.0 Ok: queued as 4Xyz1aB2cDzQ8')).toBe('4Xyz1aB2cDzQ8');
    expect(queueIdOf('250 2.0.0 Ok: queued as 3F2A1B4C5D')).toBe('3F2A1B4C5D');
    expect(queueIdOf('250 Ok: queued as 17')).toBe('17');
  });

  it("reads Exim's id", () => {
    expect(queueIdOf('250 OK id=1uAbCd-000123-Ef')).toBe('1uAbCd-000123-Ef');
    expect(queueIdOf('250 2.0.0 OK id=1uAbCd-000123-Ef')).toBe('1uAbCd-000123-Ef');
  });

  it('leaves out what follows the id', () => {
    expect(queueIdOf('250 2.0.0 Ok: queued as 4Xyz1aB2cD (on mx1)')).toBe('4Xyz1aB2cD');
    expect(queueIdOf('250 OK id=1uAbCd-000123-Ef.')).toBe('1uAbCd-000123-Ef');
  });

  it('gives none for a reply that names no id', () => {
    // smtp-server's default, Mailgun's, a bare 250, a dry run's note.
    for (const reply of ['250 OK: message queued', '250 Great success', '250', 'written 1.eml']) {
      expect(queueIdOf(reply), reply).toBeUndefined();
    }
  });

  it('gives none when the words are not a reply accepting the message', () => {
    expect(queueIdOf('550 5.7.1 Ok: queued as 4Xyz')).toBeUndefined();
    expect(
      queueIdOf('250 2.6.0 <m1@example.org> [InternalId=123, Hostname=mx] Queued mail for delivery'),
    ).toBeUndefined();
    expect(queueIdOf('250 Ok: queued as ')).toBeUndefined();
  });
});
