/**
 * The relaxed body canonicalisation hashes exactly what nodemailer's signer
 * hashes (its `bh=`), however the body is cut into pieces and whichever way
 * each piece is fed: bytes, a string, or a piece prepared once. The cuts fall
 * anywhere: inside a CRLF, inside a run of whitespace, between the spaces
 * at the end of a line and its line break, among the empty lines at the end.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import DKIM from 'nodemailer/lib/dkim';
import { describe, expect, it } from 'vitest';
import { preparePiece, RelaxedBody } from './dkim-body.js';
import { seededRandom } from './testing/fake-clock.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const nodemailer = new DKIM({ domainName: 'example.org', keySelector: 's', privateKey });

/** nodemailer's body hash of `body`. */
async function theirs(body: Buffer): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of nodemailer.sign(Buffer.concat([Buffer.from('From: a@example.org\r\n\r\n'), body])))
    chunks.push(c as Buffer);
  return /bh=([^;]+);/.exec(Buffer.concat(chunks).toString('latin1').replace(/\r\n /g, ''))![1]!;
}

type Way = 'bytes' | 'string' | 'prepared';

/** Our body hash of `pieces`, each fed the given way. */
function ours(pieces: Buffer[], ways: Way[]): string {
  const hash = createHash('sha256');
  const body = new RelaxedBody(hash);
  pieces.forEach((p, i) => {
    if (ways[i] === 'string') body.writeString(p.toString('utf8'));
    else if (ways[i] === 'prepared') body.writePiece(preparePiece(p));
    else body.write(p);
  });
  body.end();
  return hash.digest('base64');
}

const TOKENS = ['a', 'bc', 'é', '.', '=', ' ', '  ', '\t', ' \t ', '\r\n', '\r\n', '\n', '\r', ' \r\n', '\r\n\r\n'];

function body(rnd: () => number): Buffer {
  let s = '';
  const n = Math.floor(rnd() * 40);
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(rnd() * TOKENS.length)];
  // Long lines too, beyond the canonicaliser's first scratch buffer.
  if (rnd() < 0.1) s += `${'x '.repeat(700)}\r\n`;
  return Buffer.from(s, 'utf8');
}

/** `b` cut at random places; strings only at character boundaries ("é" is two bytes). */
function cut(b: Buffer, rnd: () => number, stringSafe: boolean): Buffer[] {
  const cuts = new Set<number>();
  const k = Math.floor(rnd() * 6);
  for (let i = 0; i < k; i++) {
    const at = Math.floor(rnd() * (b.length + 1));
    if (!stringSafe || (b[at] ?? 0) < 0x80 || (b[at]! & 0xc0) !== 0x80) cuts.add(at);
  }
  const sorted = [0, ...[...cuts].sort((x, y) => x - y), b.length];
  return sorted.slice(1).map((end, i) => b.subarray(sorted[i]!, end));
}

describe('RelaxedBody', () => {
  const cases: Array<[string, string[]]> = [
    ['a CRLF cut between its CR and LF', ['line one\r', '\nline two\r\n']],
    ['a run of whitespace across pieces', ['a  \t', '  b\r\n']],
    ['whitespace at the end of a line, its CRLF in the next piece', ['a \t ', '\r\nb\r\n']],
    ['empty lines at the end, spread over pieces', ['a\r\n', '\r\n', '  \r\n\r', '\n']],
    ['empty lines in the middle, spread over pieces, then content', ['a\r\n\r\n', '\r\n', '\t\r\n', 'b\r\n']],
    ['a piece of only whitespace inside a line', ['a', '   ', 'b\r\n']],
    ['a piece of only whitespace at a line start', ['a\r\n', '  ', 'b\r\n']],
    ['a bare CR at the very end', ['a\r\nb\r']],
    ['a last line without a line break', ['a\r\n', 'b  ']],
    ['bare LFs and CRs', ['a\nb\rc\r\r\n', '\n\r']],
    ['nothing at all', ['']],
    ['only empty lines', ['\r\n\r\n', '\r\n']],
    ['a quoted-printable line of 76 and soft breaks', [`${'='.repeat(1)}${'q'.repeat(74)}=\r\n`, 'x=\r\n', '\r\n']],
  ];

  it.each(cases)('hashes as nodemailer does: %s', async (_name, parts) => {
    const pieces = parts.map((p) => Buffer.from(p, 'utf8'));
    const expected = await theirs(Buffer.concat(pieces));
    for (const way of ['bytes', 'string', 'prepared'] as const)
      expect(
        ours(
          pieces,
          pieces.map(() => way),
        ),
      ).toBe(expected);
  });

  it('hashes as nodemailer does on 400 generated bodies, cut anywhere and fed every way', async () => {
    const rnd = seededRandom(28);
    const ways: Way[] = ['bytes', 'string', 'prepared'];
    let compared = 0;
    for (let i = 0; i < 400; i++) {
      const b = body(rnd);
      const expected = await theirs(b);
      const pieces = cut(b, rnd, true);
      expect(
        ours(
          pieces,
          pieces.map(() => ways[Math.floor(rnd() * 3)]!),
        ),
        JSON.stringify(b.toString()),
      ).toBe(expected);
      // Prepared pieces from any state: cut anywhere, even inside "é".
      const anywhere = cut(b, rnd, false);
      expect(
        ours(
          anywhere,
          anywhere.map(() => 'prepared'),
        ),
        JSON.stringify(b.toString()),
      ).toBe(expected);
      compared += 2;
    }
    expect(compared).toBe(800);
  });

  it('uses a prepared piece again and again with the same result, whatever came before it', () => {
    const shared = preparePiece(Buffer.from('  shared  line\r\n\r\nsecond\t\tline  \r\n\r\n'));
    const run = (before: string) => {
      const hash = createHash('sha256');
      const b = new RelaxedBody(hash);
      b.writeString(before);
      b.writePiece(shared);
      b.end();
      return hash.digest('base64');
    };
    const once = (before: string) => ours([Buffer.from(before), shared.bytes], ['bytes', 'bytes']);
    for (const before of ['', 'x', 'x ', 'x\r', 'x\r\n', 'x\r\n\r\n', ' ', '\t\r\n'])
      for (let i = 0; i < 3; i++) expect(run(before), JSON.stringify(before)).toBe(once(before));
  });
});
