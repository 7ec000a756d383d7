import { describe, expect, it } from 'vitest';
import { ITEM_TYPES } from '../content/schema.js';
import type { FeedConfig } from '../content/feed-config.js';
import type { FeedEntry } from './parse-feed.js';
import { entryType, MISSING_SUMMARY, planPull, type PullContext, type ReadFeed } from './plan-pull.js';
import type { PullMemory } from './pull-memory.js';

function entry(n: number, fields: Partial<FeedEntry> = {}): FeedEntry {
  return {
    position: n,
    guid: `g${n}`,
    link: `https://site.example/news/item-${n}`,
    title: `Item ${n}`,
    date: `2024-05-${String(n).padStart(2, '0')}`,
    rawDate: null,
    summary: `About item ${n}.`,
    categories: ['News'],
    image: null,
    alternates: {},
    ...fields,
  };
}

const feed = (entries: FeedEntry[], config: FeedConfig | null = { source: 'feed.xml' }): ReadFeed => ({
  feed: config,
  parts: [{ language: 'en', source: 'feed.xml', parsed: { format: 'RSS 2.0', entries } }],
});

const empty: PullMemory = { version: 1, sources: {}, entries: {} };
const ctx = (o: Partial<PullContext> = {}): PullContext => ({
  types: ITEM_TYPES,
  languages: ['en'],
  catalog: [],
  memory: empty,
  ...o,
});

describe('the type of an entry', () => {
  const e = entry(1, { categories: ['Governance', 'events'], link: 'https://site.example/stories/x' });
  const config: FeedConfig = { source: 's', by_category: { Events: 'Event' }, by_url: { '/stories/': 'Story' } };
  const types = ['Event', 'Story', 'Governance'];

  it('comes from by_category first (case aside), then by_url, then a category named like a type, then type:', () => {
    expect(entryType(e, config, types)).toBe('Event');
    expect(entryType(e, { source: 's', by_url: { 'site.example/*/x': 'Story' } }, types)).toBe('Story');
    expect(entryType(e, { source: 's' }, types)).toBe('Governance');
    expect(entryType(entry(2, { categories: [] }), { source: 's', type: 'Story' }, types)).toBe('Story');
    expect(entryType(entry(2, { categories: ['Misc'] }), null, types)).toBeNull();
  });
});

