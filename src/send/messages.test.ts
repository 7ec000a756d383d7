/**
 * The messages of a send, in list order, each itself the transport's
 * message: its bytes for DATA, and its text derived from them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newsletterSchema } from '../content/schema.js';
import { buildSkeleton } from '../mime/compose.js';
import { unstuff } from '../mime/dot-stuff.js';
import { personalize } from '../personalize/recipient.js';
import { splitSlots, slotMarker } from '../render/slots.js';
import type { Subscriber } from '../subscribers/subscriber.js';
import { prepareMessages, type MessageJob, type MessageVersion, type OutgoingItem } from './messages.js';

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

const version = (language: string, subject: string, hi: string): MessageVersion => ({
  language,
  newsletter: { ...newsletter, languages: ['en', 'fr', 'es'], language },
  rendered: {
    subject,
    preheader: null,
    html: splitSlots(`<p>${hi} ${slotMarker('name')}</p>`),
    text: splitSlots(`${hi} ${slotMarker('name')}\n.\n`),
  },
});

function job(list: Subscriber[], versions = [version('en', 'Issue 3', 'Hi')]): MessageJob {
  return {
    versions,
    issue: 3,
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
    // The same text as the string composer (personalize, used by the preview and the build sample) makes.
    const v = job([]).versions[0]!;
    const skeleton = buildSkeleton(v.newsletter, v.rendered, { contentHash: 'a'.repeat(64) });
    const ctx = {
      newsletter: v.newsletter,
      skeleton,
      contentHash: 'a'.repeat(64),
      issue: 3,
      secret: 'secret-for-tests',
    };
    const undated = (raw: string) => raw.replace(/^Date: .*\r\n/m, '');
    expect(undated(m!.raw)).toBe(undated(personalize(ctx, people(1)[0]!).raw));
    expect(m!.raw).toBe(unstuff(m!.wire).toString('utf8'));
    expect(m!.raw).toContain('\r\n.\r\n');
    expect(m!.wire.toString('utf8')).toContain('\r\n..\r\n');
  });

  it("each subscriber gets the version of their language column; unknown or empty get the default's", async () => {
    const versions = [
      version('en', 'Issue 3', 'Hi'),
      version('fr', 'Numéro 3', 'Bonjour'),
      version('es', 'Número 3', 'Hola'),
    ];
    const langs = ['fr', 'fr-CH', 'FR', 'fr_ch', 'es', 'es-419', 'xx', '', 'en-GB', 'de'];
    const list = people(langs.length).map((p, i) => ({ ...p, language: langs[i]! }));
    const messages = await all(prepareMessages(job(list, versions)));
    const lang = (m: OutgoingItem) => /^Content-Language: (.+)\r$/m.exec(m.raw)?.[1];
    expect(messages.map(lang)).toEqual(['fr', 'fr', 'fr', 'fr', 'es', 'es', 'en', 'en', 'en', 'en']);
    expect(messages.map((m) => /^Subject: (.+)\r$/m.exec(m.raw)?.[1])).toEqual([
      ...Array(4).fill('=?UTF-8?Q?Num=C3=A9ro_3?='),
      ...Array(2).fill('=?UTF-8?Q?N=C3=BAmero_3?='),
      ...Array(4).fill('Issue 3'),
    ]);
    // The unsubscribe link names the language the page is to speak; the default's needs no mention.
    const link = (m: OutgoingItem) => /^List-Unsubscribe: <([^>]+)>/m.exec(m.raw)?.[1] ?? '';
    expect(link(messages[0]!)).toMatch(/[?&]t=[^&]+&l=fr$/);
    expect(link(messages[4]!)).toMatch(/[?&]t=[^&]+&l=es$/);
    expect(link(messages[6]!)).toMatch(/[?&]t=[^&]+$/);
  });
});
