/**
 * What a pull does, decided without touching a file: which entries become catalog items (with
 * which id and type), which are already there, which the website changed since the last pull,
 * and which are skipped and why. An entry is in the catalog when an item has its address, or when
 * the last pull made it into an item (by its guid: the address may have changed); an item that
 * was pulled and is no longer in the catalog was removed by someone and is not added again. An
 * item in the catalog is never changed here: what the website changed is reported, and the
 * person who edits the catalog decides.
 */
import { canonicalLanguage } from '../content/languages.js';
import { itemSchemaFor, type Item } from '../content/schema.js';
import type { FeedConfig } from '../content/feed-config.js';
import { freeId, idFromLink } from './item-id.js';
import type { FeedEntry, ParsedFeed } from './parse-feed.js';
import type { PullMemory, SeenItem } from './pull-memory.js';

/** One feed as read: its settings (null for a source typed after pull), and each language's entries. */
export interface ReadFeed {
  feed: FeedConfig | null;
  /** The default language's first; `parsed` null when the source has not changed since the last pull. */
  parts: Array<{ language: string; source: string; parsed: ParsedFeed | null }>;
}

export interface PullContext {
  types: readonly string[];
  /** The newsletter's languages, the default first. */
  languages: readonly string[];
  catalog: ReadonlyArray<{ id: string; url: string }>;
  memory: PullMemory;
  /** Ids no new item may take (with issues/items/, the names of the files there). */
  reserved?: readonly string[];
}

export type SkipReason = 'no-link' | 'no-date' | 'no-title' | 'no-type' | 'skip-title' | 'invalid';

export interface Skipped {
  source: string;
  /** The entry as a person finds it in the feed: its title, or its place. */
  entry: string;
  reason: SkipReason;
  /** What the feed had (its date, its categories) or what is wrong with the item. */
  detail?: string;
}

export interface PullPlan {
  add: Array<{ item: Item; source: string }>;
  /** Entries already in the catalog, the website's changes to them aside. */
  known: number;
  changed: Array<{ id: string; source: string; fields: string[] }>;
  /** Items pulled before and removed from the catalog since: not added again. */
  removed: Array<{ id: string; source: string }>;
  skipped: Skipped[];
  /** What this pull saw, for the next one (pull-memory.ts). */
  entries: PullMemory['entries'];
}

/** A summary the feed does not give: a placeholder, which check points at and send refuses. */
export const MISSING_SUMMARY = 'TODO: write a summary (the feed gives none).';

export function planPull(feeds: readonly ReadFeed[], ctx: PullContext): PullPlan {
  const plan: PullPlan = {
    add: [],
    known: 0,
    changed: [],
    removed: [],
    skipped: [],
    entries: { ...ctx.memory.entries },
  };
  const inCatalog = new Map(ctx.catalog.map((c) => [urlKey(c.url), c.id]));
  const ids = new Set(ctx.catalog.map((c) => c.id));
  const reserved = new Set(ctx.reserved ?? []);
  const remembered = new Set(Object.values(ctx.memory.entries).map((e) => e.id));
  const taken = (id: string) => ids.has(id) || remembered.has(id) || reserved.has(id);
  const schema = itemSchemaFor(ctx.types);
  const defaultLanguage = ctx.languages[0]!;
  for (const { feed, parts } of feeds) {
    const [main, ...rest] = parts;
    if (!main?.parsed) continue;
    const others = rest.map((o) => ({
      language: o.language,
      find: translationsOf(o.parsed, o.language, ctx.languages),
    }));
    for (const e of main.parsed.entries) {
      const source = main.source;
      const label = e.title ? `"${e.title}"` : `entry ${e.position}`;
      const skip = (reason: SkipReason, detail?: string) =>
        plan.skipped.push({ source, entry: label, reason, ...(detail ? { detail } : {}) });
      if (!e.link) {
        skip('no-link');
        continue;
      }
      if (!e.title) {
        skip('no-title');
        continue;
      }
      if (feed?.skip_titles?.some((p) => new RegExp(p, 'iu').test(e.title))) {
        skip('skip-title');
        continue;
      }
      if (!e.date) {
        skip('no-date', e.rawDate ?? undefined);
        continue;
      }
      const type = entryType(e, feed, ctx.types);
      if (!type) {
        skip('no-type', e.categories.length ? e.categories.join(', ') : undefined);
        continue;
      }
      const translations = others.flatMap((o) => {
        const t = o.find(e);
        return t ? [{ language: o.language, entry: t }] : [];
      });
      const seen = seenItem(e, type, translations, defaultLanguage);
      const key = e.guid ?? e.link;
      const memory = plan.entries[key];
      const byUrl = inCatalog.get(urlKey(e.link));
      const id = byUrl ?? (memory && ids.has(memory.id) ? memory.id : undefined);
      if (id !== undefined) {
        plan.known++;
        const fields = memory ? changedFields(memory.seen, seen) : [];
        if (fields.length) plan.changed.push({ id, source, fields });
        plan.entries[key] = { id, seen };
        continue;
      }
      if (memory) {
        plan.removed.push({ id: memory.id, source });
        continue;
      }
      const parsed = schema.safeParse({ id: freeId(idFromLink(e.link, e.title), taken), ...seen });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        skip('invalid', `${issue.path.join('.')}: ${issue.message}`);
        continue;
      }
      const item = parsed.data as Item;
      plan.add.push({ item, source });
      ids.add(item.id);
      inCatalog.set(urlKey(e.link), item.id);
      plan.entries[key] = { id: item.id, seen };
    }
  }
  return plan;
}

