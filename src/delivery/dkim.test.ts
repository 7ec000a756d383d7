/**
 * The DKIM signer writes, byte for byte, the DKIM-Signature field
 * nodemailer's signer writes for the same message (RSA signatures are
 * deterministic, so the whole signed message is compared), whether it signs
 * a message from the pieces it was joined from (canonicalising the shared
 * ones once) or from its bytes; and an independent verifier (mailauth)
 * passes its RSA and Ed25519 (RFC 8463) signatures.
 */
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import DKIM from 'nodemailer/lib/dkim';
import { describe, expect, it } from 'vitest';
import { buildSkeleton, composeWire, wireTemplate, type MessagePieces, type RecipientFields } from '../mime/compose.js';
import { stuffLines } from '../mime/dot-stuff.js';
import { splitSlots, slotMarker } from '../render/slots.js';
import { testNewsletter } from './testing/newsletter.js';
import { counts, dkimSigner, signedBytes } from './dkim.js';
import type { OutgoingMessage } from './transport.js';
import type { PiecedMessage } from './transports/wire.js';
import { seededRandom } from './testing/fake-clock.js';

const rsa = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'der' },
});
const ed = generateKeyPairSync('ed25519', {
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'der' },
});
const settings = { domainName: 'example.org', keySelector: 'enews', privateKey: rsa.privateKey, ed25519: null };
const theirSigner = new DKIM({ domainName: 'example.org', keySelector: 'enews', privateKey: rsa.privateKey });

async function theirs(bytes: Buffer): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of theirSigner.sign(bytes)) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('latin1');
}

/** A message from its pieces, carrying them (`withPieces`) or only its bytes. */
function message(p: MessagePieces, seq: number, withPieces = true): OutgoingMessage {
  const text = p.head + p.values.map((v, i) => p.shared[i]!.toString('utf8') + v).join('') + p.shared.at(-1)!;
  const m = { from: 'b@example.org', to: 'r@example.org', raw: text, messageId: `<m${seq}@x>`, seq };
  return withPieces ? ({ ...m, wire: Buffer.from(stuffLines(text), 'utf8'), pieces: p } as PiecedMessage) : m;
}

