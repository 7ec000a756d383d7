import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineOf } from '../../tests/helpers/project.js';
import { contentPaths, loadCatalog, loadIssue, loadNewsletter, resolveItems } from './load.js';
import { localizeContent, translationProblems, type ContentSources } from './translations.js';
import { ITEM_TYPES } from './schema.js';

const NEWSLETTER = `title: Test News
description: News of the test cooperative.
languages: [en, fr]
from:
  name: Test
  address: news@example.org
list_id: news.example.org
postal_address: 1 Test Street
why_you_get_this: You subscribed to the test news.
unsubscribe:
  mailto: unsubscribe@example.org
translations:
  fr:
    why_you_get_this: Vous êtes abonné·e aux nouvelles de test.
`;

const ITEMS = `- id: one
  type: News
  title:
    en: One
    fr: Un
  date: 2024-01-02
  summary: Only in English.
  url: https://example.org/one

- id: two
  type: Article
  title: Two
  date: 2024-01-03
  summary:
    en: Two, in English.
    fr: Deux, en français.
  url: https://example.org/two
  image:
    src: https://example.org/two.png
    alt:
      en: A picture
`;

const ISSUE = `number: 1
date: 2024-01-05
subject:
  en: Hello
  fr: Bonjour
intro: |
  The intro, in English only.
items:
  - one
  - id: two
    title:
      en: Two, reworded
      fr: Deux, reformulé
`;

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with these three files, loaded as the build loads it. */
function sources(files: { newsletter?: string; items?: string; issue?: string } = {}): ContentSources {
  const root = mkdtempSync(path.join(os.tmpdir(), 'enews-translations-'));
  folders.push(root);
  mkdirSync(path.join(root, 'issues'));
  writeFileSync(path.join(root, 'issues/newsletter.yaml'), files.newsletter ?? NEWSLETTER);
  writeFileSync(path.join(root, 'issues/items.yaml'), files.items ?? ITEMS);
  writeFileSync(path.join(root, 'issues/001.yaml'), files.issue ?? ISSUE);
  const paths = contentPaths(root);
  const nl = loadNewsletter(paths);
  const catalog = loadCatalog(paths, ITEM_TYPES);
  const loaded = loadIssue(paths, 1);
  return { nl, catalog, loaded, items: resolveItems(loaded, catalog) };
}

