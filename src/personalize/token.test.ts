import { createCipheriv, createHmac, createSecretKey, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openToken, openTokenWithAny, sealToken } from './token.js';

const SECRET = 'a-long-random-secret-for-the-token-tests';
const LIST = 'enews.coop.example.org';

/** A token as enews made them before tokens named their issue (version 1), for the messages already out there. */
function versionOneToken(secret: string, listId: string, address: string): string {
  const derive = (info: string) =>
    createSecretKey(Buffer.from(hkdfSync('sha256', secret, 'enews unsubscribe token', info, 32)));
  const plain = Buffer.from(`${listId}\n${address}`, 'utf8');
  const iv = createHmac('sha256', derive('synthetic iv key')).update(plain).digest().subarray(0, 12);
  const cipher = createCipheriv('aes-256-gcm', derive('aes-256-gcm key'), iv);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([Buffer.of(1), iv, body, cipher.getAuthTag()]).toString('base64url');
}

describe('unsubscribe tokens', () => {
  it('open with any of several secrets (the current one and those it replaced), and with no other', () => {
    const old = sealToken('the-old-secret', LIST, 'zoe@example.org', 2);
    const now = sealToken(SECRET, LIST, 'zoe@example.org', 3);
    expect(openTokenWithAny([SECRET, 'the-old-secret'], old)).toEqual({
      listId: LIST,
      address: 'zoe@example.org',
      issue: 2,
    });
    expect(openTokenWithAny([SECRET, 'the-old-secret'], now)).toEqual({
      listId: LIST,
      address: 'zoe@example.org',
      issue: 3,
    });
    expect(openTokenWithAny([SECRET], old)).toBeNull();
    expect(openTokenWithAny([], now)).toBeNull();
  });

  it('open to the list, address and issue they were sealed for, and are the same every time', () => {
    const t = sealToken(SECRET, LIST, 'zoe.martin@example.org', 3);
    expect(sealToken(SECRET, LIST, 'zoe.martin@example.org', 3)).toBe(t);
    expect(t).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(openToken(SECRET, t)).toEqual({ listId: LIST, address: 'zoe.martin@example.org', issue: 3 });
    expect(openToken(SECRET, sealToken(SECRET, LIST, 'jörg@xn--mller-kva.example', 12))).toEqual({
      listId: LIST,
      address: 'jörg@xn--mller-kva.example',
      issue: 12,
    });
    expect(openToken(SECRET, sealToken(SECRET, LIST, 'a@example.org', null))).toEqual({
      listId: LIST,
      address: 'a@example.org',
      issue: null,
    });
  });

  it('seal the issue in: the token of issue 3 is not the token of issue 4, and opens only as issue 3', () => {
    const three = sealToken(SECRET, LIST, 'zoe.martin@example.org', 3);
    const four = sealToken(SECRET, LIST, 'zoe.martin@example.org', 4);
    expect(three).not.toBe(four);
    expect(openToken(SECRET, four)?.issue).toBe(4);
  });

  it('still open the tokens of messages sent before they named their issue (version 1), without an issue', () => {
    const old = versionOneToken(SECRET, LIST, 'zoe.martin@example.org');
    expect(openToken(SECRET, old)).toEqual({ listId: LIST, address: 'zoe.martin@example.org', issue: null });
  });

  it('reveal nothing: the address is not in the token, and other addresses or lists give other tokens', () => {
    const t = sealToken(SECRET, LIST, 'zoe.martin@example.org', 3);
    const bytes = Buffer.from(t, 'base64url');
    for (const needle of ['zoe', 'martin', 'example', 'enews']) expect(bytes.includes(Buffer.from(needle))).toBe(false);
    expect(t).not.toContain('zoe');
    expect(sealToken(SECRET, LIST, 'zoe.martin@example.com', 3)).not.toBe(t);
    expect(sealToken(SECRET, 'other.example.org', 'zoe.martin@example.org', 3)).not.toBe(t);
  });

  it('refuse every altered, truncated or extended token, and tokens made with another secret', () => {
    const t = sealToken(SECRET, LIST, 'zoe.martin@example.org', 3);
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

  it('accept only the one spelling: the other spellings of the last character are refused', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const tokens = ['a@example.org', 'bb@example.org', 'ccc@example.org'].map((a) => sealToken(SECRET, LIST, a, 3));
    let others = 0;
    for (const t of tokens) {
      for (const c of alphabet) {
        const spelling = t.slice(0, -1) + c;
        if (spelling === t) continue;
        // Some other last characters decode to the same bytes: before, they opened too.
        if (Buffer.from(spelling, 'base64url').equals(Buffer.from(t, 'base64url'))) others++;
        expect(openToken(SECRET, spelling), spelling).toBeNull();
      }
      expect(openToken(SECRET, t)).not.toBeNull();
    }
    // 3 tokens of different lengths mod 3: at least one ends in a character with ignored bits.
    expect(others).toBeGreaterThan(0);
  });
});
