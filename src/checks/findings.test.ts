import { describe, expect, it } from 'vitest';
import type { Warning } from '../errors.js';
import { languagePrefix, mergeFindings } from './findings.js';

const TEMPLATE = '/p/templates/partials/item.mjml';
const ITEMS = '/p/issues/items.yaml';

const altMissing = (line: number): Warning => ({
  code: 'img-alt',
  message: 'an image has no alt text',
  location: { file: TEMPLATE, line, column: 5 },
});

describe('mergeFindings', () => {
  it('with one language, returns its findings as they are', () => {
    const findings = [altMissing(3), { code: 'size', message: 'large' }];
    expect(mergeFindings([{ language: 'en', findings }])).toBe(findings);
  });

  it("lists a finding every language has once, without a language, in the default language's words", () => {
    const at = { file: ITEMS, line: 12, column: 3 };
    const merged = mergeFindings([
      { language: 'en', findings: [altMissing(3), { code: 'caps', message: 'title "HELLO" shouts', location: at }] },
      { language: 'fr', findings: [altMissing(3), { code: 'caps', message: 'title "BONJOUR" shouts', location: at }] },
      { language: 'es', findings: [{ code: 'caps', message: 'title "HOLA" shouts', location: at }, altMissing(3)] },
    ]);
    expect(merged).toEqual([altMissing(3), { code: 'caps', message: 'title "HELLO" shouts', location: at }]);
  });

  it('names the language of a finding only some languages have, in the order of the languages', () => {
    const clip = (language: string): Warning => ({ code: 'gmail-clip', message: `${language} HTML is 110 KB` });
    const merged = mergeFindings([
      { language: 'en', findings: [altMissing(3)] },
      { language: 'fr', findings: [clip('fr'), altMissing(3), altMissing(9)] },
      { language: 'es', findings: [altMissing(3), clip('es')] },
    ]);
    expect(merged).toEqual([
      altMissing(3),
      { ...clip('fr'), language: 'fr' },
      { ...altMissing(9), language: 'fr' },
      { ...clip('es'), language: 'es' },
    ]);
  });

  it('tells findings without a place apart by their message, and repeated ones at one place by their count', () => {
    const size = (message: string): Warning => ({ code: 'size', message });
    const merged = mergeFindings([
      { language: 'en', findings: [size('HTML is 90 KB'), altMissing(3), altMissing(3)] },
      { language: 'fr', findings: [size('HTML is 95 KB'), altMissing(3)] },
    ]);
    expect(merged).toEqual([
      { ...size('HTML is 90 KB'), language: 'en' },
      altMissing(3),
      { ...altMissing(3), language: 'en' },
      { ...size('HTML is 95 KB'), language: 'fr' },
    ]);
  });

  it('keeps an error and a warning at the same place apart, and drops a language the finding carried', () => {
    const error: Warning = { ...altMissing(3), severity: 'error' };
    const merged = mergeFindings([
      { language: 'en', findings: [error, { ...altMissing(3), language: 'en' }] },
      { language: 'fr', findings: [altMissing(3), { ...error, language: 'fr' }] },
    ]);
    expect(merged).toEqual([error, altMissing(3)]);
  });
});

describe('languagePrefix', () => {
  it('is "[fr] " for a finding of one language and nothing for one of every language', () => {
    expect(languagePrefix({ ...altMissing(3), language: 'fr' })).toBe('[fr] ');
    expect(languagePrefix(altMissing(3))).toBe('');
  });
});
