/** The placeholders a project still holds: the TODO marker and the made-up domain, wherever they are left. */
import { describe, expect, it } from 'vitest';
import type { LoadedCatalog, LoadedIssue, LoadedNewsletter } from './load.js';
import { placeholderWarnings } from './placeholders.js';
import { issueSchema, itemSchema, newsletterSchema } from './schema.js';
import { parseYaml } from './yaml-file.js';

const NEWSLETTER = `title: Coop News
from: { name: Coop, address: news@your-organisation.example }
list_id: news.coop.example.org
postal_address: 1 Rue de la Paix, Paris
why_you_get_this: You subscribed.
unsubscribe:
  url: https://www.example.org/unsubscribe
  mailto: unsubscribe@your-organisation.example.com
translations:
  fr:
    why_you_get_this: TODO en français
`;

const ITEMS = `- id: used
  type: News
  title: Used TODOS
  date: 2017-04-20
  summary: Our news; todo is not the marker.
  url: https://news.your-organisation.example/used
- id: unused
  type: News
  title: TODO
  date: 2017-04-20
  summary: Not in this issue.
  url: https://www.your-organisation.example/unused
`;

const ISSUE = `number: 1
date: 2017-04-26
intro: |
  TODO: see [our site](https://www.your-organisation.example/)
preheader: See https://www.your-organisation.example/
items:
  - used
  - { id: used, summary: TODO reworded }
`;

function load() {
  const nlSrc = parseYaml('/p/issues/newsletter.yaml', NEWSLETTER);
  const nl = {
    newsletter: newsletterSchema.parse(nlSrc.doc.toJS()),
    languages: ['en'],
    src: nlSrc,
  } as LoadedNewsletter;
  const itemsSrc = parseYaml('/p/issues/items.yaml', ITEMS);
  const items = (itemsSrc.doc.toJS() as unknown[]).map((i) => itemSchema.parse(i));
  const catalog: LoadedCatalog = {
    items: new Map(items.map((item, i) => [item.id, { item, location: { file: itemsSrc.file, line: 1 + i * 6 } }])),
    inputs: [{ file: itemsSrc.file, text: ITEMS }],
  };
  const issueSrc = parseYaml('/p/issues/001.yaml', ISSUE);
  const loaded: LoadedIssue = {
    issue: issueSchema.parse(issueSrc.doc.toJS()),
    src: issueSrc,
    input: { file: issueSrc.file, text: ISSUE },
  };
  return { nl, catalog, loaded };
}

describe('placeholderWarnings', () => {
  it('finds TODO and the made-up domain in every text, in the items the issue uses, each at its line', () => {
    const found = placeholderWarnings(load()).map((w) => [
      `${w.location!.file.replace('/p/', '')}:${w.location!.line}`,
      w.message.replace(/; enews send refuses .*$/, ''),
    ]);
    expect(found).toEqual([
      ['issues/newsletter.yaml:2', 'from.address is the placeholder "news@your-organisation.example"'],
      ['issues/newsletter.yaml:11', 'translations.fr.why_you_get_this still holds TODO placeholder text'],
      [
        'issues/items.yaml:6',
        'the url of item "used" is the placeholder "https://news.your-organisation.example/used"',
      ],
      // The intro's TODO is the per-language check's (render/warnings.ts); its link is one with it.
      ['issues/001.yaml:5', 'preheader is the placeholder "See https://www.your-organisation.example/"'],
      ['issues/001.yaml:8', 'items.1.summary still holds TODO placeholder text'],
    ]);
  });
});
