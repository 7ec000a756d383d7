/**
 * An issue's content in one language. Each text of the issue, its items and newsletter.yaml is
 * one text (the default language's) or one per language (`title: { en: …, fr: … }`). For another
 * language a missing translation falls back to the default language's text, field by field, with
 * a warning at the field's line; with `require_translations: true` it is an error instead. A key
 * that is not one of the newsletter's languages, or a field without the default language's text
 * (there would be nothing to fall back to), is an error for every language.
 */
import type { Location, Problem, Warning } from '../errors.js';
import { catalogEntrySource, type LoadedCatalog, type LoadedIssue, type LoadedNewsletter } from './load.js';
import { canonicalLanguage, languageName, languageTagProblem } from './languages.js';
import { localizeNewsletter } from './newsletter-languages.js';
import type { Item, LocalIssue, LocalItem, Newsletter, Translatable } from './schema.js';
import { locate, type YamlSource } from './yaml-file.js';

export interface ContentSources {
  nl: LoadedNewsletter;
  loaded: LoadedIssue;
  catalog: LoadedCatalog;
  /** The issue's items, overrides applied (load.ts, resolveItems). */
  items: Item[];
}

/** One translatable text and where it is written. */
interface TextField {
  /** How messages name it: `intro`, `item "coop-x": summary`. */
  name: string;
  value: Translatable | undefined;
  src: YamlSource;
  at: Array<string | number>;
}

export interface LocalizedContent {
  newsletter: Newsletter;
  issue: LocalIssue;
  items: LocalItem[];
  /** Missing translations: warnings, or errors under require_translations. */
  gaps: Warning[];
}

/** Every translatable text of the issue, its items and their images. */
function textFields(s: ContentSources): TextField[] {
  const { loaded } = s;
  const issueField = (key: 'subject' | 'preheader' | 'intro'): TextField => ({
    name: key,
    value: loaded.issue[key],
    src: loaded.src,
    at: [key],
  });
  const fields = [issueField('subject'), issueField('preheader'), issueField('intro')];
  s.items.forEach((_, i) => {
    fields.push(itemField(s, i, 'title'), itemField(s, i, 'summary'), itemField(s, i, 'image', 'alt'));
  });
  return fields;
}

/** An item's field where it is written: in the issue when the issue rewords it, else in the catalog. */
function itemField(s: ContentSources, i: number, key: 'title' | 'summary' | 'image', sub?: 'alt'): TextField {
  const item = s.items[i]!;
  const ref = s.loaded.issue.items[i];
  const raw = key === 'image' ? item.image?.alt : item[key];
  const name = `item "${item.id}": ${sub ? `${key}.${sub}` : key}`;
  const path = sub ? [key, sub] : [key];
  if (typeof ref === 'object' && ref[key] !== undefined) {
    return { name, value: raw, src: s.loaded.src, at: ['items', i, ...path] };
  }
  const entry = catalogEntrySource(s.catalog, item.id);
  // Every used item was loaded from a catalog file; without one there is only the issue to point at.
  if (!entry) return { name, value: raw, src: s.loaded.src, at: ['items', i] };
  return { name, value: raw, src: entry.src, at: [...entry.at, ...path] };
}

/** The key of `map` written for `language` (keys may be spelt FR or fr-ch), or undefined. */
function keyFor(map: Record<string, string>, language: string): string | undefined {
  return Object.keys(map).find((k) => canonicalLanguage(k) === language);
}

/**
 * What stops every language: keys that are not the newsletter's languages, a language written
 * twice, a text without the default language's. Reported once, before anything is rendered.
 */
export function translationProblems(s: ContentSources): Problem[] {
  const languages = s.nl.languages;
  const def = languages[0]!;
  const problems: Problem[] = [];
  for (const f of textFields(s)) {
    if (f.value === undefined || typeof f.value === 'string') continue;
    const seen = new Map<string, string>();
    for (const key of Object.keys(f.value)) {
      const at = locate(f.src, [...f.at, key], true);
      const tag = canonicalLanguage(key);
      if (tag === null) {
        problems.push({ message: `${f.name}: ${languageTagProblem(key)}`, location: at });
      } else if (!languages.includes(tag)) {
        problems.push({
          message: `${f.name}: "${key}" is not one of the newsletter's languages (${languages.join(', ')})`,
          location: at,
          hint: 'Correct the key, or add the language to languages: in newsletter.yaml.',
        });
      } else if (seen.has(tag)) {
        problems.push({
          message: `${f.name}: ${languageName(tag)} is written twice ("${seen.get(tag)}" and "${key}")`,
          location: at,
          hint: 'Keep one of them.',
        });
      }
      if (tag) seen.set(tag, key);
    }
    const defKey = seen.get(def);
    if (defKey !== undefined) problems.push(...markupProblems(f, f.value, defKey, seen));
    if (!seen.has(def)) {
      problems.push({
        message:
          `${f.name} has no ${languageName(def)} (${def}) text, and ${languageName(def)} is the default ` +
          'language, which the others fall back to',
        location: locate(f.src, f.at, true),
        hint: `Add ${def}: with the ${languageName(def)} text (the first of languages: in newsletter.yaml is the default).`,
      });
    }
  }
  return problems;
}

