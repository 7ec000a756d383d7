import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Item } from '../content/schema.js';
import { addToCatalogText, itemYaml } from './catalog-write.js';

const EXAMPLE = readFileSync(path.resolve(import.meta.dirname, '../../issues/items.yaml'), 'utf8');

const item = (id: string, date: string, extra: Partial<Item> = {}): Item => ({
  id,
  type: 'News',
  title: `Title of ${id}`,
  date,
  summary: `Summary of ${id}.`,
  url: `https://www.example.org/coop/news/${id}`,
  ...extra,
});

/** The lines of `after` that are not in `before`, in order; fails when a line of `before` went missing. */
function added(before: string, after: string): string[] {
  const a = after.split('\n');
  const kept = before.split('\n');
  const out: string[] = [];
  let k = 0;
  for (const line of a) {
    if (k < kept.length && line === kept[k]) k++;
    else out.push(line);
  }
  expect(k, 'every line of the catalog is still there, in order').toBe(kept.length);
  return out;
}

describe('new items into items.yaml', () => {
  it('are written as people write them: a folded summary, quoted only where YAML needs it', () => {
    const long = 'A summary long enough to be folded as the catalog folds its summaries, over several lines of text.';
    expect(itemYaml(item('a', '2024-05-01', { title: 'Colon: in title', summary: long }), true)).toBe(
      '- id: a\n  type: News\n  title: "Colon: in title"\n  date: 2024-05-01\n  summary: >-\n' +
        '    A summary long enough to be folded as the catalog folds its summaries, over several lines of\n' +
        '    text.\n' +
        '  url: https://www.example.org/coop/news/a\n',
    );
  });

  it('go between the example’s entries by date, newest first, every byte of theirs kept', () => {
    const text = addToCatalogText(EXAMPLE, [item('newest', '2017-05-01'), item('middle', '2017-03-01')]);
    const ids = (parse(text) as Item[]).map((i) => i.id);
    expect(ids.slice(0, 2)).toEqual(['newest', 'enewsupdate-3']);
    expect(ids.indexOf('middle')).toBe(ids.indexOf('enewsupdate-2') + 1);
    expect(ids).toHaveLength(12);
    expect(added(EXAMPLE, text)).toEqual([
      ...itemYaml(item('newest', '2017-05-01'), true).trimEnd().split('\n'),
      '',
      ...itemYaml(item('middle', '2017-03-01'), true).trimEnd().split('\n'),
      '',
    ]);
    // The header comment stays first; the new entry follows it.
    expect(text.startsWith(EXAMPLE.slice(0, EXAMPLE.indexOf('- id:')))).toBe(true);
  });

  it('keep a comment right above an entry with that entry', () => {
    const before = '- id: b\n  date: 2024-05-10\n\n# About a:\n- id: a\n  date: 2024-05-01\n';
    const text = addToCatalogText(before, [item('n', '2024-05-05')]);
    expect(text.indexOf('- id: n')).toBeLessThan(text.indexOf('# About a:'));
    expect(added(before, text)[0]).toBe('- id: n');
  });

  it('go in date order into a catalog written oldest first, and at the end of one in no order', () => {
    const oldest = '- id: a\n  date: 2024-01-01\n- id: c\n  date: 2024-03-01\n';
    expect(addToCatalogText(oldest, [item('b', '2024-02-01')]).match(/id: \w/g)).toEqual(['id: a', 'id: b', 'id: c']);
    const mixed = '- id: a\n  date: 2024-02-01\n- id: c\n  date: 2024-01-01\n- id: d\n  date: 2024-03-01\n';
    expect(addToCatalogText(mixed, [item('b', '2024-02-15')]).match(/id: \w/g)).toEqual([
      'id: a',
      'id: c',
      'id: d',
      'id: b',
    ]);
  });

  it('make a list of an empty catalog, keeping its comments', () => {
    const text = addToCatalogText('# The catalog.\n\n[]\n', [item('a', '2024-01-01'), item('b', '2024-02-01')]);
    expect(text.startsWith('# The catalog.\n\n- id: b\n')).toBe(true);
    expect((parse(text) as Item[]).map((i) => i.id)).toEqual(['b', 'a']);
    expect((parse(addToCatalogText('# Nothing yet.\n', [item('a', '2024-01-01')])) as Item[])[0]!.id).toBe('a');
  });

  it('take time in proportion to their number: 20,000 at once (a 10 MB feed) in seconds, not minutes', () => {
    const many = Array.from({ length: 20000 }, (_, i) => item(`n${i}`, '2017-05-02'));
    const started = performance.now();
    const text = addToCatalogText(EXAMPLE, many);
    // Grouping the new items copied the group at each one: 20,000 took 23 s, now about 1 s
    // (the bound leaves room for a busy machine).
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(text.match(/^- id: n\d+$/gm)).toHaveLength(20000);
  });
});
