/**
 * Language tags (BCP 47) as newsletter.yaml, per-language content keys, strings files and
 * subscriber rows write them. One canonical spelling (Intl.getCanonicalLocales: `FR` → `fr`,
 * `fr-ch` → `fr-CH`), so a folder, a file name and a manifest key never differ by case; one rule
 * for which of the newsletter's languages a subscriber or a browser asking for `fr-CH` gets.
 */

/** A tag that starts with a language (2–3 letters), as every tag a person writes does; `x-…` and `i-…` do not. */
const SHAPE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;

/** The canonical spelling of `tag`, or null when it is not a well-formed BCP 47 language tag. */
export function canonicalLanguage(tag: string): string | null {
  let canonical = canonicalCache.get(tag);
  if (canonical === undefined) {
    canonical = null;
    if (SHAPE.test(tag)) {
      try {
        canonical = Intl.getCanonicalLocales(tag)[0] ?? null;
      } catch {
        // Not well-formed (e.g. en-US-US): null.
      }
    }
    canonicalCache.set(tag, canonical);
  }
  return canonical;
}

/** A build asks about the same few tags for every text of every language. */
const canonicalCache = new Map<string, string | null>();

/** What is wrong with `tag` as a language, in the words of a content error; null when it is fine. */
export function languageTagProblem(tag: string): string | null {
  if (canonicalLanguage(tag) !== null) return null;
  const hint = /_/.test(tag) ? ` (write ${tag.replace(/_/g, '-')}: a dash, not an underscore)` : '';
  return `"${tag}" is not a language tag (BCP 47) such as en, fr, es or pt-BR${hint}`;
}

/**
 * Which of `available` (canonical tags) serves someone who asked for `requested`: the same tag,
 * else the same tag with its last parts dropped (`fr-CH` → `fr`), else another variant of the same
 * language (`fr` → `fr-CA`). Null when none is the same language.
 */
export function matchLanguage(requested: string, available: readonly string[]): string | null {
  // A subscriber list may write fr_CH, as POSIX locales do: the same tag.
  const wanted = canonicalLanguage(requested.trim().replace(/_/g, '-'));
  if (!wanted) return null;
  const lower = new Map(available.map((a) => [a.toLowerCase(), a]));
  const parts = wanted.toLowerCase().split('-');
  for (let n = parts.length; n > 0; n--) {
    const hit = lower.get(parts.slice(0, n).join('-'));
    if (hit) return hit;
  }
  return available.find((a) => a.toLowerCase().split('-')[0] === parts[0]) ?? null;
}

/** Scripts written right to left, for an engine whose Intl does not say (Intl.Locale's text info is recent). */
const RTL_SCRIPTS = new Set(['Arab', 'Hebr', 'Thaa', 'Syrc', 'Nkoo', 'Adlm', 'Rohg', 'Mand', 'Samr']);
const RTL_LANGUAGES = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'iw', 'ks', 'ps', 'sd', 'syr', 'ug', 'ur', 'yi']);

/** The direction a language is written in: Arabic, Hebrew, Persian, Urdu… right to left. */
export function textDirection(tag: string): 'ltr' | 'rtl' {
  let locale: Intl.Locale;
  try {
    locale = new Intl.Locale(tag);
  } catch {
    return 'ltr';
  }
  // Node 20 has the textInfo getter; newer engines renamed it getTextInfo().
  const l = locale as Intl.Locale & { textInfo?: { direction?: string }; getTextInfo?: () => { direction?: string } };
  const info = typeof l.getTextInfo === 'function' ? l.getTextInfo() : l.textInfo;
  if (info?.direction === 'rtl' || info?.direction === 'ltr') return info.direction;
  const script = locale.maximize().script;
  return (script && RTL_SCRIPTS.has(script)) || RTL_LANGUAGES.has(locale.language) ? 'rtl' : 'ltr';
}

/** "French", "Spanish": how messages name a language (in English, the language of enews's own messages). */
export function languageName(tag: string): string {
  try {
    displayNames ??= new Intl.DisplayNames(['en'], { type: 'language' });
    return displayNames.of(tag) ?? tag;
  } catch {
    return tag;
  }
}
let displayNames: Intl.DisplayNames | undefined;

/** "Français", "Español", "العربية": a language named as its readers name it (the archive's links, the preview). */
export function nativeLanguageName(tag: string): string {
  let name = nativeNames.get(tag);
  if (name === undefined) {
    try {
      const own = new Intl.DisplayNames([tag], { type: 'language' }).of(tag) ?? tag;
      name = own.charAt(0).toLocaleUpperCase(tag) + own.slice(1);
    } catch {
      name = tag;
    }
    nativeNames.set(tag, name);
  }
  return name;
}
/** A site of 200 issues names each language on every page. */
const nativeNames = new Map<string, string>();

/** The newsletter's languages, the default first: `languages:` when given, else the one `language:`. */
export function newsletterLanguages(n: { language: string; languages?: string[] | undefined }): string[] {
  return n.languages && n.languages.length > 0 ? n.languages : [n.language];
}

/**
 * The language a subscriber gets: theirs when the newsletter has it (or another variant of it),
 * else the default. `subscriberLanguage` is the CSV's language column, '' when empty.
 */
export function languageFor(subscriberLanguage: string, languages: readonly string[]): string {
  return (subscriberLanguage ? matchLanguage(subscriberLanguage, languages) : null) ?? languages[0]!;
}
