/**
 * Every header line we write stays within RFC 5322's 998 (and 78 wherever
 * there is a space to fold at), encoded words within RFC 2047's 75 on lines
 * of 76, and an independent parser reads each header back as the original
 * text: absurdly long titles and names included, plain ones unchanged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import libmime from 'libmime';
import { simpleParser, type AddressObject } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { newsletterSchema, type Newsletter } from '../src/content/schema.js';
import { buildSkeleton } from '../src/mime/compose.js';
import { personalize } from '../src/personalize/recipient.js';
import { splitSlots } from '../src/render/slots.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, REPO } from './helpers/project.js';

const example = newsletterSchema.parse(parse(readFileSync(path.join(REPO, 'issues/newsletter.yaml'), 'utf8')));

/** The raw message for one recipient, through the same skeleton + personalize path `enews send` takes. */
function message(opts: { newsletter?: Partial<Newsletter>; subject?: string; name?: string; email?: string }): string {
  // Spread over the parsed example on purpose, past the schema's limits: compose must be safe on its own.
  const newsletter = { ...example, ...opts.newsletter } as Newsletter;
  const rendered = {
    subject: opts.subject ?? 'ILO COOP eNewsUpdate No. 3',
    preheader: null,
    html: splitSlots('<p>Hi</p>'),
    text: splitSlots('Hi'),
  };
  const contentHash = 'f'.repeat(64);
  const skeleton = buildSkeleton(newsletter, rendered, { contentHash });
  const email = opts.email ?? 'zoe.martin@example.org';
  const ctx = {
    newsletter,
    skeleton,
    contentHash,
    issue: 3,
    secret: 'x-secret',
    now: () => new Date('2017-04-26T08:00:00Z'),
  };
  return personalize(ctx, { email, key: email.toLowerCase(), name: opts.name ?? 'Zoë Martin', fields: {} }).raw;
}

function headerLines(raw: string): string[] {
  return raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n');
}

/** The lines of one header field: its first line and the folded ones after it. */
function fieldLines(raw: string, name: string): string[] {
  const lines = headerLines(raw);
  const start = lines.findIndex((l) => l.startsWith(`${name}: `));
  expect(start, name).toBeGreaterThanOrEqual(0);
  let end = start + 1;
  while (end < lines.length && lines[end]!.startsWith(' ')) end++;
  return lines.slice(start, end);
}

/** RFC 5322 §2.1.1 and RFC 2047 §2, line by line. */
function expectWellFolded(raw: string): void {
  for (const l of headerLines(raw)) {
    expect(Buffer.byteLength(l), l).toBeLessThanOrEqual(998);
    // Longer than 78 only when there was nowhere to fold: one word after "Name: " or the folding space.
    const content = /^[ \t]/.test(l) ? l.trimStart() : l.slice(l.indexOf(': ') + 2);
    if (l.length > 78) expect(content, `a line of ${l.length} with a space to fold at`).not.toContain(' ');
    for (const word of l.match(/=\?[^?]+\?[QB]\?[^?]*\?=/gi) ?? []) expect(word.length, word).toBeLessThanOrEqual(75);
    if (l.includes('=?')) expect(l.length, l).toBeLessThanOrEqual(76);
  }
}

const listId = (mail: Awaited<ReturnType<typeof simpleParser>>) =>
  // mailparser decodes Subject with libmime.decodeWords but leaves the List-Id phrase as written.
  libmime.decodeWords((mail.headers.get('list') as { id: { name: string } }).id.name);
const firstAddress = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a[0] : a)?.value[0];

