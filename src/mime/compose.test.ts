/**
 * The two forms of a recipient's message are the same message: the bytes
 * SMTP's DATA carries (composeWire, dot-stuffed, pieces stuffed once per
 * issue) unstuff to exactly the text a reviewer sees (composeMessage), and
 * they are what nodemailer's SMTPConnection would have made of that text.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newsletterSchema, type Newsletter } from '../content/schema.js';
import { nodemailerStuff } from '../delivery/transports/data-stream.js';
import { splitSlots, slotMarker } from '../render/slots.js';
import { buildSkeleton, composeMessage, composeWire, wireTemplate, type RecipientFields } from './compose.js';
import { unstuff } from './dot-stuff.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const newsletter: Newsletter = newsletterSchema.parse(
  parse(readFileSync(path.join(REPO, 'issues/newsletter.yaml'), 'utf8')),
);

// Lines that start with dots, in the body and around the slots (QP keeps a dot that starts a line as it is).
const html =
  `<p>Dear ${slotMarker('name')},</p>\n.hidden { display: none }\n<p>` +
  `${'word '.repeat(20)}.</p>\n${slotMarker('name')}\n` +
  `<a href="${slotMarker('unsubscribe_url')}">unsubscribe</a>\n..\n.`;
const text = `Dear ${slotMarker('name')},\n.\n..two\n${slotMarker('organisation')}\n${slotMarker('unsubscribe_url')}\n`;
const skeleton = buildSkeleton(
  newsletter,
  { subject: 'Issue 3', preheader: null, html: splitSlots(html), text: splitSlots(text) },
  { contentHash: 'c'.repeat(64) },
);
const wire = wireTemplate(skeleton);

function fields(name: string, email: string, extra: Record<string, string> = {}): RecipientFields {
  const values: Record<string, string> = {
    name,
    email,
    unsubscribe_url: `https://example.org/u?t=${'A'.repeat(72)}.x&i=3`,
    ...extra,
  };
  return {
    name,
    email,
    messageId: '<0123456789abcdefghijklmnopqrstuv@example.org>',
    date: new Date('2026-11-29T13:00:00Z'),
    listUnsubscribe: `<${values.unsubscribe_url}>, <mailto:u@example.org?subject=unsubscribe>`,
    oneClick: true,
    slot: (slot) => values[slot] ?? '',
  };
}

const recipients: RecipientFields[] = [
  fields('Zoe Martin', 'zoe@example.org'),
  fields('Zoë Martin — 林伟', 'zoe@bücher.example', { organisation: 'Coopérative\nde Sfax' }),
  fields('.Dot at the start', 'dot@example.org', { organisation: '.org' }),
  // A name long enough to wrap in quoted-printable with a dot at the start of the wrapped line.
  fields(`${'x'.repeat(74)}.and more`, 'long@example.org', { organisation: `${'y'.repeat(75)}.` }),
  fields('', 'jörg@example.org'),
];

describe('composeWire', () => {
  it.each(recipients.map((r) => [r.name || '(no name)', r] as const))(
    'unstuffs to composeMessage byte for byte: %s',
    (_name, r) => {
      const bytes = composeWire(wire, r).wire;
      expect(unstuff(bytes).toString('utf8')).toBe(composeMessage(skeleton, r));
    },
  );

  it.each(recipients.map((r) => [r.name || '(no name)', r] as const))(
    'gives pieces that join to composeMessage byte for byte, the shared ones the same Buffers each time: %s',
    (_name, r) => {
      const { pieces } = composeWire(wire, r);
      expect(pieces.shared).toHaveLength(pieces.values.length + 1);
      expect(pieces.shared).toBe(composeWire(wire, recipients[0]!).pieces.shared);
      const joined = [pieces.head, ...pieces.values.flatMap((v, i) => [pieces.shared[i]!.toString('utf8'), v])];
      joined.push(pieces.shared.at(-1)!.toString('utf8'));
      expect(joined.join('')).toBe(composeMessage(skeleton, r));
    },
  );

  it.each(recipients.map((r) => [r.name || '(no name)', r] as const))(
    "is what nodemailer's SMTPConnection would send for that message: %s",
    (_name, r) => {
      const message = Buffer.from(composeMessage(skeleton, r), 'utf8');
      expect(composeWire(wire, r).wire.toString('latin1')).toBe(nodemailerStuff(message).toString('latin1'));
    },
  );

  it('doubles the dots that start lines, and only those', () => {
    const bytes = composeWire(wire, recipients[2]!).wire.toString('utf8');
    expect(bytes).toContain('\r\n..hidden { display: none }');
    expect(bytes).toContain('\r\n..Dot at the start');
    expect(bytes).not.toMatch(/\r\n\.[^.]/);
  });

  it('is composed anew for every message: slot values of one recipient never leak into the next', () => {
    const a = composeWire(wire, recipients[0]!).wire.toString('utf8');
    composeWire(wire, recipients[1]!);
    expect(composeWire(wire, recipients[0]!).wire.toString('utf8')).toBe(a);
  });
});

describe('an attachment (send --test --review)', () => {
  const content = Buffer.from(`<!doctype html>\n<p>Review · ${'é'.repeat(200)}</p>\n.\n`, 'utf8');
  const mixed = buildSkeleton(
    newsletter,
    { subject: 'Issue 3', preheader: null, html: splitSlots(html), text: splitSlots(text) },
    {
      contentHash: 'c'.repeat(64),
      attachment: { filename: 'review.html', contentType: 'text/html; charset=utf-8', content },
    },
  );

  it('wraps the alternative in multipart/mixed, the file after it in base64, the same in both forms', async () => {
    const r = recipients[1]!;
    const message = composeMessage(mixed, r);
    expect(unstuff(composeWire(wireTemplate(mixed), r).wire).toString('utf8')).toBe(message);
    const mail = await simpleParser(message);
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/mixed');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.contentDisposition])).toEqual([
      ['review.html', 'text/html', 'attachment'],
    ]);
    expect(mail.attachments[0]!.content.equals(content)).toBe(true);
    // The issue itself reads as without the attachment.
    const plain = await simpleParser(composeMessage(skeleton, r));
    expect(mail.text).toBe(plain.text);
    expect(mail.html).toBe(plain.html);
    // base64 in lines of 76, as RFC 2045 asks.
    const base64 = /base64\r\n\r\n([^-]*)\r\n--/.exec(message)![1]!.split('\r\n');
    expect(base64.slice(0, -1).every((l) => l.length === 76)).toBe(true);
    expect(Buffer.from(base64.join(''), 'base64').equals(content)).toBe(true);
  });
});
