import { describe, expect, it } from 'vitest';
import {
  canonicalLanguage,
  languageFor,
  languageName,
  languageTagProblem,
  matchLanguage,
  nativeLanguageName,
  newsletterLanguages,
  textDirection,
} from './languages.js';

describe('canonicalLanguage', () => {
  it('spells every well-formed tag one way, whatever its case', () => {
    const tags = ['FR', 'fr-ch', 'pt-br', 'EN-gb', 'zh-hant-tw', 'sr-latn-rs', 'de-DE-1996', 'es-419'];
    expect(tags.map(canonicalLanguage)).toEqual([
      'fr',
      'fr-CH',
      'pt-BR',
      'en-GB',
      'zh-Hant-TW',
      'sr-Latn-RS',
      'de-DE-1996',
      'es-419',
    ]);
  });

  it('refuses what is not a language tag a person writes: underscores, private and grandfathered tags, words', () => {
    for (const tag of ['fr_FR', 'x-klingon', 'i-klingon', 'en-US-US', 'english', 'f', '', 'fr-', 'fr CH']) {
      expect(canonicalLanguage(tag), tag).toBeNull();
    }
  });

  it('explains a bad tag, with the fix for an underscore', () => {
    expect(languageTagProblem('fr')).toBeNull();
    expect(languageTagProblem('pt-BR')).toBeNull();
    expect(languageTagProblem('fr_FR')).toBe(
      '"fr_FR" is not a language tag (BCP 47) such as en, fr, es or pt-BR (write fr-FR: a dash, not an underscore)',
    );
    expect(languageTagProblem('english')).toBe('"english" is not a language tag (BCP 47) such as en, fr, es or pt-BR');
  });
});

describe('matchLanguage', () => {
  const AVAILABLE = ['en', 'fr', 'es'];

  it('finds the same language whatever the spelling: case, region, a POSIX underscore, spaces', () => {
    for (const asked of ['fr', 'FR', 'fr-CH', 'fr-ch', 'fr_CH', 'fr_ch', ' fr ', 'fr-Latn-BE']) {
      expect(matchLanguage(asked, AVAILABLE), asked).toBe('fr');
    }
  });

  it('prefers the exact tag, then a shorter one, then another variant of the same language', () => {
    expect(matchLanguage('fr-CH', ['en', 'fr-CA', 'fr-CH'])).toBe('fr-CH');
    expect(matchLanguage('fr-BE', ['en', 'fr-CA', 'fr'])).toBe('fr');
    expect(matchLanguage('fr', ['en', 'fr-CA'])).toBe('fr-CA');
    expect(matchLanguage('zh-Hant-TW', ['zh', 'zh-Hant'])).toBe('zh-Hant');
    // Of two variants, the first listed.
    expect(matchLanguage('pt', ['en', 'pt-BR', 'pt-PT'])).toBe('pt-BR');
  });

  it('answers null for another language or something that is not a tag', () => {
    expect(matchLanguage('de', AVAILABLE)).toBeNull();
    expect(matchLanguage('', AVAILABLE)).toBeNull();
    expect(matchLanguage('French', AVAILABLE)).toBeNull();
    expect(matchLanguage('f', AVAILABLE)).toBeNull();
  });
});

describe('languageFor', () => {
  it('gives a subscriber their language when the newsletter has it, else the default (the first)', () => {
    expect(languageFor('fr-CH', ['en', 'fr'])).toBe('fr');
    expect(languageFor('FR_ca', ['es', 'fr-CA'])).toBe('fr-CA');
    expect(languageFor('', ['en', 'fr'])).toBe('en');
    expect(languageFor('de', ['en', 'fr'])).toBe('en');
    expect(languageFor('not a tag', ['es', 'fr'])).toBe('es');
  });

  it("lists the newsletter's languages from languages:, else its one language:", () => {
    expect(newsletterLanguages({ language: 'en' })).toEqual(['en']);
    expect(newsletterLanguages({ language: 'en', languages: [] })).toEqual(['en']);
    expect(newsletterLanguages({ language: 'en', languages: ['fr', 'en'] })).toEqual(['fr', 'en']);
  });
});

describe('text direction and names', () => {
  it('writes Arabic, Hebrew, Persian, Urdu, Yiddish and Sorani right to left, the rest left to right', () => {
    const rtl = ['ar', 'ar-MA', 'he', 'fa', 'ur', 'yi', 'ckb', 'pa-Arab'];
    const ltr = ['en', 'fr', 'es', 'zh-Hant', 'ar-Latn', 'sd-Deva', 'not a tag'];
    expect(rtl.map(textDirection)).toEqual(rtl.map(() => 'rtl'));
    expect(ltr.map(textDirection)).toEqual(ltr.map(() => 'ltr'));
  });

  it('names a language in English for enews messages, and in itself for its readers', () => {
    expect(['fr', 'es', 'pt-BR', 'ar', 'de'].map(languageName)).toEqual([
      'French',
      'Spanish',
      'Brazilian Portuguese',
      'Arabic',
      'German',
    ]);
    expect(['fr', 'es', 'pt-BR', 'ar', 'de'].map(nativeLanguageName)).toEqual([
      'Français',
      'Español',
      'Português (Brasil)',
      'العربية',
      'Deutsch',
    ]);
  });
});