describe('header folding and encoding', () => {
  it('a 1,100-character title without spaces goes out as encoded words in List-Id', async () => {
    const title = 'ILOCOOP-' + 'eNewsUpdate'.repeat(100);
    expect(title.length).toBe(1108);
    const raw = message({ newsletter: { title } });
    expectWellFolded(raw);
    expect(fieldLines(raw, 'List-Id').length).toBeGreaterThan(15);
    expect(fieldLines(raw, 'List-Id').every((l) => l.length <= 76)).toBe(true);
    const mail = await simpleParser(raw);
    expect(listId(mail)).toBe(title);
    expect((mail.headers.get('list') as { id: { id: string } }).id.id).toBe('enews.coop.example.org');
  });

  it('a 1,100-character title with spaces stays a quoted string, folded at its spaces', async () => {
    const title = Array.from({ length: 100 }, (_, i) => `Cooperative ${i} "news" \\`)
      .join(' ')
      .slice(0, 1100);
    const raw = message({ newsletter: { title: title.trim() } });
    expectWellFolded(raw);
    expect(fieldLines(raw, 'List-Id').length).toBeGreaterThan(14);
    expect(fieldLines(raw, 'List-Id').every((l) => l.length <= 78)).toBe(true);
    expect(raw).toMatch(/\r\nList-Id: "Cooperative 0 \\"news\\" \\\\ Cooperative 1/);
    expect(raw).not.toContain('List-Id: =?');
    expect(listId(await simpleParser(raw))).toBe(title.trim());
  });

  it('a 1,100-character Chinese From name goes out as encoded words that decode to it exactly', async () => {
    const name = '国际劳工组织合作社新闻简报'.repeat(85).slice(0, 1100);
    const raw = message({ newsletter: { from: { name, address: 'coop-enews@example.org' } } });
    expectWellFolded(raw);
    expect(headerLines(raw).filter((l) => /^ =\?UTF-8\?Q\?/.test(l)).length).toBeGreaterThan(100);
    const mail = await simpleParser(raw);
    expect(mail.from?.value).toEqual([{ name, address: 'coop-enews@example.org' }]);
  });

  it('long subjects: ASCII folds at spaces, non-ASCII and unbreakable words become encoded words', async () => {
    const subjects = [
      'ILO COOP eNewsUpdate No. 3: ' + 'cooperatives and the future of work, '.repeat(25).trim(),
      '[TEST] Coopératives et économie sociale et solidaire : ' + 'l’avenir du travail, '.repeat(15).trim(),
      'See https://www.example.org/' + 'very-long-path/'.repeat(12) + ' for the full story',
      'Looks like =?utf-8?q?an_encoded_word?= but is not',
    ];
    for (const subject of subjects) {
      const raw = message({ subject });
      expectWellFolded(raw);
      expect((await simpleParser(raw)).subject, subject).toBe(subject);
    }
    expect(message({ subject: subjects[0] })).not.toContain('Subject: =?');
  });

  it(
    'recipient names: long, non-ASCII, quoted, tabbed or ' + 'encoded-word lookalikes decode to themselves in To',
    async () => {
      const names = [
        'A'.repeat(60) + ' ' + 'B'.repeat(90) + ' ' + 'C'.repeat(45),
        'Zoë Martin-Ødegård ' + 'née Müller '.repeat(15).trim(),
        '"Quoted" O\'Hara, Jr. <fake@example.com> \\ back',
        'Tab\there',
        '=?utf-8?q?Bob?=',
        '王小明',
      ];
      for (const name of names) {
        const raw = message({ name });
        expectWellFolded(raw);
        expect(firstAddress((await simpleParser(raw)).to), name).toEqual({ name, address: 'zoe.martin@example.org' });
      }
    },
  );

  it('leaves the common short headers exactly as before', () => {
    const raw = message({ name: 'Zoë Martin' });
    const lines = headerLines(raw);
    expect(lines).toContain('To: =?UTF-8?Q?Zo=C3=AB_Martin?= <zoe.martin@example.org>');
    expect(lines).toContain('From: "ILO COOP" <coop-enews@example.org>');
    expect(lines).toContain('Subject: ILO COOP eNewsUpdate No. 3');
    expect(lines).toContain('List-Id: "ILO COOP eNewsUpdate" <enews.coop.example.org>');
    expect(lines).toContain('Date: Wed, 26 Apr 2017 08:00:00 +0000');
    expect(headerLines(message({ name: 'Zoe Martin' }))).toContain('To: "Zoe Martin" <zoe.martin@example.org>');
  });

  it('List-Unsubscribe folds only between its entries, and drops an entry too long for any line', async () => {
    const url = 'https://www.example.org/' + 'u'.repeat(476);
    expect(url.length).toBe(500);
    const long = message({
      newsletter: { unsubscribe: { url, mailto: 'unsub@example.org' } },
      email: `${'a.b+c#d'.repeat(9)}@${'sub.example'.repeat(15)}.org`,
    });
    expectWellFolded(long);
    const lu = headerLines(long).findIndex((l) => l.startsWith('List-Unsubscribe: '));
    expect(headerLines(long)[lu]).toMatch(/^List-Unsubscribe: <https:\/\/www\.example\.org\/u+\?t=[\w-]+>,$/);
    expect(headerLines(long)[lu + 1]).toMatch(/^ <mailto:unsub@example\.org\?subject=unsubscribe%20[\w-]+>$/);
    expect(long).toContain('\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n');

    // A long SMTPUTF8 address makes a long token (its UTF-8 bytes are sealed in it): with the longest
    // unsubscribe url allowed, that link no longer fits any line; the mailto (shorter) stays.
    const raw = message({
      newsletter: { unsubscribe: { url, mailto: 'unsub@example.org' } },
      email: `${'合作'.repeat(32)}@${'sub.example'.repeat(15)}.org`,
    });
    expectWellFolded(raw);
    const kept = headerLines(raw).filter((l) => l.startsWith('List-Unsubscribe'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^List-Unsubscribe: <mailto:unsub@example\.org\?subject=unsubscribe%20[\w-]+>$/);
    expect(raw).not.toContain('List-Unsubscribe-Post');
  });
});

describe('length limits in newsletter.yaml', () => {
  it('refuses absurd lengths with file:line:column and the limit, all at once', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'title: ILO COOP eNewsUpdate', `title: ${'T'.repeat(151)}`);
    edit(dir, 'issues/newsletter.yaml', 'name: ILO COOP', `name: ${'N'.repeat(101)}`);
    edit(dir, 'issues/newsletter.yaml', 'list_id: enews.coop.example.org', `list_id: ${'l'.repeat(250)}.example.org`);
    edit(
      dir,
      'issues/newsletter.yaml',
      'url: https://www.example.org/coop/enews/unsubscribe',
      `url: https://www.example.org/${'u'.repeat(477)}`,
    );
    // Without site.base_url, whose check would also (rightly) refuse an archive_url elsewhere.
    edit(dir, 'issues/newsletter.yaml', /site:\n {2}base_url: [^\n]*\n/, '');
    edit(
      dir,
      'issues/newsletter.yaml',
      'archive_url: https://www.example.org/coop/enews/{number}',
      `archive_url: https://www.example.org/${'a'.repeat(877)}`,
    );
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('issues/newsletter.yaml:3:8: title: must be at most 150 characters');
    expect(r.stderr).toContain('issues/newsletter.yaml:7:9: from.name: must be at most 100 characters');
    expect(r.stderr).toContain('issues/newsletter.yaml:11:10: list_id: must be at most 255 characters');
    expect(r.stderr).toContain('issues/newsletter.yaml:20:8: unsubscribe.url: must be at most 500 characters');
    expect(r.stderr).toContain('issues/newsletter.yaml:32:14: archive_url: must be at most 900 characters');
  });

  it('accepts the limits themselves', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'title: ILO COOP eNewsUpdate', `title: ${'T'.repeat(150)}`);
    edit(dir, 'issues/newsletter.yaml', 'name: ILO COOP', `name: ${'N'.repeat(100)}`);
    edit(
      dir,
      'issues/newsletter.yaml',
      'url: https://www.example.org/coop/enews/unsubscribe',
      `url: https://www.example.org/${'u'.repeat(476)}`,
    );
    edit(dir, 'issues/newsletter.yaml', /site:\n {2}base_url: [^\n]*\n/, '');
    edit(
      dir,
      'issues/newsletter.yaml',
      'archive_url: https://www.example.org/coop/enews/{number}',
      `archive_url: https://www.example.org/${'a'.repeat(876)}`,
    );
    // Without site.base_url there is nowhere to publish the project's own pictures: they are on the web.
    edit(dir, 'issues/newsletter.yaml', 'src: images/logo.png', 'src: https://www.example.org/logo.png');
    edit(dir, 'issues/items.yaml', 'src: images/copernico.jpg', 'src: https://www.example.org/copernico.jpg');
    const r = await enews(['check', '3'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
