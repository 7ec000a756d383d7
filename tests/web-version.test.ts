/**
 * The web version (dist/NNN/web.html): the email's render filled for nobody,
 * a proper web page, covered by the manifest; and site.base_url in
 * newsletter.yaml, from which the email's "View this issue online" link is
 * derived.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/build/hash.js';
import { sealToken } from '../src/personalize/token.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, read, write } from './helpers/project.js';

const SECRET = 'web-version-test-secret-0123456789';
const TITLES = [
  'Cooperatives provide an alternative model for the future of work',
  'COOP Champions: Karim Toumi, ILO Country Office for Algeria, Libya, Morocco, Tunisia and Mauritania',
  'Italian social cooperatives working together for the benefit of the communities',
];

/** The h2 texts of a page, in order (the item titles). */
function headings(html: string): string[] {
  return [...html.matchAll(/<h2\b[^>]*>([\s\S]*?)<\/h2>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, '')
      .replace(/&#x27;/g, "'")
      .trim(),
  );
}

function tags(html: string, re: RegExp): string[] {
  return [...html.matchAll(re)].map((m) => m[0]);
}

let dir: string;
let web: string;
let email: string;

beforeAll(async () => {
  dir = copyProject();
  // The secret is set as when staff build on a machine that also sends: no token may reach the web version.
  const r = await enews(['build', '3'], dir, { UNSUBSCRIBE_SECRET: SECRET });
  expect(r.code).toBe(0);
  web = read(dir, 'dist/003/web.html');
  email = read(dir, 'dist/003/email.html');
});

describe('enews build: web.html', () => {
  it('is written beside the email and covered by the manifest, like every output', () => {
    const m = JSON.parse(read(dir, 'dist/003/manifest.json'));
    // The example is in English, French and Spanish: each other language's files are in its folder.
    const files = ['email.html', 'email.txt', 'message.eml', 'send.json', 'web.html'];
    const pictures = Object.keys(m.outputs).filter((f) => f.startsWith('assets/'));
    expect(pictures).toHaveLength(6);
    expect(Object.keys(m.outputs).sort()).toEqual(
      // …the pictures, and the one review page for every language.
      [...pictures, ...files, ...files.map((f) => `es/${f}`), ...files.map((f) => `fr/${f}`), 'review.html'].sort(),
    );
    expect(m.outputs['web.html']).toBe(sha256(readFileSync(path.join(dir, 'dist/003/web.html'))));
    expect(m.sizes['web.html']).toBe(Buffer.byteLength(web));
    expect(m.summary).toBe(
      'This latest issue of the ILO COOP Newsletter highlights a number of recent events and developments on ' +
        'cooperatives. Among others, it includes an article on a future of work and cooperatives event; presents ' +
        'the work of an ILO colleague working on SSE in Tunisia; and showcases how an Italian social cooperative ' +
        'consortium supports its members.',
    );
  });

  it('shows the same items as the email, in the same order, greeting nobody by name', () => {
    expect(headings(web)).toEqual(TITLES);
    expect(headings(email)).toEqual(TITLES);
    expect(web).toContain('<p>Dear reader,</p>');
    expect(email).toContain('<p>Dear Zoë Martin,</p>');
    expect(web).toContain('No. 3 · 26 April 2017');
  });

  it('links to the archive instead of the personal unsubscribe and "View this issue online"', () => {
    expect(tags(web, /<a href="[^"]*"[^>]*>All issues<\/a>/g)).toEqual([
      '<a href="../index.html" style="color: #1e2dbe;">All issues</a>',
    ]);
    expect(web).not.toContain('Unsubscribe');
    expect(web).not.toContain('View this issue online');
    expect(web).not.toContain('because you subscribed');
    // The email keeps both links.
    expect(tags(email, />Unsubscribe<|>View this issue online</g)).toHaveLength(2);
    expect(email).toContain('<a href="https://www.example.org/coop/enews/003" style="color: #1e2dbe;">');
  });

  it("links to enews serve's sign-up page (newsletter.yaml's subscribe:) in its own language", () => {
    expect(tags(web, /<a href="[^"]*"[^>]*>Subscribe<\/a>/g)).toEqual([
      '<a href="https://www.example.org/coop/enews/subscribe" style="color: #1e2dbe;">Subscribe</a>',
    ]);
    // Handlebars writes the = of ?l=fr as &#x3D;, which a browser reads as =.
    expect(tags(read(dir, 'dist/003/fr/web.html'), /<a href="[^"]*\/subscribe[^"]*"/g)).toEqual([
      '<a href="https://www.example.org/coop/enews/subscribe?l&#x3D;fr"',
    ]);
    // The preferences link needs a subscriber's token: only messages carry it.
    expect(web).not.toContain('/preferences');
  });

  it('holds nothing personal: no name, no address, no token, no unsubscribe link', () => {
    for (const personal of [
      'Zoë',
      'Martin',
      'zoe.martin',
      sealToken(SECRET, 'enews.coop.example.org', 'zoe.martin@example.org', 3),
      '/unsubscribe',
      '?t=',
      'mailto:',
    ]) {
      expect(web, personal).not.toContain(personal);
    }
  });

  it('is a web page: title, lang, description, canonical address, Open Graph and Twitter card', () => {
    expect(web.startsWith('<!doctype html>\n<html lang="en" ')).toBe(true);
    const head = web.slice(0, web.indexOf('</head>'));
    const preheader = 'The future of work and cooperatives, COOP Champion Karim Toumi, and Consorzio Copernico.';
    // The logo as the email shows it: the file enews made from images/logo.png, at the site's address.
    const logo = /<img alt="COOP" src="([^"]+)"/.exec(email)![1]!;
    expect(logo).toMatch(/^https:\/\/www\.example\.org\/coop\/enews\/assets\/logo-320w-[0-9a-f]{12}\.png$/);
    expect(tags(head, /<title>[^<]*<\/title>/g)).toEqual(['<title>ILO COOP eNewsUpdate No. 3</title>']);
    expect(
      tags(head, /<(meta|link) (name|property|rel)="(description|canonical|og:[a-z:_]+|twitter:[a-z]+)"[^>]*>/g),
    ).toEqual([
      `<meta name="description" content="${preheader}">`,
      '<link rel="canonical" href="https://www.example.org/coop/enews/003/">',
      '<meta property="og:type" content="article">',
      '<meta property="og:site_name" content="ILO COOP eNewsUpdate">',
      '<meta property="og:title" content="ILO COOP eNewsUpdate No. 3">',
      `<meta property="og:description" content="${preheader}">`,
      '<meta property="og:url" content="https://www.example.org/coop/enews/003/">',
      `<meta property="og:image" content="${logo}">`,
      '<meta property="og:image:alt" content="COOP">',
      '<meta name="twitter:card" content="summary">',
      '<meta name="twitter:title" content="ILO COOP eNewsUpdate No. 3">',
      `<meta name="twitter:description" content="${preheader}">`,
      `<meta name="twitter:image" content="${logo}">`,
    ]);
    expect(head).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('is the same bytes when built again', async () => {
    expect((await enews(['build', '3', '--out', 'again'], dir, { UNSUBSCRIBE_SECRET: SECRET })).code).toBe(0);
    expect(read(dir, 'again/003/web.html')).toBe(web);
  });

  it('offers site.subscribe_url and the description; a changed fallback_name greets by it', async () => {
    const d = copyProject();
    edit(
      d,
      'issues/newsletter.yaml',
      '  base_url: https://www.example.org/coop/enews/\n',
      '  base_url: https://www.example.org/coop/enews/\n  subscribe_url: https://www.example.org/coop/subscribe\n',
    );
    edit(d, 'issues/newsletter.yaml', 'fallback_name: reader', 'fallback_name: friend of cooperatives');
    expect((await enews(['build', '3'], d)).code).toBe(0);
    const html = read(d, 'dist/003/web.html');
    expect(html).toContain('<p>Dear friend of cooperatives,</p>');
    expect(tags(html, /<a href="[^"]*"[^>]*>(Subscribe|All issues)<\/a>/g)).toEqual([
      '<a href="https://www.example.org/coop/subscribe" style="color: #1e2dbe;">Subscribe</a>',
      '<a href="../index.html" style="color: #1e2dbe;">All issues</a>',
    ]);
    expect(html).toContain('News on cooperatives and the social and solidarity economy from the ILO Cooperatives');
  });
});

