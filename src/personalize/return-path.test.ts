import { describe, expect, it } from 'vitest';
import type { Newsletter } from '../content/schema.js';
import { returnPath, verpId, verpMac, verpMatches, verpMatchesAny, verpOf } from './return-path.js';

const SECRET = 'a-long-random-secret-for-the-verp-tests';
const LIST = 'enews.coop.example.org';
const newsletter = (o: Partial<Newsletter>) =>
  ({ list_id: LIST, from: { name: 'X', address: 'news@example.org' }, verp: true, ...o }) as Newsletter;

describe('VERP return paths', () => {
  it('prove their recipient with any of several secrets (the current one and those it replaced)', () => {
    const parts = { issue: 3, mac: verpMac('the-old-secret', LIST, 3, 'zoe@example.org') };
    expect(verpMatchesAny([SECRET, 'the-old-secret'], LIST, parts, 'zoe@example.org')).toBe(true);
    expect(verpMatchesAny([SECRET, 'the-old-secret'], LIST, parts, 'ana@example.org')).toBe(false);
    expect(verpMatchesAny([SECRET], LIST, parts, 'zoe@example.org')).toBe(false);
  });

  it('prove their recipient and issue: 20 lower-case letters of an HMAC, within 64 characters', () => {
    const n = newsletter({ bounce_address: 'coop-enews-bounces@example.org' });
    const rp = returnPath(n, { secret: SECRET, issue: 3, address: 'zoe@example.org', messageId: '<m@x>' });
    expect(rp).toBe(`coop-enews-bounces+3-${verpMac(SECRET, LIST, 3, 'zoe@example.org')}@example.org`);
    expect(rp).toMatch(/^coop-enews-bounces\+3-[a-z2-7]{20}@example\.org$/);
    expect(rp.slice(0, rp.indexOf('@')).length).toBeLessThanOrEqual(64);
    const parts = verpOf(rp.toUpperCase());
    expect(parts).toEqual({ issue: 3, mac: verpMac(SECRET, LIST, 3, 'zoe@example.org') });
    expect(verpMatches(SECRET, LIST, parts as { issue: number; mac: string }, 'zoe@example.org')).toBe(true);
  });

  it('match no other address, issue, list or secret', () => {
    const mac = verpMac(SECRET, LIST, 3, 'zoe@example.org');
    expect(verpMatches(SECRET, LIST, { issue: 3, mac }, 'ana@example.org')).toBe(false);
    expect(verpMatches(SECRET, LIST, { issue: 4, mac }, 'zoe@example.org')).toBe(false);
    expect(verpMatches(SECRET, 'other.example.org', { issue: 3, mac }, 'zoe@example.org')).toBe(false);
    expect(verpMatches('another-secret-entirely', LIST, { issue: 3, mac }, 'zoe@example.org')).toBe(false);
    expect(verpMatches(SECRET, LIST, { issue: 3, mac: 'a'.repeat(20) }, 'zoe@example.org')).toBe(false);
  });

  it('fall back to the older journal-bound id without a secret, and keep an existing +tag', () => {
    const n = newsletter({ bounce_address: 'bounces+news@example.org' });
    const rp = returnPath(n, { secret: null, issue: 3, address: 'zoe@example.org', messageId: '<m@x>' });
    expect(rp).toBe(`bounces+news+${verpId('<m@x>')}@example.org`);
    expect(verpOf(rp)).toEqual({ legacy: verpId('<m@x>') });
    expect(verpOf('bounces@example.org')).toBeNull();
    expect(returnPath(newsletter({ verp: false }), { secret: SECRET, issue: 3, address: 'a@b', messageId: '' })).toBe(
      'news@example.org',
    );
  });
});
