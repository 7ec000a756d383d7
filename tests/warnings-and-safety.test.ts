import { describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, lineOf, read } from './helpers/project.js';

describe('warnings from check and build', () => {
  it('HTML over 102 KB (Gmail clips it)', async () => {
    const dir = copyProject();
    const long = 'Cooperatives share. '.repeat(5500);
    // The English summary (the example gives it per language): only the English email is too long.
    edit(dir, 'issues/items.yaml', / {4}en: >-\n {6}On 5 April[^\n]*\n[^\n]*\n/, `    en: "${long}"\n`);
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: \[en\] the HTML is 1\d\d\.\d KB; Gmail clips mail over 102 KB/);
  });

  it('an image without alt text, with the catalog line', async () => {
    const dir = copyProject();
    // The example's picture of Consorzio Copernico, its alt text (in three languages) taken away.
    edit(dir, 'issues/items.yaml', /(src: images\/copernico\.jpg)\n {4}alt:\n( {6}.*\n){3}/, '$1\n');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /warning: issues\/items\.yaml:\d+:\d+: the image of item "consorzio-copernico" has no alt text/,
    );
  });

  it('a link without https, at the line that writes it: catalog, intro, newsletter.yaml, template', async () => {
    const dir = copyProject();
    const item = 'http://www.example.org/coop/news/consorzio-copernico';
    edit(dir, 'issues/items.yaml', `url: ${item.replace('http:', 'https:')}`, `url: ${item}`);
    const intro = 'http://www.example.org/coop/events?a=1&b=2';
    edit(dir, 'issues/003.yaml', 'highlights a number', `highlights [a number](${intro})`);
    const logo = 'http://www.example.org/coop/enews/ilo-coop-logo.png';
    edit(dir, 'issues/newsletter.yaml', 'src: images/logo.png', `src: ${logo}`);
    const privacyUrl = 'http://www.example.org/privacy';
    const privacy = `<a href="${privacyUrl}">Privacy</a>`;
    edit(
      dir,
      'templates/partials/footer.mjml',
      '<p>{{#each newsletter',
      `<p>${privacy}</p>\n      <p>{{#each newsletter`,
    );
    const at = (file: string, needle: string) => {
      const line = lineOf(read(dir, file), needle);
      return `${file}:${line}:${read(dir, file).split('\n')[line - 1]!.indexOf(needle) + 1}`;
    };
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    const fix = 'use https:// so mail clients do not flag it';
    expect(r.stderr.split('\n').filter((l) => l.includes('link without https'))).toEqual([
      `warning: [en] ${at('issues/003.yaml', intro)}: link without https: ${intro.replace('&', '&amp;')}; ${fix}`,
      `warning: ${at('issues/items.yaml', item)}: link without https: ${item}; ${fix}`,
      `warning: ${at('templates/partials/footer.mjml', privacy)}: link without https: ${privacyUrl}; ${fix}`,
      `warning: ${at('issues/newsletter.yaml', logo)}: link without https: ${logo}; ${fix}`,
    ]);
  });

  it('an issue with no items, and an item dated after its issue', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', /items:\n( {2}- .*\n)+/, 'items: []\n');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: issues\/003\.yaml:\d+:\d+: the issue has no items/);
    const dir2 = copyProject();
    edit(dir2, 'issues/003.yaml', 'date: 2017-04-26', 'date: 2017-04-03');
    const r2 = await enews(['check', '3'], dir2);
    expect(r2.stderr).toMatch(
      new RegExp(
        'warning: issues/items\\.yaml:\\d+:\\d+: item "coop-future-of-work" is dated 2017-04-06, ' +
          "after the issue's date 2017-04-03",
      ),
    );
  });

  it('warnings are recorded in the manifest', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', 'date: 2017-04-26', 'date: 2017-04-03');
    await enews(['build', '3'], dir);
    const m = JSON.parse(read(dir, 'dist/003/manifest.json'));
    expect(m.warnings.map((w: { code: string }) => w.code)).toEqual(['item-after-issue', 'item-after-issue']);
  });
});

describe('hostile content is escaped, never executed', () => {
  it('item text with <script> and quotes is escaped in the HTML; the text part keeps it readable', async () => {
    const dir = copyProject();
    edit(
      dir,
      'issues/items.yaml',
      'en: Cooperatives provide an alternative model for the future of work',
      `en: '<script>alert("x")</script> "quoted" {{newsletter.title}}'`,
    );
    const r = await enews(['build', '3'], dir);
    expect(r.code).toBe(0);
    const html = read(dir, 'dist/003/email.html');
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &quot;quoted&quot; {{newsletter.title}}');
    expect(read(dir, 'dist/003/email.txt')).toContain('<script>alert("x")</script> "quoted" {{newsletter.title}}');
  });

  it(
    'the Markdown intro renders formatting and https ' + 'links, but raw HTML and javascript: links stay inert',
    async () => {
      const dir = copyProject();
      edit(
        dir,
        'issues/003.yaml',
        / {2}en: \|\n( {4}.*\n)+/,
        '  en: |\n    **Welcome** to [our site](https://www.example.org/coop) and ' +
          '[bad](javascript:alert(1)).\n\n    <img src=x onerror="alert(1)"> <b>bold</b>\n',
      );
      const r = await enews(['build', '3'], dir);
      expect(r.code).toBe(0);
      const html = read(dir, 'dist/003/email.html');
      expect(html).toContain('<strong>Welcome</strong>');
      expect(html).toMatch(/<a href="https:\/\/www\.example\.org\/coop"[^>]*>our site<\/a>/);
      expect(html).not.toMatch(/href="javascript:/i);
      expect(html).toContain('[bad](javascript:alert(1))');
      expect(html).not.toContain('<img src=x');
      expect(html).toContain('&lt;img src=x onerror=“alert(1)”&gt; &lt;b&gt;bold&lt;/b&gt;');
      expect(read(dir, 'dist/003/email.txt')).toContain('Welcome to our site <https://www.example.org/coop>');
    },
  );

  it('a subject with a line break (header injection) is refused', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', 'preheader:\n', 'subject: "Hello\\r\\nBcc: victim@example.com"\npreheader:\n');
    const r = await enews(['build', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/issues\/003\.yaml:\d+:\d+: subject: must be a single line/);
  });

  it('content cannot forge a recipient slot (private-use characters are refused)', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', / {2}en: The future.*\n/, '  en: "The \\uE000email\\uE001 future"\n');
    const r = await enews(['build', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/issues\/003\.yaml:\d+:\d+: preheader\.en: contains a private-use character/);
  });

  it('a text-direction override in content (spoofing) is refused with its place', async () => {
    const dir = copyProject();
    edit(
      dir,
      'issues/items.yaml',
      'title: Cooperative Journalism in Greece',
      'title: "Cooperative Journalism in \\u202Eeceerg"',
    );
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        'issues/items\\.yaml:\\d+:\\d+: item "greece-cooperative-journalism": title: ' +
          'contains an invisible text-direction override character',
      ),
    );
  });
});