describe('localizeContent', () => {
  it('in the default language: every text as written, nothing missing', () => {
    const s = sources();
    expect(translationProblems(s)).toEqual([]);
    const en = localizeContent(s, 'en');
    expect(en.gaps).toEqual([]);
    expect(en.issue).toMatchObject({ subject: 'Hello', intro: 'The intro, in English only.' });
    expect(en.issue.preheader).toBeUndefined();
    expect(en.items.map((i) => [i.title, i.summary, i.image?.alt])).toEqual([
      ['One', 'Only in English.', undefined],
      ['Two, reworded', 'Two, in English.', 'A picture'],
    ]);
    expect(en.newsletter).toBe(s.nl.newsletter);
  });

  it("in another language: its texts, the issue's rewording of an item, else the default's text", () => {
    const s = sources();
    const fr = localizeContent(s, 'fr');
    expect(fr.issue).toMatchObject({ subject: 'Bonjour', intro: 'The intro, in English only.' });
    expect(fr.items.map((i) => [i.title, i.summary, i.image?.alt])).toEqual([
      ['Un', 'Only in English.', undefined],
      ['Deux, reformulé', 'Deux, en français.', 'A picture'],
    ]);
    expect(fr.newsletter).toMatchObject({
      language: 'fr',
      title: 'Test News',
      why_you_get_this: 'Vous êtes abonné·e aux nouvelles de test.',
      description: 'News of the test cooperative.',
    });
  });

  it('names each missing translation at the line of its field, in order, as warnings for that language', () => {
    const s = sources();
    const { gaps } = localizeContent(s, 'fr');
    const fallsBack = 'has no French (fr) translation, so the French email shows the English text;';
    expect(gaps.map((g) => [g.message, g.location?.line])).toEqual([
      [`intro ${fallsBack} write it per language, with en: and fr: under it`, lineOf(ISSUE, 'intro:')],
      [`item "one": summary ${fallsBack} write it per language, with en: and fr: under it`, lineOf(ITEMS, 'summary:')],
      [`item "two": image.alt ${fallsBack} add fr: under it`, lineOf(ITEMS, 'alt:')],
      [`description ${fallsBack} add description: to translations: fr`, lineOf(NEWSLETTER, '  fr:')],
    ]);
    const [issueFile, itemsFile, newsletterFile] = [s.loaded.input.file, s.catalog.inputs[0]!.file, s.nl.input.file];
    expect(gaps.map((g) => g.location?.file)).toEqual([issueFile, itemsFile, itemsFile, newsletterFile]);
    expect(gaps.every((g) => g.code === 'translation-missing' && g.language === 'fr' && !g.severity)).toBe(true);
  });

  it('with require_translations, the same gaps are errors that say why', () => {
    const s = sources({
      newsletter: NEWSLETTER.replace('languages: [en, fr]', 'languages: [en, fr]\nrequire_translations: true'),
    });
    const { gaps } = localizeContent(s, 'fr');
    expect(gaps).toHaveLength(4);
    expect(gaps.every((g) => g.severity === 'error')).toBe(true);
    expect(gaps[0]!.message).toBe(
      'intro has no French (fr) translation, so the French email shows the English text; write it per language, ' +
        'with en: and fr: under it (require_translations is set in newsletter.yaml)',
    );
  });

  it('without a translations: block, says where to add one', () => {
    const newsletter = NEWSLETTER.slice(0, NEWSLETTER.indexOf('translations:'));
    const s = sources({ newsletter });
    const last = localizeContent(s, 'fr').gaps.slice(-2);
    expect(last.map((g) => [g.message.split('; ')[1], g.location?.line])).toEqual([
      ['add it under translations: fr:', lineOf(newsletter, 'why_you_get_this:')],
      ['add it under translations: fr:', lineOf(newsletter, 'description:')],
    ]);
  });
});

describe('translationProblems', () => {
  it('refuses keys that are not languages of the newsletter, a language written twice, and a missing default', () => {
    const issue = `number: 1
date: 2024-01-05
subject:
  en: Hello
  de: Hallo
  fr_FR: Bonjour
preheader:
  fr: Un seul texte
intro:
  en: Intro
  fr: Intro française
  FR: Encore
items:
  - one
`;
    const s = sources({ issue });
    expect(translationProblems(s).map((p) => [p.message, p.location?.line])).toEqual([
      [`subject: "de" is not one of the newsletter's languages (en, fr)`, lineOf(issue, '  de:')],
      [
        'subject: "fr_FR" is not a language tag (BCP 47) such as en, fr, es or pt-BR ' +
          '(write fr-FR: a dash, not an underscore)',
        lineOf(issue, '  fr_FR:'),
      ],
      [
        'preheader has no English (en) text, and English is the default language, which the others fall back to',
        lineOf(issue, 'preheader:'),
      ],
      ['intro: French is written twice ("fr" and "FR")', lineOf(issue, '  FR:')],
    ]);
  });

  it("refuses a {{ }} expression or HTML in a translation that the default's text does not have", () => {
    const items = ITEMS.replace('    fr: Deux, en français.', '    fr: Deux, <b>en</b> {{name}} français.');
    const s = sources({ items });
    const problems = translationProblems(s);
    expect(problems.map((p) => [p.message, p.location?.line])).toEqual([
      [
        'item "two": summary: the French text has "<b>", "</b>", "{{name}}", ' +
          "which the default language's text does not have",
        lineOf(items, '    fr: Deux'),
      ],
    ]);
    // What the default has, a translation may repeat.
    const both = items.replace('    en: Two, in English.', '    en: Two, <b>in</b> {{name}} English.');
    expect(translationProblems(sources({ items: both }))).toEqual([]);
  });
});
