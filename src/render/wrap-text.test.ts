/** The text part's word wrap: 72 columns, list items hang, long words (links) stay whole. */
import { describe, expect, it } from 'vitest';
import { wrapText } from './wrap-text.js';

describe('wrapText', () => {
  it('breaks between words at the width', () => {
    expect(wrapText('The quick brown fox jumps over the lazy dog', 15)).toBe(
      'The quick brown\nfox jumps over\nthe lazy dog',
    );
  });

  it('keeps every line of a long paragraph within 72 columns by default', () => {
    const lines = wrapText('cooperative '.repeat(40).trim()).split('\n');
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(72);
    expect(lines[0]).toBe(Array(6).fill('cooperative').join(' '));
  });

  it('hangs the continuation lines of a list item under its text', () => {
    expect(wrapText('- one two three four five', 12)).toBe('- one two\n  three four\n  five');
    expect(wrapText('10. alpha beta gamma', 12)).toBe('10. alpha\n    beta\n    gamma');
  });

  it('keeps a word longer than the width whole, on its own line', () => {
    expect(wrapText('see https://example.org/a/very/long/path now', 10)).toBe(
      'see\nhttps://example.org/a/very/long/path\nnow',
    );
    expect(wrapText('https://example.org/long', 5)).toBe('https://example.org/long');
  });

  it('prefixes every line with the indent', () => {
    expect(wrapText('one two three', 9, '> ')).toBe('> one two\n> three');
  });

  it('keeps paragraph breaks, empties blank lines and reads CRLF and CR as line ends', () => {
    expect(wrapText('a\r\nb\rc\n\n   \nd')).toBe('a\nb\nc\n\n\nd');
  });

  it('collapses runs of spaces between words', () => {
    expect(wrapText('  spaced   out  words ')).toBe('spaced out words');
  });

  it('counts characters, not UTF-16 units', () => {
    // Two emoji are four UTF-16 units; counted as two they still fit in five columns.
    expect(wrapText('ab 😀😀', 5)).toBe('ab 😀😀');
    expect(wrapText('ab 😀😀😀', 5)).toBe('ab\n😀😀😀');
  });
});
