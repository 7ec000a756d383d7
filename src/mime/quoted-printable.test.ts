/** Quoted-printable segments: each decodes to its text, lines stay within 76, segments concatenate. */
import { describe, expect, it } from 'vitest';
import { qpDecode, qpSegment } from './quoted-printable.js';

const samples = [
  'Karim Benali',
  'Zoë Martin — 林伟',
  'https://www.example.org/coop/enews/unsubscribe?email=reader00001%40example.org&' +
    'token=md0mQS6fQltyYofpu8uL_BcQ3yBm60TKCrj5eMqCjMk',
  'a=b=c '.repeat(30),
  'line one\nline two  \nthree',
  '.starts with a dot',
  'x'.repeat(200),
];

describe('qpSegment', () => {
  it.each(samples)('round-trips %j with lines of at most 76 characters', (text) => {
    const encoded = qpSegment(text);
    expect(qpDecode(encoded)).toBe(text.replace(/\n/g, '\r\n'));
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(encoded).not.toMatch(/[ \t]\r\n/);
    expect(encoded).toMatch(/^[\x20-\x7e\r\n]*$/);
  });

  it('segments encoded apart concatenate into the text joined', () => {
    const joined = samples.map(qpSegment).join('');
    expect(qpDecode(joined)).toBe(samples.join('').replace(/\n/g, '\r\n'));
  });
});

describe('qpSegment of printable ASCII (the per-recipient fast path)', () => {
  /** The encoder as it was, a character at a time: the reference the faster one must match. */
  function reference(text: string): string {
    let out = '';
    let line = 0;
    for (const c of text) {
      const token = c === '=' ? '=3D' : c;
      if (line + token.length > 75) {
        out += '=\r\n';
        line = 0;
      }
      out += token;
      line += token.length;
    }
    return `${out}=\r\n`;
  }

  it('matches the character-at-a-time encoder on random text with "=" signs', () => {
    let seed = 1;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let k = 0; k < 5000; k++) {
      let s = '';
      const n = 1 + Math.floor(random() * 300);
      for (let i = 0; i < n; i++) s += random() < 0.15 ? '=' : String.fromCharCode(0x20 + Math.floor(random() * 95));
      expect(qpSegment(s), JSON.stringify(s)).toBe(reference(s));
    }
  });
});
