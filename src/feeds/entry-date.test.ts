import { describe, expect, it } from 'vitest';
import { entryDate } from './entry-date.js';

describe('an entry’s date', () => {
  it('is the day the site wrote, whatever its offset from UTC (RFC 822, RFC 3339)', () => {
    expect(entryDate('Thu, 06 Apr 2017 23:30:00 -0500')).toBe('2017-04-06');
    expect(entryDate('Fri, 07 Apr 2017 00:30:00 +0200')).toBe('2017-04-07');
    expect(entryDate('2024-05-10T23:30:00+02:00')).toBe('2024-05-10');
    expect(entryDate('2024-05-10')).toBe('2024-05-10');
    expect(entryDate('6 April 2017 10:00 GMT')).toBe('2017-04-06');
  });

  it('reads two-digit years as RFC 822 does', () => {
    expect(entryDate('Thu, 06 Apr 17 10:00:00 GMT')).toBe('2017-04-06');
    expect(entryDate('Sat, 06 Apr 99 10:00:00 GMT')).toBe('1999-04-06');
  });

  it('is null when there is no real date', () => {
    expect(entryDate('soon')).toBeNull();
    expect(entryDate('2017-02-30T10:00:00Z')).toBeNull();
    expect(entryDate('Thu, 31 Feb 2017 10:00:00 GMT')).toBeNull();
  });
});