const pick = <T>(rnd: () => number, xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
const TOKENS = ['a', 'word', 'é', '.', '=', ' ', '  ', '\t', '\r\n', '\r\n', ' \r\n', '\r\n\r\n', '=\r\n'];
const text = (rnd: () => number, n: number) => Array.from({ length: Math.floor(rnd() * n) }, () => pick(rnd, TOKENS));

/** Headers a message of its own could have, with odd spacing, folds and a field repeated in the shared block. */
function head(rnd: () => number, i: number): string {
  const lines = [
    `To: ${pick(rnd, ['', '"Zoë  Martin" ', '=?UTF-8?Q?Zo=C3=AB?= '])}<r${i}@${pick(rnd, ['example.org', 'bücher.example'])}>`,
    `Date: Sun, 29 Nov 2026 13:00:0${i % 10} +0000`,
    `Message-ID:   <m${i}@example.org>  `,
  ];
  if (rnd() < 0.7) lines.push(`List-Unsubscribe: <https://example.org/u?t=${'T'.repeat(60)}${i}>,\r\n\t <mailto:u@x>`);
  if (rnd() < 0.5) lines.push('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  if (rnd() < 0.3) lines.push('Subject: overridden by the shared one');
  if (rnd() < 0.3) lines.push('X-Other:  not signed');
  return lines.map((l) => `${l}\r\n`).join('');
}

/** Shared pieces: the shared header block and the body's start, then body pieces cut anywhere. */
function sharedPieces(rnd: () => number, slots: number): Buffer[] {
  const headers =
    'From: "News" <news@example.org>\r\nSubject:  Issue\t 3 \r\nMIME-Version: 1.0\r\n' +
    'Content-Type: multipart/alternative;\r\n boundary="b"\r\n\r\n';
  return Array.from({ length: slots + 1 }, (_, i) =>
    Buffer.from((i === 0 ? headers : '') + text(rnd, 30).join(''), 'utf8'),
  );
}

describe('dkimSigner', () => {
  it('writes the field nodemailer writes, byte for byte, from pieces and from bytes alike (300 generated messages)', async () => {
    const rnd = seededRandom(8463);
    const signer = dkimSigner(settings);
    const before = { ...counts };
    let compared = 0;
    for (let t = 0; t < 10; t++) {
      const slots = Math.floor(rnd() * 6);
      // One issue: the same shared Buffers for all its messages, as compose.ts gives them.
      const shared = sharedPieces(rnd, slots);
      for (let i = 0; i < 15; i++) {
        const pieces: MessagePieces = {
          head: head(rnd, i),
          shared,
          values: Array.from({ length: slots }, () => text(rnd, 8).join('')),
        };
        const fromPieces = message(pieces, i);
        const expected = await theirs(Buffer.from(fromPieces.raw, 'utf8'));
        expect((await signedBytes(signer, fromPieces)).toString('latin1')).toBe(expected);
        expect((await signedBytes(signer, message(pieces, i, false))).toString('latin1')).toBe(expected);
        compared += 2;
      }
    }
    expect(compared).toBe(300);
    expect(counts.fromPieces - before.fromPieces).toBe(150);
    expect(counts.fromBytes - before.fromBytes).toBe(150);
  });

  it('writes the field nodemailer writes for composed messages: slots at line starts and ends, long QP lines', async () => {
    const newsletter = testNewsletter();
    const html =
      `${slotMarker('name')} <p>Dear  ${slotMarker('name')}  ,</p>\n\n<p>${'word  '.repeat(30)}</p>\n` +
      `${slotMarker('name')}\n.${slotMarker('organisation')}\t\n\n\n`;
    const plain = `${slotMarker('name')}\n\n  ${slotMarker('organisation')}  \n${'x'.repeat(200)}\n\n`;
    const skeleton = buildSkeleton(
      newsletter,
      { subject: 'Issue 3', preheader: null, html: splitSlots(html), text: splitSlots(plain) },
      { contentHash: 'c'.repeat(64) },
    );
    const wire = wireTemplate(skeleton);
    const signer = dkimSigner(settings);
    const names = [
      '',
      ' ',
      'Zoë  Martin',
      `${'y'.repeat(90)} `,
      '  lead',
      'tab\there',
      'a\nb',
      '.dot',
      'x '.repeat(50),
    ];
    for (const [i, name] of names.entries()) {
      const values: Record<string, string> = { name, organisation: names[(i + 3) % names.length]! };
      const r: RecipientFields = {
        name,
        email: `r${i}@example.org`,
        messageId: `<m${i}@example.org>`,
        date: new Date('2026-11-29T13:00:00Z'),
        listUnsubscribe: '<https://example.org/u?t=x>',
        oneClick: true,
        slot: (s) => values[s] ?? '',
      };
      const { wire: bytes, pieces } = composeWire(wire, r);
      const msg = { ...message(pieces, i), wire: bytes } as PiecedMessage;
      expect((await signedBytes(signer, msg)).toString('latin1')).toBe(await theirs(Buffer.from(msg.raw, 'utf8')));
    }
  });

  it('adds an Ed25519 signature after the RSA one; mailauth passes both, and neither once the body changes', async () => {
    const signer = dkimSigner({ ...settings, ed25519: { keySelector: 'ed', privateKey: ed.privateKey } });
    const rnd = seededRandom(1);
    const shared = sharedPieces(rnd, 2);
    const resolver = async (name: string, type: string) => {
      if (type !== 'TXT') throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      if (name === 'enews._domainkey.example.org') return [[`v=DKIM1; k=rsa; p=${rsa.publicKey.toString('base64')}`]];
      // RFC 8463 §4.2: the DNS record holds the bare 32-byte public key.
      if (name === 'ed._domainkey.example.org')
        return [[`v=DKIM1; k=ed25519; p=${ed.publicKey.subarray(-32).toString('base64')}`]];
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    for (let i = 0; i < 5; i++) {
      const msg = message({ head: head(rnd, i), shared, values: ['Zoë  ', ' \r\nx'] }, i);
      const signed = await signedBytes(signer, msg);
      const fields = signed.toString('latin1').split(/\r\n(?![ \t])/);
      expect(fields[0]).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; /);
      expect(fields[1]).toMatch(/^DKIM-Signature: v=1; a=ed25519-sha256; .* s=ed; /s);
      const { results } = await dkimVerify(signed, { resolver });
      expect(results.map((r) => r.status.result)).toEqual(['pass', 'pass']);
      const tampered = Buffer.from(signed.toString('latin1').replace(/(\r\n\r\n[\s\S]*)word/, '$1wOrd'), 'latin1');
      expect(tampered.equals(signed)).toBe(false);
      const again = await dkimVerify(tampered, { resolver });
      expect(again.results.map((r) => r.status.result)).not.toContain('pass');
    }
  });
});
