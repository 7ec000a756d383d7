import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildSkeleton, composeWire, wireTemplate } from '../../mime/compose.js';
import { stuffLines } from '../../mime/dot-stuff.js';
import { splitSlots, slotMarker } from '../../render/slots.js';
import { dkimSigner } from '../dkim.js';
import { testNewsletter } from '../testing/newsletter.js';
import type { PiecedMessage } from './wire.js';
import { payloadOf } from './smtp-message.js';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 1024,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'der' },
});
const newsletter = testNewsletter();
const skeleton = buildSkeleton(
  newsletter,
  {
    subject: 'Issue 3',
    preheader: null,
    html: splitSlots(`<p>Dear ${slotMarker('name')},</p>\n<p>${'word '.repeat(4000)}</p>\n`),
    text: splitSlots(`Dear ${slotMarker('name')},\n${'word '.repeat(4000)}\n`),
  },
  { contentHash: 'c'.repeat(64) },
);

describe('payloadOf', () => {
  it('puts a composed message’s DKIM-Signature in the room in front of its bytes: the same bytes, not a copy', async () => {
    const { wire, pieces } = composeWire(wireTemplate(skeleton), {
      name: 'Zoë',
      email: 'zoe@example.org',
      messageId: '<m1@example.org>',
      date: new Date('2026-12-08T10:00:00Z'),
      listUnsubscribe: '<https://example.org/u?t=x>',
      oneClick: true,
      slot: (s) => (s === 'name' ? 'Zoë' : ''),
    });
    const before = Buffer.from(wire);
    const msg = {
      from: 'b@example.org',
      to: 'zoe@example.org',
      raw: '',
      messageId: '<m1@example.org>',
      seq: 1,
      wire,
      pieces,
    };
    const signer = dkimSigner({ domainName: 'example.org', keySelector: 'enews', privateKey, ed25519: null });
    const payload = await payloadOf(msg as PiecedMessage, signer, { enabled: true, proven: false });
    const front = Buffer.from(stuffLines(payload.signature!.toString('latin1')), 'latin1');
    expect(front.toString('latin1')).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256;/);
    expect(payload.wire!.equals(Buffer.concat([front, before]))).toBe(true);
    expect(payload.wire!.buffer).toBe(wire.buffer);
    expect(wire.equals(before)).toBe(true);
  });
});
