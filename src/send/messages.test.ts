/**
 * The messages of a send, in list order, each itself the transport's
 * message: its bytes for DATA, and its text derived from them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newsletterSchema } from '../content/schema.js';
import { unstuff } from '../mime/dot-stuff.js';
import { splitSlots, slotMarker } from '../render/slots.js';
import type { Subscriber } from '../subscribers/subscriber.js';
import { prepareMessages, type MessageJob, type OutgoingItem } from './messages.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const newsletter = newsletterSchema.parse(parse(readFileSync(path.join(REPO, 'issues/newsletter.yaml'), 'utf8')));

const people = (n: number): Subscriber[] =>
  Array.from({ length: n }, (_, i) => ({
    email: `p${i}@example.org`,
    key: `p${i}@example.org`,
    name: i % 3 ? `Person ${i}` : `.Dotted ${i}`,
    fields: {},
    line: i + 2,
    language: 'en',
    status: 'subscribed' as const,
  }));

function job(list: Subscriber[]): MessageJob {
  return {
    newsletter,
    issue: 3,
    rendered: {
      subject: 'Issue 3',
      preheader: null,
      html: splitSlots(`<p>Hi ${slotMarker('name')}</p>`),
      text: splitSlots(`Hi ${slotMarker('name')}\n.\n`),
    },
    subjectPrefix: '',
    contentHash: 'a'.repeat(64),
    secret: 'secret-for-tests',
    variant: '',
    audience: { list },
  };
}

async function all(it: AsyncIterable<OutgoingItem>): Promise<OutgoingItem[]> {
  const out: OutgoingItem[] = [];
  for await (const m of it) out.push(m);
  return out;
}

describe('prepareMessages', () => {
  it('one message per subscriber, in list order, numbered from 1', async () => {
    const list = people(25);
    const messages = await all(prepareMessages(job(list)));
    expect(messages.map((m) => [m.seq, m.to])).toEqual(list.map((p, i) => [i + 1, p.email]));
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(25);
  });

  it('an item is the transport message: to, the bytes for DATA, and the same message as text', async () => {
    const [m] = await all(prepareMessages(job(people(1))));
    expect(m!.to).toBe('p0@example.org');
    expect(m!.raw).toBe(unstuff(m!.wire).toString('utf8'));
    expect(m!.raw).toContain('\r\n.\r\n');
    expect(m!.wire.toString('utf8')).toContain('\r\n..\r\n');
  });
});
