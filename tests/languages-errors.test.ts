/**
 * Bad input in several languages: each a clear error (or warning) with file:line, and nothing built
 * when it is an error. A subscriber's unknown language is never an error (languages.test.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, emptyDir, lineOf, read } from './helpers/project.js';

/** The line of `text` in the project's file `rel` (1-based), for the file:line a message must name. */
const lineIn = (dir: string, rel: string, text: string) => lineOf(read(dir, rel), text);

async function build(dir: string) {
  return enews(['build', '3'], dir);
}

describe('languages: bad input', () => {
  it('a language that is not a BCP 47 tag is refused at its line, with the likely fix', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'languages: [en, fr, es]', 'languages: [en, fr_FR, es]');
    const r = await build(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`issues/newsletter.yaml:${lineIn(dir, 'issues/newsletter.yaml', 'fr_FR')}`);
    expect(r.stderr).toContain('"fr_FR" is not a language tag (BCP 47) such as en, fr, es or pt-BR');
    expect(r.stderr).toContain('write fr-FR: a dash, not an underscore');
    expect(existsSync(path.join(dir, 'dist/003'))).toBe(false);
  });

  it("a strings file missing a key names the file and the default's line that has it", async () => {
    const dir = copyProject();
    const enLine = lineIn(dir, 'templates/strings/en.yaml', 'read_more: Read more');
    edit(dir, 'templates/strings/fr.yaml', 'read_more: Lire la suite\n', '');
    const r = await build(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('templates/strings/fr.yaml');
    expect(r.stderr).toContain(`"read_more" is missing (templates/strings/en.yaml:${enLine} has it: "Read more")`);
    expect(existsSync(path.join(dir, 'dist/003'))).toBe(false);
  });

  it('a placeholder the default does not have is refused at its line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/strings/es.yaml', 'read_more: Leer más', 'read_more: Leer más sobre {tema}');
    const r = await build(dir);
    expect(r.code).toBe(1);
    const line = lineIn(dir, 'templates/strings/es.yaml', '{tema}');
    expect(r.stderr).toContain(`templates/strings/es.yaml:${line}`);
    expect(r.stderr).toContain('read_more: has {tema}, which enews does not fill in');
  });

  it('a translation with a Handlebars expression or HTML the default text lacks is an error at its line', async () => {
    const dir = copyProject();
    edit(
      dir,
      'issues/items.yaml',
      'fr: Les coopératives, un modèle alternatif',
      'fr: "{{name}}, les coopératives, un <b>modèle</b> alternatif',
    );
    edit(dir, 'issues/items.yaml', 'pour l’avenir du travail\n', 'pour l’avenir du travail"\n');
    const r = await build(dir);
    expect(r.code, r.stderr).toBe(1);
    const line = lineIn(dir, 'issues/items.yaml', '{{name}}');
    expect(r.stderr).toContain(`issues/items.yaml:${line}`);
    expect(r.stderr).toContain(
      'item "coop-future-of-work": title: the French text has "{{name}}", "<b>", "</b>", ' +
        "which the default language's text does not have",
    );
    expect(existsSync(path.join(dir, 'dist/003'))).toBe(false);
  });

  it('a missing translation is a warning naming the field that falls back; with require_translations, an error', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', /\n {2}fr: L’avenir du travail[^\n]*/, '');
    const warned = await build(dir);
    expect(warned.code, warned.stderr).toBe(0);
    const line = lineIn(dir, 'issues/003.yaml', 'preheader:');
    expect(warned.stderr).toContain(`issues/003.yaml:${line}`);
    expect(warned.stderr).toContain(
      'preheader has no French (fr) translation, so the French email shows the English text; add fr: under it',
    );
    // The French email shows the English preheader.
    expect(read(dir, 'dist/003/fr/email.html')).toContain(
      'The future of work and cooperatives, COOP Champion Karim Toumi, and Consorzio Copernico.',
    );

    edit(
      dir,
      'issues/newsletter.yaml',
      'languages: [en, fr, es]',
      'languages: [en, fr, es]\nrequire_translations: true',
    );
    const refused = await build(dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('preheader has no French (fr) translation');
    expect(refused.stderr).toContain('(require_translations is set in newsletter.yaml)');
  });

  it('a translation that takes the HTML over 102 KB is a warning for that language only', async () => {
    const dir = copyProject();
    const long = 'Les coopératives soutiennent leurs membres et leurs communautés. '.repeat(1700);
    edit(dir, 'issues/items.yaml', /\n {4}fr: >-\n {6}Le 5 avril[\s\S]*?mutation\./, `\n    fr: >-\n      ${long}`);
    const r = await build(dir);
    expect(r.code, r.stderr).toBe(0);
    const clips = r.stderr.split('\n').filter((l) => l.includes('Gmail clips'));
    expect(clips.length).toBe(1);
    expect(clips[0]).toMatch(/\bfr\b|French/);
  });

  it('a newsletter in a language enews has no words for builds in English words, with a warning; another language without them is an error', async () => {
    const parent = emptyDir();
    const init = await enews(['init', 'neu', '--yes', '--language', 'de'], parent);
    expect(init.code, init.stderr).toBe(0);
    const dir = path.join(parent, 'neu');
    const r = await enews(['build', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    const line = lineIn(dir, 'issues/newsletter.yaml', 'language: de');
    expect(r.stderr).toContain(
      `issues/newsletter.yaml:${line}:11: there is no strings file for German (de), so the template words ` +
        '("Read more", "Unsubscribe"…) are English; write templates/strings/de.yaml',
    );
    expect(read(dir, 'dist/001/email.html')).toMatch(/<html[^>]*\blang="de"/);
    // The build is current for send and site: they find the same (English) words the build used.
    const send = await enews(['send', '1', '--subscribers', 'subscribers.example.csv', '--dry-run', 'out'], dir);
    expect(send.code, send.stderr).toBe(0);
    expect(send.stderr).not.toContain('since the build');

    edit(dir, 'issues/newsletter.yaml', 'language: de', 'languages: [de, it]');
    const it2 = await enews(['build', '1'], dir);
    expect(it2.code).toBe(1);
    expect(it2.stderr).toContain('there is no strings file for Italian (it): the template words need one');
    expect(it2.stderr).toContain('enews templates eject strings/en.yaml, copy it to templates/strings/it.yaml');
  });
});
