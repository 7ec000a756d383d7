import { describe, expect, it } from 'vitest';
import { formatNamedAddress, parseNamedAddress } from './named-address.js';

describe('parseNamedAddress', () => {
  it('reads "Name <address>", a quoted name, and an address alone; the key is the address in any case', () => {
    expect(parseNamedAddress('  Jane Doe <Jane@Example.org> ')).toEqual({
      ok: true,
      name: 'Jane Doe',
      address: 'Jane@Example.org',
      key: 'jane@example.org',
    });
    const quoted = parseNamedAddress('"O\'Brien, Seán" <sean@example.org>');
    expect(quoted).toMatchObject({ ok: true, name: "O'Brien, Seán" });
    expect(parseNamedAddress('marie@example.org')).toMatchObject({ ok: true, name: '', address: 'marie@example.org' });
    expect(formatNamedAddress({ name: '', address: 'marie@example.org' })).toBe('marie@example.org');
    expect(formatNamedAddress({ name: 'Jane Doe', address: 'jane@example.org' })).toBe('Jane Doe <jane@example.org>');
  });

  it('refuses a name alone, a bad address, and names that could pass for someone else', () => {
    expect(parseNamedAddress('Jane Doe')).toEqual({
      ok: false,
      reason: 'is not "Name <address>" nor an address: it contains a space',
    });
    expect(parseNamedAddress('Jane <jane@>')).toEqual({
      ok: false,
      reason: 'has an address that needs the form name@domain',
    });
    for (const name of ['Jane\u202eeoD', 'Jane\nDoe', 'Ja"ne', 'x'.repeat(201)]) {
      expect(parseNamedAddress(`${name} <jane@example.org>`).ok, JSON.stringify(name)).toBe(false);
    }
  });
});
