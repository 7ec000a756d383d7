/**
 * The website feeds newsletter.yaml names for `enews items pull` (`feeds:`): where each is (an
 * http(s) address or a file, one per language when the site has a feed per language), which item
 * type an entry gets (by its category, by its address, else one type for the rest), and which
 * entries are not news at all (titles that match `skip_titles`, such as the site's own listing of
 * each issue). The types named here are checked against the newsletter's once both are known.
 */
import type { Problem } from '../errors.js';
import { isUrlSource, type FeedConfig } from './feed-schema.js';
import { closest } from '../util/closest.js';
import { canonicalLanguage } from './languages.js';
import type { Newsletter } from './schema.js';
import { locate, type YamlSource } from './yaml-file.js';

export { isUrlSource, type FeedConfig };

/** A feed's source of each language, the default language's first. */
export function feedSources(feed: FeedConfig, defaultLanguage: string): Array<{ language: string; source: string }> {
  if (typeof feed.source === 'string') return [{ language: defaultLanguage, source: feed.source }];
  const entries = Object.entries(feed.source).map(([key, s]) => ({
    language: canonicalLanguage(key) ?? key,
    source: s,
  }));
  return entries.sort((a, b) => Number(b.language === defaultLanguage) - Number(a.language === defaultLanguage));
}

/** What the schema cannot know: the types are the newsletter's, the languages its languages. */
export function feedConfigProblems(
  src: YamlSource,
  n: Newsletter,
  languages: readonly string[],
  types: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  const checkType = (value: string, at: Array<string | number>) => {
    if (types.includes(value)) return;
    const near = closest(value, types, 1)[0];
    problems.push({
      message: `"${value}" is not one of the newsletter's item types (${types.join(', ')})`,
      location: locate(src, at),
      hint: near ? `Did you mean "${near}"?` : 'Name one of item_types, or add this one to item_types.',
    });
  };
  (n.feeds ?? []).forEach((feed, i) => {
    if (typeof feed.source !== 'string') {
      const keys = Object.keys(feed.source);
      for (const key of keys) {
        const tag = canonicalLanguage(key);
        if (tag === null || !languages.includes(tag)) {
          problems.push({
            message: `"${key}" is not one of the newsletter's languages (${languages.join(', ')})`,
            location: locate(src, ['feeds', i, 'source', key], true),
            hint: 'Name each feed by the language of its entries, as in languages:.',
          });
        }
      }
      if (!keys.some((k) => canonicalLanguage(k) === languages[0])) {
        problems.push({
          message: `has no feed in the default language (${languages[0]}), which gives the entries`,
          location: locate(src, ['feeds', i, 'source']),
          hint: `Add ${languages[0]}: with the address of the feed in ${languages[0]}.`,
        });
      }
    }
    for (const { source: s } of feedSources(feed, languages[0]!)) {
      const first = seen.get(s);
      if (first !== undefined) {
        problems.push({
          message: `${s} is already the source of feed ${first + 1}`,
          location: locate(src, ['feeds', i, 'source']),
          hint: 'Name each feed once; one feed can type its entries by category and by address.',
        });
      } else seen.set(s, i);
    }
    for (const [category, type] of Object.entries(feed.by_category ?? {})) {
      checkType(type, ['feeds', i, 'by_category', category]);
    }
    for (const [pattern, type] of Object.entries(feed.by_url ?? {})) checkType(type, ['feeds', i, 'by_url', pattern]);
    if (feed.type !== undefined) checkType(feed.type, ['feeds', i, 'type']);
  });
  return problems;
}
