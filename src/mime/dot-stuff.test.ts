/**
 * enews's dot-stuffing gives, piece by piece, exactly the bytes nodemailer's
 * SMTPConnection would make of the whole message (its DataStream, run here
 * through the adapter), and `unstuff` gives the message back.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../delivery/testing/fake-clock.js';
import { nodemailerStuff } from '../delivery/transports/data-stream.js';
import { stuffLines, unstuff } from './dot-stuff.js';

const rng = seededRandom;

const ALPHABET = ['a', 'b', ' ', '.', '.', '\r', '\n', '\r\n', '=', 'é'];

/** A piece as the composer makes them: starts at the beginning of a line and ends with CRLF. */
function piece(random: () => number): string {
  let s = '';
  const n = Math.floor(random() * 12);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return `${s}\r\n`;
}

describe('stuffLines', () => {
  it.each([
    ['plain\r\ntext\r\n', 'plain\r\ntext\r\n'],
    ['.starts with a dot\r\n', '..starts with a dot\r\n'],
    ['a\r\n.\r\n..b\r\n', 'a\r\n..\r\n...b\r\n'],
    ['bare LF\n.dot\n', 'bare LF\r\n..dot\r\n'],
    ['bare CR\r.dot\rx', 'bare CR\r\n..dot\r\nx'],
    ['mid.line dots. stay\r\n', 'mid.line dots. stay\r\n'],
    ['', ''],
  ])('%j → %j', (input, stuffed) => {
    expect(stuffLines(input)).toBe(stuffed);
  });

  it('returns the very string when there is nothing to change (the common case per recipient)', () => {
    const s = 'To: Zoe Martin <zoe@example.org>\r\nDate: Sun, 29 Nov 2026 13:00:00 +0000\r\n';
    expect(stuffLines(s)).toBe(s);
  });

  it("pieces stuffed one by one join into nodemailer's stuffing of the whole message", () => {
    const random = rng(20261129);
    for (let round = 0; round < 500; round++) {
      const pieces = Array.from({ length: 1 + Math.floor(random() * 6) }, () => piece(random));
      const ours = Buffer.from(pieces.map(stuffLines).join(''), 'utf8');
      const theirs = nodemailerStuff(Buffer.from(pieces.join(''), 'utf8'));
      expect(ours.toString('latin1'), JSON.stringify(pieces)).toBe(theirs.toString('latin1'));
    }
  });
});

describe('unstuff', () => {
  it('gives back the message (with CRLF line ends) that was stuffed', () => {
    const random = rng(7);
    for (let round = 0; round < 500; round++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 6) }, () => piece(random)).join('');
      const normalised = text.replace(/\r\n|\r|\n/g, '\r\n');
      expect(unstuff(Buffer.from(stuffLines(text), 'utf8')).toString('utf8')).toBe(normalised);
    }
  });

  it('returns the same Buffer when no line starts with a dot', () => {
    const b = Buffer.from('a\r\nb.c\r\n');
    expect(unstuff(b)).toBe(b);
  });
});