/**
 * By category (the first of the feed's list that the entry has), by address, by a category named
 * like a type, else the feed's type.
 */
export function entryType(e: FeedEntry, feed: FeedConfig | null, types: readonly string[]): string | null {
  const categories = e.categories.map((c) => c.trim().toLowerCase());
  for (const [category, type] of Object.entries(feed?.by_category ?? {})) {
    if (categories.includes(category.trim().toLowerCase())) return type;
  }
  for (const [pattern, type] of Object.entries(feed?.by_url ?? {})) {
    if (e.link && urlPattern(pattern).test(e.link)) return type;
  }
  const named = types.find((t) => categories.includes(t.toLowerCase()));
  return named ?? feed?.type ?? null;
}

/** `/events/` or `example.org/*\/events/`: found anywhere in the address, `*` standing for any characters. */
function urlPattern(pattern: string): RegExp {
  return new RegExp(
    pattern
      .split('*')
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*'),
    'i',
  );
}

/** The item an entry gives (without its id), texts per language when other languages' feeds have it. */
function seenItem(
  e: FeedEntry,
  type: string,
  translations: Array<{ language: string; entry: FeedEntry }>,
  defaultLanguage: string,
): SeenItem & Omit<Item, 'id'> {
  const texts = (pick: (x: FeedEntry) => string, fallback?: string) => {
    const own = pick(e) || fallback || '';
    const others = translations.filter((t) => pick(t.entry) !== '');
    if (others.length === 0) return own;
    return Object.fromEntries([[defaultLanguage, own], ...others.map((t) => [t.language, pick(t.entry)])]);
  };
  return {
    type,
    title: texts((x) => x.title),
    date: e.date!,
    summary: texts((x) => x.summary, MISSING_SUMMARY),
    url: e.link!,
    ...(e.image ? { image: e.image } : {}),
  };
}

function changedFields(before: SeenItem, now: SeenItem): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(now)])];
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(now[k]));
}

/** One address however it is written: host in lowercase, no fragment, no final slash. */
export function urlKey(link: string): string {
  try {
    const url = new URL(link);
    url.hash = '';
    const href = url.href;
    return url.search === '' && href.endsWith('/') && url.pathname !== '/' ? href.slice(0, -1) : href;
  } catch {
    return link;
  }
}

/**
 * The entry of another language's feed that translates an entry: the one with the same guid, else
 * the page the entry's alternates name for that language, else the one at the same address but for
 * the language in it. Indexed once per feed: a feed of a whole archive has thousands of entries.
 */
function translationsOf(
  parsed: ParsedFeed | null,
  language: string,
  languages: readonly string[],
): (e: FeedEntry) => FeedEntry | undefined {
  const byGuid = new Map<string, FeedEntry>();
  const byLink = new Map<string, FeedEntry>();
  const byPage = new Map<string, FeedEntry>();
  const first = (map: Map<string, FeedEntry>, key: string, x: FeedEntry) => {
    if (!map.has(key)) map.set(key, x);
  };
  for (const x of parsed?.entries ?? []) {
    if (x.guid) first(byGuid, x.guid, x);
    if (!x.link) continue;
    first(byLink, urlKey(x.link), x);
    first(byPage, withoutLanguage(x.link, languages), x);
  }
  return (e) => {
    const same = e.guid ? byGuid.get(e.guid) : undefined;
    if (same || !e.link) return same;
    const alternate = Object.entries(e.alternates).find(([tag]) => canonicalLanguage(tag) === language)?.[1];
    return (alternate && byLink.get(urlKey(alternate))) || byPage.get(withoutLanguage(e.link, languages));
  };
}

function withoutLanguage(link: string, languages: readonly string[]): string {
  try {
    const url = new URL(urlKey(link));
    const tags = new Set(languages.flatMap((l) => [l.toLowerCase(), l.split('-')[0]!.toLowerCase()]));
    url.pathname = url.pathname
      .split('/')
      .filter((p) => !tags.has(p.toLowerCase()))
      .join('/');
    for (const param of ['lang', 'language', 'hl', 'locale']) url.searchParams.delete(param);
    return urlKey(url.href);
  } catch {
    return link;
  }
}
