/**
 * One list of findings for an issue built in several languages. A finding that every language has
 * (a template's missing alt text, a colour without contrast) is one thing to fix: it is listed
 * once, as with one language, in the default language's words. One that only some languages have (a missing translation, a French
 * email over Gmail's 102 KB) names its language, so check, build and the preview can say which.
 */
import type { Warning } from '../errors.js';

export function mergeFindings(perLanguage: Array<{ language: string; findings: Warning[] }>): Warning[] {
  if (perLanguage.length === 1) return perLanguage[0]!.findings;
  const keyed = perLanguage.map(({ language, findings }) => ({ language, findings: keysOf(findings) }));
  const languagesOf = new Map<string, number>();
  for (const { findings } of keyed)
    for (const { key } of findings) languagesOf.set(key, (languagesOf.get(key) ?? 0) + 1);
  const out: Warning[] = [];
  const listed = new Set<string>();
  for (const { language, findings } of keyed) {
    for (const { key, w } of findings) {
      if (languagesOf.get(key) !== perLanguage.length) out.push({ ...w, language });
      else if (!listed.has(key)) {
        // The first language's words (the default's): a message may quote the text, which differs.
        listed.add(key);
        out.push(withoutLanguage(w));
      }
    }
  }
  return out;
}

/**
 * The same finding in two languages: the same code at the same place, the nth there. A finding
 * with a place (a template line, a content line) may quote the language's text in its message, so
 * the message does not count; one without a place (the HTML's size) is told apart by its message.
 */
function keysOf(findings: Warning[]): Array<{ key: string; w: Warning }> {
  const seen = new Map<string, number>();
  return findings.map((w) => {
    const at = w.location ? [w.location.file, w.location.line, w.location.column] : [w.message];
    const base = JSON.stringify([w.code, w.severity ?? '', ...at]);
    const nth = seen.get(base) ?? 0;
    seen.set(base, nth + 1);
    return { key: `${base}#${nth}`, w };
  });
}

function withoutLanguage(w: Warning): Warning {
  const { language: _language, ...rest } = w;
  return rest;
}

/** How people read a finding's language: "[fr] " before it, nothing when it is every language's. */
export function languagePrefix(w: Warning): string {
  return w.language ? `[${w.language}] ` : '';
}
