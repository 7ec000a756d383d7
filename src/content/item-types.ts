/**
 * The item types are the newsletter's: `item_types:` in newsletter.yaml lists them in the order an
 * issue shows them, each with its label in each language and the partial that renders it, so a
 * team adds a type without a change to enews. A newsletter that lists none has the eNewsUpdate's
 * three (ITEM_TYPES), as every project had before, so its builds stay what they were.
 */
import type { Problem } from '../errors.js';
import { canonicalLanguage } from './languages.js';
import { ITEM_TYPES, type Newsletter, type Translatable } from './schema.js';
import { locate, type YamlSource } from './yaml-file.js';

export interface ItemTypeInfo {
  name: string;
  /** The name in lowercase, words joined by dashes: templates/partials/item-<slug>.mjml, strings key type_<slug>. */
  slug: string;
  /** The words readers see, one text or one per language; absent: the strings file's type_<slug>, else the name. */
  label?: Translatable;
  /** The partial named in newsletter.yaml; absent: item-<slug> when the templates have it, else item-default. */
  partial?: string;
}

/** "Spotlight on Cooperatives" → "spotlight-on-cooperatives"; accents dropped ("Événement" → "evenement"). */
export function typeSlug(type: string): string {
  return type
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function itemTypesOf(n: Pick<Newsletter, 'item_types'>): ItemTypeInfo[] {
  const listed = n.item_types ?? ITEM_TYPES;
  return listed.map((t) =>
    typeof t === 'string'
      ? { name: t, slug: typeSlug(t) }
      : {
          name: t.name,
          slug: typeSlug(t.name),
          ...(t.label !== undefined ? { label: t.label } : {}),
          ...(t.partial !== undefined ? { partial: t.partial } : {}),
        },
  );
}

/** The names, in the newsletter's order: what a catalog item's `type:` may be. */
export function itemTypeNames(n: Pick<Newsletter, 'item_types'>): string[] {
  return itemTypesOf(n).map((t) => t.name);
}

/** Sorts by the newsletter's order of types; a type it does not list goes last. */
export function typeRank(names: readonly string[]): (type: string) => number {
  return (type) => {
    const i = names.indexOf(type);
    return i < 0 ? names.length : i;
  };
}

/** The label of a type in `language`, when newsletter.yaml gives one (a plain label is the default language's). */
export function labelIn(info: ItemTypeInfo | undefined, language: string, defaultLanguage: string): string | null {
  const label = info?.label;
  if (label === undefined) return null;
  if (typeof label === 'string') return language === defaultLanguage ? label : null;
  return Object.entries(label).find(([key]) => canonicalLanguage(key) === language)?.[1] ?? null;
}

/** What the schema cannot see: two types that are one, a name that names no file, labels in other languages. */
export function itemTypeProblems(src: YamlSource, n: Newsletter, languages: readonly string[]): Problem[] {
  if (!n.item_types) return [];
  const problems: Problem[] = [];
  const bySlug = new Map<string, string>();
  itemTypesOf(n).forEach((t, i) => {
    const entry = n.item_types![i]!;
    const at = typeof entry === 'string' ? ['item_types', i] : ['item_types', i, 'name'];
    if (t.slug === '') {
      problems.push({
        message: `"${t.name}" has no letter a–z or digit, which its partial (item-<name>.mjml) and strings key need`,
        location: locate(src, at),
        hint: 'Name the type in Latin letters, and give the words readers see as label:.',
      });
    } else if (bySlug.has(t.slug)) {
      problems.push({
        message: `"${t.name}" is the same type as "${bySlug.get(t.slug)}" (both are item-${t.slug})`,
        location: locate(src, at),
        hint: 'List each type once.',
      });
    } else bySlug.set(t.slug, t.name);
    if (t.label && typeof t.label !== 'string') {
      for (const key of Object.keys(t.label)) {
        const tag = canonicalLanguage(key);
        if (tag !== null && languages.includes(tag)) continue;
        problems.push({
          message: `label: "${key}" is not one of the newsletter's languages (${languages.join(', ')})`,
          location: locate(src, ['item_types', i, 'label', key], true),
          hint: 'Give the label in the languages of languages:, or as one text.',
        });
      }
    }
  });
  return problems;
}
