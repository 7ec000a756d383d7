import { describe, expect, it } from 'vitest';
import { itemTypeNames, itemTypeProblems, itemTypesOf, labelIn, typeRank, typeSlug } from './item-types.js';
import { newsletterSchema, type Newsletter } from './schema.js';
import { parseYaml } from './yaml-file.js';

const BASE = `title: T
from: { name: T, address: t@example.org }
list_id: t.example.org
postal_address: Somewhere
why_you_get_this: Because.
unsubscribe: { url: https://example.org/u }
`;

function load(extra: string, languages = ['en']): { problems: string[]; newsletter: Newsletter } {
  const src = parseYaml('newsletter.yaml', BASE + extra);
  const newsletter = newsletterSchema.parse(src.doc.toJS());
  return {
    newsletter,
    problems: itemTypeProblems(src, newsletter, languages).map((p) => `${p.location?.line}: ${p.message}`),
  };
}

describe('item types', () => {
  it('are the three of the eNewsUpdate when newsletter.yaml lists none', () => {
    expect(itemTypeNames({})).toEqual(['News', 'Article', 'Spotlight on Cooperatives']);
    expect(itemTypesOf({}).map((t) => t.slug)).toEqual(['news', 'article', 'spotlight-on-cooperatives']);
  });

  it('are the names item_types lists, short or long form, in its order', () => {
    const { newsletter } = load('item_types:\n  - Story\n  - name: Event\n    label: { en: Event, fr: Événement }\n');
    expect(itemTypeNames(newsletter)).toEqual(['Story', 'Event']);
    const rank = typeRank(itemTypeNames(newsletter));
    expect(['Event', 'Unknown', 'Story'].sort((a, b) => rank(a) - rank(b))).toEqual(['Story', 'Event', 'Unknown']);
  });

  it('name partials and strings keys by a slug without accents; the three keep theirs', () => {
    expect(typeSlug('Spotlight on Cooperatives')).toBe('spotlight-on-cooperatives');
    expect(typeSlug('Événement à venir')).toBe('evenement-a-venir');
    expect(typeSlug('新闻')).toBe('');
  });

  it('give the label of a language, a plain label being the default language’s', () => {
    const { newsletter } = load(
      'item_types:\n  - name: Event\n    label: { en: Event, FR: Événement }\n  - name: Story\n    label: Story\n',
    );
    const [event, story] = itemTypesOf(newsletter);
    expect(labelIn(event, 'fr', 'en')).toBe('Événement');
    expect(labelIn(event, 'es', 'en')).toBeNull();
    expect(labelIn(story, 'en', 'en')).toBe('Story');
    expect(labelIn(story, 'fr', 'en')).toBeNull();
  });

  it('refuse two names for one type, a name without a letter a–z, labels in other languages, at their lines', () => {
    const { problems } = load(
      'item_types:\n  - Event\n  - EVENT\n  - 新闻\n  - name: Story\n    label: { en: Story, de: Geschichte }\n',
    );
    expect(problems).toEqual([
      '9: "EVENT" is the same type as "Event" (both are item-event)',
      '10: "新闻" has no letter a–z or digit, which its partial (item-<name>.mjml) and strings key need',
      '12: label: "de" is not one of the newsletter\'s languages (en)',
    ]);
  });
});