/** A Handlebars expression or an HTML tag in a text: content is data, never a template or markup of its own. */
const MARKUP = /\{\{[\s\S]*?\}\}|<\/?[A-Za-z][^<>]*>/g;

/**
 * Markup a translation has and the default language's text does not: a `{{name}}` that would be
 * shown as typed, a `<b>` that the default's reviewers never saw. What the default has (a tag in
 * the intro's Markdown, say) the translations may repeat.
 */
function markupProblems(
  f: TextField,
  map: Record<string, string>,
  defKey: string,
  seen: Map<string, string>,
): Problem[] {
  const allowed = new Set(map[defKey]!.match(MARKUP) ?? []);
  const problems: Problem[] = [];
  for (const [tag, key] of seen) {
    if (key === defKey) continue;
    const extra = [...new Set(map[key]!.match(MARKUP) ?? [])].filter((m) => !allowed.has(m));
    if (extra.length === 0) continue;
    problems.push({
      message:
        `${f.name}: the ${languageName(tag)} text has ${extra.map((m) => `"${m}"`).join(', ')}, which the ` +
        `default language's text does not have`,
      location: locate(f.src, [...f.at, key], true),
      hint: 'Texts are shown as written: no {{ }} expressions and no HTML beyond what the default text has.',
    });
  }
  return problems;
}

/** The content as the email in `language` shows it; run translationProblems first. */
export function localizeContent(s: ContentSources, language: string, genericFallbackName?: string): LocalizedContent {
  const languages = s.nl.languages;
  const def = languages[0]!;
  const strict = s.nl.newsletter.require_translations;
  const gaps: Warning[] = [];
  const gap = (name: string, location: Location, how: string) => {
    const message =
      `${name} has no ${languageName(language)} (${language}) translation, so the ${languageName(language)} ` +
      `email shows the ${languageName(def)} text; ${how}`;
    gaps.push({
      code: 'translation-missing',
      message: strict ? `${message} (require_translations is set in newsletter.yaml)` : message,
      location,
      language,
      ...(strict ? { severity: 'error' as const } : {}),
    });
  };
  const pick = (f: TextField): string | undefined => {
    const v = f.value;
    if (v === undefined) return undefined;
    const where = () => locate(f.src, f.at, true);
    if (typeof v === 'string') {
      // An empty text (alt: "" for a decorative picture) says the same in every language.
      if (language !== def && v !== '') {
        gap(f.name, where(), `write it per language, with ${def}: and ${language}: under it`);
      }
      return v;
    }
    const own = keyFor(v, language);
    if (own !== undefined) return v[own];
    gap(f.name, where(), `add ${language}: under it`);
    return v[keyFor(v, def)!];
  };
  const issueSource = s.loaded.issue;
  const issue: LocalIssue = {
    ...issueSource,
    subject: pick({ name: 'subject', value: issueSource.subject, src: s.loaded.src, at: ['subject'] }),
    preheader: pick({ name: 'preheader', value: issueSource.preheader, src: s.loaded.src, at: ['preheader'] }),
    intro: pick({ name: 'intro', value: issueSource.intro, src: s.loaded.src, at: ['intro'] })!,
  };
  const items: LocalItem[] = s.items.map(({ image, ...item }, i) => ({
    ...item,
    title: pick(itemField(s, i, 'title'))!,
    summary: pick(itemField(s, i, 'summary'))!,
    ...(image ? { image: { ...image, alt: pick(itemField(s, i, 'image', 'alt')) } } : {}),
  }));
  if (language !== def) newsletterGaps(s.nl, language, gap);
  return { newsletter: localizeNewsletter(s.nl.newsletter, language, genericFallbackName), issue, items, gaps };
}

/**
 * newsletter.yaml's sentences without their translation: why_you_get_this, and the description
 * when there is one. The title, the logo's text and the greeting word are often a brand's or have
 * a generic translation (the strings file's), so they are not asked for.
 */
function newsletterGaps(
  nl: LoadedNewsletter,
  language: string,
  gap: (name: string, location: Location, how: string) => void,
): void {
  const n = nl.newsletter;
  const block = n.translations?.[language];
  const raw = (nl.src.doc.toJS() as { translations?: Record<string, unknown> }).translations ?? {};
  const key = Object.keys(raw).find((k) => canonicalLanguage(k) === language);
  for (const field of ['why_you_get_this', 'description'] as const) {
    if (n[field] === undefined || block?.[field] !== undefined) continue;
    const location = locate(nl.src, key ? ['translations', key] : [field], true);
    gap(field, location, key ? `add ${field}: to translations: ${key}` : `add it under translations: ${language}:`);
  }
}