describe('a pull’s plan', () => {
  it('adds new entries as items with readable ids, and skips, saying why, what cannot be one', () => {
    const plan = planPull(
      [
        feed(
          [
            entry(1),
            entry(2, { link: null }),
            entry(3, { date: null, rawDate: 'soon' }),
            entry(4, { categories: ['Misc'] }),
            entry(5, { title: 'ILO COOP eNewsUpdate No. 5' }),
            entry(6, { summary: '' }),
          ],
          { source: 'feed.xml', skip_titles: ['^ilo coop enewsupdate no\\.'] },
        ),
      ],
      ctx(),
    );
    expect(plan.add.map((a) => a.item)).toEqual([
      {
        id: 'item-1',
        type: 'News',
        title: 'Item 1',
        date: '2024-05-01',
        summary: 'About item 1.',
        url: 'https://site.example/news/item-1',
      },
      {
        id: 'item-6',
        type: 'News',
        title: 'Item 6',
        date: '2024-05-06',
        summary: MISSING_SUMMARY,
        url: 'https://site.example/news/item-6',
      },
    ]);
    expect(plan.skipped).toEqual([
      { source: 'feed.xml', entry: '"Item 2"', reason: 'no-link' },
      { source: 'feed.xml', entry: '"Item 3"', reason: 'no-date', detail: 'soon' },
      { source: 'feed.xml', entry: '"Item 4"', reason: 'no-type', detail: 'Misc' },
      { source: 'feed.xml', entry: '"ILO COOP eNewsUpdate No. 5"', reason: 'skip-title' },
    ]);
    expect(Object.keys(plan.entries)).toEqual(['g1', 'g6']);
  });

  it('knows an entry by its address (slash and host case aside), or by its guid when the address changed', () => {
    const memory: PullMemory = { ...empty, entries: { g2: { id: 'moved', seen: {} } } };
    const plan = planPull(
      [
        feed([
          entry(1, { link: 'https://SITE.example/news/item-1/' }),
          entry(2, { link: 'https://site.example/new-home' }),
        ]),
      ],
      ctx({
        catalog: [
          { id: 'first', url: 'https://site.example/news/item-1' },
          { id: 'moved', url: 'https://site.example/news/item-2' },
        ],
        memory,
      }),
    );
    expect(plan.add).toEqual([]);
    expect(plan.known).toBe(2);
  });

  it('does not add again an item removed from the catalog since it was pulled', () => {
    const memory: PullMemory = { ...empty, entries: { g1: { id: 'item-1', seen: {} } } };
    const plan = planPull([feed([entry(1)])], ctx({ memory }));
    expect(plan.add).toEqual([]);
    expect(plan.removed).toEqual([{ id: 'item-1', source: 'feed.xml' }]);
  });

  it('reports what the website changed since the last pull, and changes nothing', () => {
    const first = planPull([feed([entry(1)])], ctx());
    const memory: PullMemory = { ...empty, entries: first.entries };
    const catalog = [{ id: 'item-1', url: 'https://site.example/news/item-1' }];
    const again = planPull([feed([entry(1)])], ctx({ memory, catalog }));
    expect(again.changed).toEqual([]);
    const changed = planPull([feed([entry(1, { title: 'Item one', summary: 'New.' })])], ctx({ memory, catalog }));
    expect(changed.add).toEqual([]);
    expect(changed.changed).toEqual([{ id: 'item-1', source: 'feed.xml', fields: ['title', 'summary'] }]);
    // Reported once: the memory now holds what the website says.
    expect(changed.entries.g1!.seen.title).toBe('Item one');
  });

  it('gives a new item a free id when another item has its address’s', () => {
    const plan = planPull(
      [feed([entry(1, { link: 'https://other.example/item-1' })])],
      ctx({ catalog: [{ id: 'item-1', url: 'https://site.example/news/item-1' }] }),
    );
    expect(plan.add[0]!.item.id).toBe('item-1-2');
  });

  it('takes an entry’s other languages from the feeds of those languages: by guid, alternate link or address', () => {
    const en = [
      entry(1, { link: 'https://site.example/posts/a/' }),
      entry(2, { link: 'https://site.example/posts/b/', alternates: { fr: 'https://site.example/articles/b-fr/' } }),
      entry(3, { link: 'https://site.example/posts/c/' }),
    ];
    const fr = [
      entry(11, { link: 'https://site.example/fr/posts/a/', title: 'Article A', summary: 'Sur A.' }),
      entry(12, { link: 'https://site.example/articles/b-fr/', title: 'Article B', summary: '' }),
    ];
    const read: ReadFeed = {
      feed: { source: { en: 'en.xml', fr: 'fr.xml' } },
      parts: [
        { language: 'en', source: 'en.xml', parsed: { format: 'RSS 2.0', entries: en } },
        { language: 'fr', source: 'fr.xml', parsed: { format: 'RSS 2.0', entries: fr } },
      ],
    };
    const items = planPull([read], ctx({ languages: ['en', 'fr'] })).add.map((a) => a.item);
    expect(items.map((i) => [i.id, i.title, i.summary])).toEqual([
      ['a', { en: 'Item 1', fr: 'Article A' }, { en: 'About item 1.', fr: 'Sur A.' }],
      ['b', { en: 'Item 2', fr: 'Article B' }, 'About item 2.'],
      ['c', 'Item 3', 'About item 3.'],
    ]);
  });

  it('matches the translations of a whole archive in time in proportion to it: 3,000 entries a language', () => {
    const n = 3000;
    const en = Array.from({ length: n }, (_, i) => entry(i, { date: '2024-05-02' }));
    const fr = Array.from({ length: n }, (_, i) =>
      entry(n + i, { date: '2024-05-02', link: `https://site.example/fr/news/item-${i}`, title: `Article ${i}` }),
    );
    const read: ReadFeed = {
      feed: { source: { en: 'en.xml', fr: 'fr.xml' } },
      parts: [
        { language: 'en', source: 'en.xml', parsed: { format: 'RSS 2.0', entries: en } },
        { language: 'fr', source: 'fr.xml', parsed: { format: 'RSS 2.0', entries: fr } },
      ],
    };
    const started = performance.now();
    const items = planPull([read], ctx({ languages: ['en', 'fr'] })).add.map((a) => a.item);
    // Each entry searched the other feed, parsing two addresses per entry there: 3,000 took 119 s.
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(items).toHaveLength(n);
    expect(
      items.filter((item, i) => JSON.stringify(item.title) === JSON.stringify({ en: `Item ${i}`, fr: `Article ${i}` })),
    ).toHaveLength(n);
  });

  it('reads nothing of a feed unchanged since the last pull', () => {
    const read: ReadFeed = { feed: { source: 'feed.xml' }, parts: [] };
    expect(planPull([read], ctx()).add).toEqual([]);
  });
});
