import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EnewsError } from '../errors.js';
import { MIN_SECRET_BITS, readingKeys, secretList, secretStrength, unsubscribeSecrets } from './unsubscribe-secret.js';

describe('secretStrength', () => {
  it('counts what a random secret in its alphabet would carry: hex 4 bits, base64 6, digits 3.3', () => {
    expect(secretStrength('0123456789abcdef0123456789abcdef'.split('').reverse().join(''))).toBe(128);
    expect(secretStrength('gst/2uHwaQ+T5klVARumAqrVD52aqEhYTxT2YKwIx6w=')).toBe(258);
    expect(secretStrength('3m9K_xQ-Zp0Lr7Vb2Nc4Wd')).toBe(132);
    expect(secretStrength('9'.repeat(1) + '1827364554637281928374655647382910')).toBe(Math.floor(35 * Math.log2(10)));
  });

  it('gives every secret openssl rand -base64 32, -hex 16 and -hex 32 make at least 128 bits', () => {
    for (let i = 0; i < 100; i++) {
      const bytes = randomBytes(32);
      for (const s of [bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('hex')])
        expect(secretStrength(s), s).toBeGreaterThanOrEqual(MIN_SECRET_BITS);
      expect(secretStrength(bytes.subarray(0, 16).toString('hex'))).toBeGreaterThanOrEqual(MIN_SECRET_BITS);
    }
  });

  it('counts words, one case and other text at 2 bits a character, and few distinct characters as text', () => {
    expect(secretStrength('abc')).toBe(12);
    expect(secretStrength('secret')).toBe(12);
    expect(secretStrength('a-long-random-string')).toBe(40);
    expect(secretStrength('unsubscribe-secret-for-tests')).toBe(56);
    expect(secretStrength('deadbeef'.repeat(4))).toBe(64);
    expect(secretStrength('aA'.repeat(20))).toBe(80);
    expect(secretStrength('clé très secrète pour les liens de désabonnement')).toBe(2 * 48);
  });
});

describe('unsubscribeSecrets', () => {
  const strong = 'gst/2uHwaQ+T5klVARumAqrVD52aqEhYTxT2YKwIx6w=';

  it('refuses a weak UNSUBSCRIBE_SECRET, saying how strong it is and how to make one', () => {
    let err: unknown;
    try {
      unsubscribeSecrets({ UNSUBSCRIBE_SECRET: ' abc ' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EnewsError);
    expect((err as EnewsError).message).toContain('UNSUBSCRIBE_SECRET is too weak: about 12 bits of strength');
    expect((err as EnewsError).problems[0]!.message).toContain('openssl rand -base64 32');
    expect((err as EnewsError).problems[1]!.message).toContain('UNSUBSCRIBE_SECRET_OLD');
  });

  it('accepts old secrets, weak ones with their strength for a warning, current first when reading', () => {
    const s = unsubscribeSecrets({ UNSUBSCRIBE_SECRET: strong, UNSUBSCRIBE_SECRET_OLD: ' older-one , abc,' });
    expect(s).toEqual({ current: strong, old: ['older-one', 'abc', 'older-one , abc,'], weakOld: [12, 18] });
    expect(readingKeys(s)).toEqual([strong, 'older-one', 'abc', 'older-one , abc,']);
    expect(readingKeys(unsubscribeSecrets({ UNSUBSCRIBE_SECRET_OLD: 'abc' }))).toEqual(['abc']);
    expect(unsubscribeSecrets({})).toEqual({ current: null, old: [], weakOld: [] });
    // The current secret listed again as an old one is not a second key.
    expect(unsubscribeSecrets({ UNSUBSCRIBE_SECRET: strong, UNSUBSCRIBE_SECRET_OLD: strong }).old).toEqual([]);
  });

  it('secretList: each between commas, and the whole when it holds one (a secret with a comma in it)', () => {
    expect(secretList(undefined)).toEqual([]);
    expect(secretList('  ')).toEqual([]);
    expect(secretList('one')).toEqual(['one']);
    expect(secretList('a,b')).toEqual(['a', 'b', 'a,b']);
  });
});
