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
