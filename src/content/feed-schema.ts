/**
 * The settings of one website feed in newsletter.yaml (`feeds:`), as zod checks them; what they mean
 * and what is checked once the newsletter's types and languages are known: feed-config.ts. Only
 * zod here: schema.ts imports it, and the content modules import schema.ts.
 */
import { z } from 'zod';

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
