/**
 * The website feeds newsletter.yaml names for `enews items pull` (`feeds:`): where each is (an
 * http(s) address or a file, one per language when the site has a feed per language), which item
 * type an entry gets (by its category, by its address, else one type for the rest), and which
 * entries are not news at all (titles that match `skip_titles`, such as the site's own listing of
 * each issue). The types named here are checked against the newsletter's once both are known.
 */
import { z } from 'zod';
import type { Problem } from '../errors.js';
import { closest } from '../util/closest.js';
import { canonicalLanguage } from './languages.js';
import type { Newsletter } from './schema.js';
import { locate, type YamlSource } from './yaml-file.js';

/** A feed source is an address when it starts with a scheme (https://…), else a file path. */
export function isUrlSource(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(source);
}

const source = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(2000, 'must be at most 2000 characters')
  .superRefine((value, ctx) => {
    if (!isUrlSource(value)) return;
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
      ctx.addIssue({ code: 'custom', message: `must be an https:// address or a file path (got "${value}")` });
    }
  });

const typeName = z.string().trim().min(1, 'must name an item type');

const titlePattern = z
  .string()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  .superRefine((value, ctx) => {
    try {
      new RegExp(value, 'u');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a regular expression: ${(err as Error).message}` });
    }
  });

export const feedSchema = z.strictObject({
  /** An address or a file; or one per language (`{ en: …, fr: … }`), the default language's giving the entries. */
  source: z.union([source, z.record(z.string(), source)]),
  /** Category as the feed names it → item type; the first category of this list that an entry has wins. */
  by_category: z.record(z.string().min(1), typeName).optional(),
  /** Part of the entry's address (`*` for any characters) → item type; asked after by_category. */
  by_url: z.record(z.string().min(1), typeName).optional(),
  /** The type of an entry no rule above types; without it such an entry is listed and skipped. */
  type: typeName.optional(),
  /** Regular expressions: an entry whose title matches one is not news (say, the listing of an issue). */
  skip_titles: z.array(titlePattern).optional(),
});

export type FeedConfig = z.infer<typeof feedSchema>;

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
