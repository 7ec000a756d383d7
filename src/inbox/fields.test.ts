import { describe, expect, it } from 'vitest';
import { addressKeys, bareAddress, messageIds, oneLine, statusClass, statusFromDiagnostic } from './fields.js';

describe('report fields', () => {
  it('reads the address of an RFC 3464 field, of rfc822 type only', () => {
    expect(bareAddress('rfc822; Ana@Example.org')).toBe('Ana@Example.org');
    expect(bareAddress('RFC822;<ana@example.org>')).toBe('ana@example.org');
    expect(bareAddress('utf-8; jörg@example.org')).toBe('jörg@example.org');
    expect(bareAddress('x400; c=FR;a=ATLAS')).toBeNull();
    expect(bareAddress('not an address')).toBeNull();
    expect(addressKeys(['rfc822; Ana@EXAMPLE.org', '<ana@example.org>', undefined])).toEqual(['ana@example.org']);
  });

  it('tells permanent from temporary failures by the status class', () => {
    expect(statusClass('5.1.1')).toBe('permanent');
    expect(statusClass('5.1.10 (Office 365)')).toBe('permanent');
    expect(statusClass('4.4.7')).toBe('temporary');
    expect(statusClass('2.0.0')).toBeNull();
    expect(statusClass(undefined)).toBeNull();
    expect(statusFromDiagnostic('smtp; 550 5.1.1 <a@b>: User unknown')).toBe('5.1.1');
    expect(statusFromDiagnostic('smtp; 452 mailbox full')).toBe('4.0.0');
    expect(statusFromDiagnostic('X-Postfix; connect to host: Connection timed out')).toBeUndefined();
  });

  it('finds Message-IDs in References lists and keeps text to one line', () => {
    expect(messageIds(['<a@b> <c@d>\t<e@f>', 'junk'])).toEqual(['<a@b>', '<c@d>', '<e@f>']);
    expect(oneLine('  a\n   b  ')).toBe('a b');
    expect(oneLine('x'.repeat(400))).toHaveLength(300);
  });
});
