import { describe, expect, it } from 'vitest';
import { neutralize, neutralizeKeepLines } from './safe-text.js';

describe('text from strangers before a terminal', () => {
  it('shows C0 controls and DEL as their pictures, C1 controls and direction overrides as U+FFFD', () => {
    expect(neutralize('a\u001b[2Jb\u0007c\u007f')).toBe('a␛[2Jb␇c␡');
    expect(neutralize('x\u009b31my\u202eevil\u2066')).toBe('x\uFFFD31my\uFFFDevil\uFFFD');
    expect(neutralize('one\ntwo\tthree\rfour')).toBe('one␊two␉three␍four');
  });

  it('keeps line breaks and tabs where text may span lines, but never a carriage return', () => {
    expect(neutralizeKeepLines('a\nb\tc\rd\u001be')).toBe('a\nb\tc␍d␛e');
  });

  it('leaves ordinary text, accents, CJK and right-to-left letters as they are', () => {
    const text = 'Zoë Martin — 林伟 — مرحبا — Ünïcödé';
    expect(neutralize(text)).toBe(text);
  });
});