describe('a footer written before web versions', () => {
  it('warns, at the slot, that the web version would carry a personal link it leaves empty', async () => {
    const d = copyProject();
    // The footer as it was before this feature: no {{#if web}} branch.
    write(
      d,
      'templates/partials/footer.mjml',
      read(d, 'templates/partials/footer.mjml')
        .replace(/ *\{\{!--.*--\}\}\n/, '')
        .replace(/ *\{\{#if web\}\}[\s\S]*?\{\{else\}\}\n/, '')
        .replace(/ *\{\{\/if\}\}\n(?= *<p>\{\{#each)/, '')
        .replace(/ *\{\{#if newsletter\.preferences\}\}.*\n/, ''),
    );
    const line =
      read(d, 'templates/partials/footer.mjml')
        .split('\n')
        .findIndex((l) => l.includes('{{slot')) + 1;
    expect(line).toBe(6);
    const r = await enews(['check', '3'], d);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `warning: templates/partials/footer.mjml:${line}: the web version has the slot "unsubscribe_url", ` +
        'which it leaves empty (it is filled for nobody): show that part to subscribers only, ' +
        'inside {{#unless web}}…{{/unless}}\n',
    );
    expect((await enews(['build', '3'], d)).code).toBe(0);
    const html = read(d, 'dist/003/web.html');
    expect(html).toContain('<a href="" style="color: #1e2dbe;">Unsubscribe</a>');
    expect(html).not.toContain('/unsubscribe');
  });
});

describe('newsletter.yaml: site.base_url and archive_url', () => {
  it('derives "View this issue online" from site.base_url when archive_url is left out', async () => {
    const d = copyProject();
    edit(d, 'issues/newsletter.yaml', /\narchive_url: .*\n/, '\n');
    expect((await enews(['build', '3'], d)).code).toBe(0);
    expect(read(d, 'dist/003/email.html')).toContain(
      '<a href="https://www.example.org/coop/enews/003/" style="color: #1e2dbe;">View this issue online</a>',
    );
    expect(read(d, 'dist/003/email.txt')).toContain(
      'View this issue online: https://www.example.org/coop/enews/003/\n',
    );
  });

  it('adds the final slash a base URL needs', async () => {
    const d = copyProject();
    edit(d, 'issues/newsletter.yaml', 'base_url: https://www.example.org/coop/enews/', 'base_url: https://x.org/n');
    edit(d, 'issues/newsletter.yaml', /\narchive_url: .*\n/, '\n');
    expect((await enews(['build', '3'], d)).code).toBe(0);
    expect(read(d, 'dist/003/web.html')).toContain('<link rel="canonical" href="https://x.org/n/003/">');
  });

  it('accepts an archive_url that reaches the same page: …/{number}, …/{number}/, …/{number}/index.html', async () => {
    const d = copyProject();
    for (const form of ['{number}/', '{number}/index.html', '{number}']) {
      edit(
        d,
        'issues/newsletter.yaml',
        /\narchive_url: .*\n/,
        `\narchive_url: https://www.example.org/coop/enews/${form}\n`,
      );
      expect((await enews(['check', '3'], d)).code, form).toBe(0);
    }
  });

  it('refuses an archive_url that disagrees with site.base_url, at its line', async () => {
    const d = copyProject();
    edit(
      d,
      'issues/newsletter.yaml',
      /\narchive_url: .*\n/,
      '\narchive_url: https://www.example.org/news/{number}.html\n',
    );
    const line = read(d, 'issues/newsletter.yaml')
      .split('\n')
      .indexOf('archive_url: https://www.example.org/news/{number}.html');
    const r = await enews(['build', '3'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: Issue 3 cannot be built\n' +
        `  - issues/newsletter.yaml:${line + 1}:14: archive_url: disagrees with site.base_url: it links issue 1 ` +
        'to https://www.example.org/news/001.html, but the archive has that issue at ' +
        'https://www.example.org/coop/enews/001/. Remove archive_url (it is derived from site.base_url), ' +
        'or write it as https://www.example.org/coop/enews/{number}/\n',
    );
  });

  it('refuses a base URL that is not http(s), or has a ? or #, at its line', async () => {
    const d = copyProject();
    const line = read(d, 'issues/newsletter.yaml')
      .split('\n')
      .indexOf('  base_url: https://www.example.org/coop/enews/');
    edit(
      d,
      'issues/newsletter.yaml',
      'base_url: https://www.example.org/coop/enews/',
      'base_url: ftp://example.org/e/',
    );
    const r = await enews(['check', '3'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `  - issues/newsletter.yaml:${line + 1}:13: site.base_url: must start with https:// (got "ftp:")\n`,
    );
    edit(d, 'issues/newsletter.yaml', 'base_url: ftp://example.org/e/', 'base_url: https://example.org/e/?x=1');
    const q = await enews(['check', '3'], d);
    expect(q.code).toBe(1);
    expect(q.stderr).toContain(
      `  - issues/newsletter.yaml:${line + 1}:13: site.base_url: ` +
        'must be the address of a folder, without ? or #: "https://example.org/e/?x=1"\n',
    );
  });
});
