/**
 * The languages of newsletter.yaml: `languages: [en, fr, es]` (the first is the default) or, for
 * a newsletter in one, `language: en`. Tags are kept in their canonical spelling, so `FR`
 * and `fr` are one language, one folder and one strings file. `localizeNewsletter` gives the
 * newsletter as one language's email shows it: the translated texts of `translations:` in place
 * of the default's, everything else (addresses, list id, colours) the same.
 */
import { type Problem, throwIfProblems } from '../errors.js';
import { normaliseApprovers } from './approvers.js';
import { canonicalLanguage, newsletterLanguages } from './languages.js';
import type { Newsletter } from './schema.js';
import { locate, type YamlSource } from './yaml-file.js';

export function normaliseLanguages(src: YamlSource, n: Newsletter): { newsletter: Newsletter; languages: string[] } {
  const problems: Problem[] = [];
  const written = newsletterLanguages(n);
  // The schema already refused malformed tags, so each has a canonical spelling.
  const languages = written.map((tag) => canonicalLanguage(tag) ?? tag);
  const listed = n.languages !== undefined;
  languages.forEach((tag, i) => {
    const first = languages.indexOf(tag);
    if (first < i) {
      problems.push({
        message: `"${written[i]}" is listed twice (as "${written[first]}" before)`,
        location: locate(src, ['languages', i]),
        hint: 'List each language once, the default first.',
      });
    }
  });
  if (listed && src.doc.has('language') && canonicalLanguage(n.language) !== languages[0]) {
    problems.push({
      message: `language: ${n.language} disagrees with languages:, whose first entry (${written[0]}) is the default`,
      location: locate(src, ['language'], true),
      hint: 'Remove language: (languages: lists every language, the default first).',
    });
  }
  const translations: NonNullable<Newsletter['translations']> = {};
  for (const [key, fields] of Object.entries(n.translations ?? {})) {
    const tag = canonicalLanguage(key);
    const at = locate(src, ['translations', key], true);
    if (tag === null) {
      problems.push({
        message: `"${key}" is not a language tag (BCP 47) such as fr or es`,
        location: at,
        hint: 'Name the language of these texts, as in languages:.',
      });
    } else if (tag === languages[0]) {
      problems.push({
        message: `translations: ${key} is the default language, whose texts are the fields at the top of the file`,
        location: at,
        hint: 'Move these texts to the fields themselves, or remove the block.',
      });
    } else if (!languages.includes(tag)) {
      problems.push({
        message: `translations: ${key} is not one of the newsletter's languages (${languages.join(', ')})`,
        location: at,
        hint: listed
          ? `Add ${tag} to languages:, or remove the block.`
          : `Write languages: [${languages[0]}, ${tag}] in place of language: ${n.language}, or remove the block.`,
      });
    } else {
      translations[tag] = fields;
    }
  }
  const approval = normaliseApprovers(src, n.approval, languages);
  problems.push(...approval.problems);
  throwIfProblems('schema', `${src.file} is not a valid newsletter.yaml`, problems);
  const newsletter: Newsletter = {
    ...n,
    ...(approval.config ? { approval: approval.config } : {}),
    language: languages[0]!,
    ...(listed ? { languages } : {}),
    ...(n.translations ? { translations } : {}),
  };
  return { newsletter, languages };
}

/**
 * The newsletter as the email in `language` shows it. The default language's texts are the fields
 * themselves; another language takes its `translations:` block, and for the greeting of a
 * subscriber without a name, the strings file's generic word when the block has none ("reader" is
 * not French). Title and logo text are often a brand's and stay as they are unless translated.
 */
export function localizeNewsletter(n: Newsletter, language: string, genericFallbackName?: string): Newsletter {
  if (language === n.language) return n;
  const t = n.translations?.[language] ?? {};
  return {
    ...n,
    language,
    title: t.title ?? n.title,
    description: t.description ?? n.description,
    why_you_get_this: t.why_you_get_this ?? n.why_you_get_this,
    fallback_name: t.fallback_name ?? genericFallbackName ?? n.fallback_name,
    ...(n.logo ? { logo: { ...n.logo, alt: t.logo?.alt ?? n.logo.alt } } : {}),
  };
}
