import { describe, expect, it } from 'vitest';
import { openToken, sealToken } from './token.js';

const SECRET = 'a-long-random-secret-for-the-token-tests';
const LIST = 'enews.coop.example.org';

describe('unsubscribe tokens', () => {
  it('open to the list and address they were sealed for, and are the same every time', () => {
    const t = sealToken(SECRET, LIST, 'zoe.martin@example.org');
    expect(sealToken(SECRET, LIST, 'zoe.martin@example.org')).toBe(t);
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openToken(SECRET, t)).toEqual({ listId: LIST, address: 'zoe.martin@example.org' });
    expect(openToken(SECRET, sealToken(SECRET, LIST, 'jörg@xn--mller-kva.example'))).toEqual({
      listId: LIST,
      address: 'jörg@xn--mller-kva.example',
    });
  });

  it('reveal nothing: the address is not in the token, and other addresses or lists give other tokens', () => {
    const t = sealToken(SECRET, LIST, 'zoe.martin@example.org');
    const bytes = Buffer.from(t, 'base64url');
    for (const needle of ['zoe', 'martin', 'example', 'enews']) expect(bytes.includes(Buffer.from(needle))).toBe(false);
    expect(t).not.toContain('zoe');
    expect(sealToken(SECRET, LIST, 'zoe.martin@example.com')).not.toBe(t);
    expect(sealToken(SECRET, 'other.example.org', 'zoe.martin@example.org')).not.toBe(t);
  });

  it('refuse every altered, truncated or extended token, and tokens made with another secret', () => {
    const t = sealToken(SECRET, LIST, 'zoe.martin@example.org');
    const raw = Buffer.from(t, 'base64url');
    for (let i = 0; i < raw.length; i++) {
      const bad = Buffer.from(raw);
      bad[i]! ^= 0x01;
      expect(openToken(SECRET, bad.toString('base64url')), `byte ${i}`).toBeNull();
    }
    expect(openToken(SECRET, t.slice(0, -1))).toBeNull();
    expect(openToken(SECRET, t.slice(0, 30))).toBeNull();
    expect(openToken(SECRET, t + 'AA')).toBeNull();
    expect(openToken('another-secret-of-some-length', t)).toBeNull();
    expect(openToken(SECRET, '')).toBeNull();
    expect(openToken(SECRET, 'not a token at all!')).toBeNull();
  });
});
