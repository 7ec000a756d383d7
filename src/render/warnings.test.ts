/** Reviewer warnings from plain values: no templates, no MJML. */
import { describe, expect, it } from 'vitest';
import type { LoadedCatalog, LoadedIssue } from '../content/load.js';
import { issueSchema, itemSchema, newsletterSchema, type Item } from '../content/schema.js';
import { parseYaml } from '../content/yaml-file.js';
import { collectWarnings, GMAIL_CLIP_BYTES, type WarningInput } from './warnings.js';

const ISSUE_FILE = '/project/issues/003.yaml';
const NEWSLETTER_FILE = '/project/issues/newsletter.yaml';
const CATALOG_FILE = '/project/issues/items.yaml';

const newsletter = newsletterSchema.parse({
  title: 'ILO COOP eNewsUpdate',
  from: { name: 'ILO COOP', address: 'coop-enews@example.org' },
  list_id: 'enews.coop.example.org',
  postal_address: '4 route des Morillons, Geneva',
  why_you_get_this: 'You subscribed.',
  unsubscribe: { url: 'https://www.example.org/unsubscribe' },
  logo: { src: 'https://www.example.org/logo.png', alt: 'ILO COOP' },
});

function item(id: string, over: Partial<Item> = {}): Item {
  return itemSchema.parse({
    id,
    type: 'News',
    title: `Title ${id}`,
    date: '2017-04-20',
    summary: 'Summary.',
    url: `https://www.example.org/${id}`,
    ...over,
  });
}

function issue(yaml: string): LoadedIssue {
  const src = parseYaml(ISSUE_FILE, yaml);
  return { issue: issueSchema.parse(src.doc.toJS()), src, input: { file: ISSUE_FILE, text: yaml } };
}

const ISSUE = 'number: 3\ndate: 2017-04-26\nsubject: Issue 3\nintro: Hello.\nitems:\n  - one\n  - two\n';

function input(over: Partial<WarningInput> = {}): WarningInput {
  const items = over.items ?? [item('one'), item('two')];
  const catalog: LoadedCatalog = {
    items: new Map(items.map((it, i) => [it.id, { item: it, location: { file: CATALOG_FILE, line: 1 + i * 7 } }])),
    inputs: [],
  };
  return {
    newsletter,
    newsletterFile: NEWSLETTER_FILE,
    loaded: issue(ISSUE),
    catalog,
    items,
    html: '<p><a href="https://example.org/">x</a><img src="https://example.org/a.png" alt="A"></p>',
    ...over,
  };
}

const codes = (w: WarningInput) => collectWarnings(w).map((x) => x.code);

describe('collectWarnings', () => {
  it('has nothing to say about a clean issue', () => {
    expect(collectWarnings(input())).toEqual([]);
  });

  it('warns when the HTML passes 102 KB in UTF-8 bytes, not characters', () => {
    expect(codes(input({ html: 'x'.repeat(GMAIL_CLIP_BYTES) }))).toEqual([]);
    const html = 'é'.repeat(GMAIL_CLIP_BYTES / 2 + 1); // 52,225 characters, 104,450 bytes
    expect(collectWarnings(input({ html }))).toEqual([
      expect.objectContaining({ code: 'gmail-clip', message: expect.stringMatching(/^the HTML is 102\.0 KB;/) }),
    ]);
  });

  it('points at a TODO in the subject, preheader or intro by line', () => {
    const loaded = issue(
      'number: 3\ndate: 2017-04-26\nsubject: TODO subject\npreheader: fine\n' +
        'intro: |\n  Hello.\n  TODO: write this\nitems: [one]\n',
    );
    const w = collectWarnings(input({ loaded }));
    expect(w.map((x) => [x.code, x.location?.line])).toEqual([
      ['placeholder', 3],
      ['placeholder', 5],
    ]);
    expect(w[0]!.message).toBe('subject still holds TODO placeholder text; enews send refuses until it is written');
  });

  it('does not take TODOS or todo for a placeholder', () => {
    expect(
      codes(
        input({ loaded: issue('number: 3\ndate: 2017-04-26\nsubject: TODOS and todo\nintro: Hi.\nitems: [one]\n') }),
      ),
    ).toEqual([]);
  });

  it('warns about an issue without items, at its items line', () => {
    const w = collectWarnings(
      input({ items: [], loaded: issue('number: 3\ndate: 2017-04-26\nintro: Hi.\nitems: []\n') }),
    );
    expect(w).toEqual([
      { code: 'no-items', message: 'the issue has no items', location: { file: ISSUE_FILE, line: 4, column: 8 } },
    ]);
  });

  it('warns about an item dated after its issue, at the item in the catalog', () => {
    const w = collectWarnings(input({ items: [item('one'), item('two', { date: '2017-04-27' })] }));
    expect(w).toEqual([
      {
        code: 'item-after-issue',
        message: 'item "two" is dated 2017-04-27, after the issue\'s date 2017-04-26',
        location: { file: CATALOG_FILE, line: 8 },
      },
    ]);
  });

  it('warns once per content image without alt text: items, then the logo (template images: checks/accessibility.ts)', () => {
    const items = [item('one', { image: { src: 'https://example.org/one.png', alt: '  ' } }), item('two')];
    const logoless = { ...newsletter, logo: { src: 'https://example.org/logo.png' } };
    const html = [
      '<img src="https://example.org/one.png">',
      '<img src="https://example.org/logo.png">',
      '<img src="https://example.org/x.png">',
      '<img src="https://example.org/y.png" alt="">',
    ].join('');
    const w = collectWarnings(input({ items, newsletter: logoless, html }));
    expect(w.map((x) => x.message)).toEqual([
      'the image of item "one" has no alt text; screen readers and blocked images need it',
      'the logo has no alt text',
    ]);
    expect(w[1]!.location).toEqual({ file: NEWSLETTER_FILE });
  });
});
