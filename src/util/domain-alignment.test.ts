/** Relaxed alignment without a public-suffix list: the same domain, or a parent or child of it. */
import { describe, expect, it } from 'vitest';
import { aligned } from './domain-alignment.js';
import { domainOf } from './email-address.js';

describe('aligned', () => {
  it('holds for the same domain in any case or form, and for a subdomain either way', () => {
    expect(aligned('example.org', 'EXAMPLE.org.')).toBe(true);
    expect(aligned('bounces.example.org', 'example.org')).toBe(true);
    expect(aligned('example.org', 'news.example.org')).toBe(true);
    expect(aligned('bücher.example', 'xn--bcher-kva.example')).toBe(true);
  });

  it('does not hold for another domain, one that only ends alike, or siblings (no public-suffix list)', () => {
    expect(aligned('example.org', 'example.net')).toBe(false);
    expect(aligned('badexample.org', 'example.org')).toBe(false);
    expect(aligned('news.example.org', 'mail.example.org')).toBe(false);
  });
});

describe('domainOf', () => {
  it('is what follows the last @', () => {
    expect(domainOf('"a@b"@news.example.org')).toBe('news.example.org');
  });
});
