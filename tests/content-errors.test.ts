/**
 * Every kind of content mistake staff can make, each with a real malformed
 * file: exit code 1, a message naming file:line and what to do, nothing written.
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, write } from './helpers/project.js';

async function check(dir: string) {
  const r = await enews(['build', '3'], dir);
  expect(existsSync(path.join(dir, 'dist')), 'nothing is written').toBe(false);
  return r;
}

describe('content errors', () => {
  it('YAML syntax error: file:line:column and a hint, no stack trace (subprocess)', async () => {
    const dir = copyProject();
    // The example's preheader is given per language: its English text is the line under `preheader:`.
    edit(dir, 'issues/003.yaml', '  en: The future', '  en: "The future');
    const r = await runCli(['build', '3'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('issues/003.yaml:4:7: YAML syntax: this double quote (") is never closed');
    expect(r.stderr).toContain('Close the quote or bracket on the same value, or remove it.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it(
    'reports every problem of a file at once: wrong type, ' + 'missing field, typo in a field name, impossible date',
    async () => {
      const dir = copyProject();
      write(
        dir,
        'issues/003.yaml',
        ['number: 3', 'date: 2017-02-30', 'subjet: Hello', 'items: consorzio-copernico', ''].join('\n'),
      );
      const r = await check(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('issues/003.yaml:2:7: date: is not a real calendar date');
      expect(r.stderr).toContain('issues/003.yaml:3:1: subjet: unknown field "subjet"');
      expect(r.stderr).toContain('Did you mean "subject"?');
      expect(r.stderr).toContain('issues/003.yaml:1:1: intro: is required but missing');
      expect(r.stderr).toContain('issues/003.yaml:4:8: items: must be a list of item ids from the catalog');
    },
  );

  it('unknown item id lists the closest existing ids', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', '  - consorzio-copernico', '  - consorzio-copernic');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('issues/003.yaml:28:5: items.2: unknown item id "consorzio-copernic"');
    expect(r.stderr).toContain('Closest ids in the catalog: consorzio-copernico');
  });

  it('duplicate issue numbers: two files for one number, or a number that disagrees with the file name', async () => {
    const dir = copyProject();
    write(dir, 'issues/3.yaml', 'number: 3\n');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('issue number 3 has two files: issues/003.yaml and issues/3.yaml');
    rmSync(path.join(dir, 'issues/3.yaml'));
    edit(dir, 'issues/003.yaml', 'number: 3', 'number: 2');
    const r2 = await check(dir);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('issues/003.yaml:1:9: number: says number: 2, but its file name says 3');
  });

  it('catalog errors: duplicate id, bad type, javascript: link, missing summary', async () => {
    const dir = copyProject();
    edit(dir, 'issues/items.yaml', 'id: greece-cooperative-journalism', 'id: consorzio-copernico');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /issues\/items\.yaml:\d+:\d+: item id "consorzio-copernico" is used twice \(first at issues\/items\.yaml:\d+/,
    );
    const dir2 = copyProject();
    edit(dir2, 'issues/items.yaml', 'type: Spotlight on Cooperatives', 'type: Spotlight');
    edit(
      dir2,
      'issues/items.yaml',
      'url: https://www.example.org/coop/news/coop-future-of-work',
      'url: javascript:alert(1)',
    );
    // The summary is given per language: its en:, fr: and es: lines go with it.
    edit(dir2, 'issues/items.yaml', / {2}summary:\n {4}en: >-\n {6}The six cooperatives[^\n]*\n(?: {4}[^\n]*\n)*/, '');
    const r2 = await check(dir2);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(
      /items\.yaml:\d+:\d+: item "consorzio-copernico": type: must be one of: News, Article, Spotlight on Cooperatives/,
    );
    expect(r2.stderr).toMatch(
      /items\.yaml:\d+:\d+: item "coop-future-of-work": url: must start with https:\/\/ \(got "javascript:"\)/,
    );
    expect(r2.stderr).toMatch(/items\.yaml:\d+:\d+: item "consorzio-copernico": summary: is required but missing/);
  });

  it(
    'items are named by their id, in the catalog and in an ' +
      'issue; an entry without a usable id by its place in the list',
    async () => {
      const dir = copyProject();
      edit(dir, 'issues/items.yaml', '- id: coop-future-of-work\n', '- type: News\n');
      edit(
        dir,
        'issues/items.yaml',
        '  type: News\n  title:\n    en: Cooperatives provide',
        '  title:\n    en: Cooperatives provide',
      );
      edit(dir, 'issues/items.yaml', 'id: consorzio-copernico', 'id: Consorzio Copernico');
      edit(
        dir,
        'issues/items.yaml',
        'url: https://www.example.org/coop/news/coop-champions-karim-toumi',
        'url: javascript:alert(1)',
      );
      const r = await check(dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('issues/items.yaml:17:3: 1.id: is required but missing');
      expect(r.stderr).toContain(
        'issues/items.yaml:37:7: item "Consorzio Copernico": id: must be lowercase letters, digits and dashes',
      );
      expect(r.stderr).toContain(
        'issues/items.yaml:83:8: item "coop-champions-karim-toumi": url: must start with https:// (got "javascript:")',
      );
      expect(r.stderr.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(3);

      const dir2 = copyProject();
      edit(
        dir2,
        'issues/003.yaml',
        '  - coop-champions-karim-toumi',
        '  - id: coop-champions-karim-toumi\n    summary: "Karim Toumi\u202Eevil"\n  - title: no id here',
      );
      const r2 = await check(dir2);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toContain(
        'issues/003.yaml:28:14: item "coop-champions-karim-toumi": ' +
          'summary: contains an invisible text-direction override character',
      );
      expect(r2.stderr).toContain('issues/003.yaml:29:5: items.2: must be an item id (text) or a block with "id:"');
      expect(r2.stderr.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(2);
    },
  );

  it('a missing file names the file and what it should hold', async () => {
    const dir = copyProject();
    rmSync(path.join(dir, 'issues/newsletter.yaml'));
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('issues/newsletter.yaml does not exist: it should hold the identity of the newsletter');
    const r2 = await enews(['build', '9'], dir);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('There is no issue 9: expected issues/009.yaml');
  });

  it('a template MJML rejects (strict validation) points at the template line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/partials/item.mjml', '<mj-text>', '<mj-text colour="red">');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The email template is not valid MJML (1 problem):');
    expect(r.stderr).toContain('templates/partials/item.mjml:6:3: MJML: Attribute colour is illegal');
    const dir2 = copyProject();
    edit(dir2, 'templates/partials/footer.mjml', '<mj-column>', '<mj-column><mj-bogus />');
    const r2 = await check(dir2);
    expect(r2.stderr).toMatch(
      /templates\/partials\/footer\.mjml:2:\d+: MJML: Element mj-bogus doesn't exist or is not registered/,
    );
  });

  it('Handlebars: syntax error, unknown partial and unknown field, each with file:line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/email.mjml', '{{/each}}', '{{/if}}');
    const r = await check(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'templates/email.mjml:35:5: Handlebars: {{/if}} does not match {{#each}} opened at line 33',
    );
    const dir2 = copyProject();
    edit(dir2, 'templates/email.mjml', '{{> header}}', '{{> headr}}');
    const r2 = await check(dir2);
    expect(r2.stderr).toContain('templates/email.mjml:24:5: Handlebars: The partial headr could not be found');
    const dir3 = copyProject();
    edit(dir3, 'templates/partials/item.mjml', '>{{title}}</a>', '>{{titel}}</a>');
    const r3 = await check(dir3);
    expect(r3.stderr).toMatch(
      /templates\/partials\/item\.mjml:8:\d+: Handlebars: the field "titel" does not exist here/,
    );
  });

  it('problems in several files are reported in one run', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'list_id: enews.coop.example.org', 'list_id: not a domain');
    edit(dir, 'issues/003.yaml', 'number: 3', 'number: three');
    const r = await check(dir);
    expect(r.stderr).toContain(
      'issues/newsletter.yaml:11:10: list_id: must look like a domain name, e.g. enews.coop.example.org',
    );
    expect(r.stderr).toContain('issues/003.yaml:1:9: number: must be a whole number, e.g. 3');
  });

  it('enews new refuses to overwrite an issue', async () => {
    const dir = copyProject();
    const r = await enews(['new', '--number', '3', '--date', '2017-04-26'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Issue 3 already exists (issues/003.yaml); enews new never overwrites an issue.');
  });

  it('a bad --date is a usage error (exit 2)', async () => {
    const dir = copyProject();
    renameSync(path.join(dir, 'issues/003.yaml'), path.join(dir, 'issues/003.bak'));
    const r = await enews(['new', '--date', '2017-02-30'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--date "2017-02-30" is not a date');
  });
});
