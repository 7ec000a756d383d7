import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCopy } from '../../tests/helpers/builds.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { localizeNewsletter } from '../content/newsletter-languages.js';
import type { Newsletter } from '../content/schema.js';
import { loadStrings, Translator } from '../render/strings.js';
import { collectIssues, type PublishedIssue } from './collect.js';
import {
  indexData,
  issueData,
  issueEntry,
  languageLinks,
  siteView,
  versionIn,
  webParts,
  type SiteLanguage,
} from './pages.js';

const BASE = 'https://www.example.org/coop/enews/';

/** The example project with issues 2 and 3 built, its archive's languages, and the issues as collected. */
let issues: PublishedIssue[];
let langs: Record<'en' | 'fr' | 'es', SiteLanguage>;
let newsletter: Newsletter;
let signupFr: Translator;
beforeAll(async () => {
  const dir = await builtCopy([2, 3]);
  issues = collectIssues(dir, path.join(dir, 'dist'), 'dist');
  const paths = contentPaths(dir);
  newsletter = loadNewsletter(paths).newsletter;
  const strings = loadStrings(paths.templatesDir, ['en', 'fr', 'es']);
  const lang = (language: string, folder: string): SiteLanguage => ({
    newsletter: localizeNewsletter(newsletter, language),
    tr: new Translator(strings.get(language)!, 'site'),
    folder,
  });
  langs = { en: lang('en', ''), fr: lang('fr', 'fr/'), es: lang('es', 'es/') };
  signupFr = new Translator(strings.get('fr')!, 'signup_page');
});

const versions = (language: string) => issues.flatMap((i) => versionIn(i, language) ?? []);

describe('siteView', () => {
  it("is the newsletter's identity as the archive shows it, at its language's address", () => {
    expect(siteView(newsletter, BASE)).toEqual({
      title: 'ILO COOP eNewsUpdate',
      description: 'News on cooperatives and the social and solidarity economy from the ILO Cooperatives Unit.',
      language: 'en',
      dir: 'ltr',
      rtl: false,
      url: BASE,
      // newsletter.yaml has subscribe: its sign-up page is where the archive sends readers to join.
      subscribe_url: 'https://www.example.org/coop/enews/subscribe',
      // As newsletter.yaml names it: enews site puts the published address in (build-site.ts).
      logo: { src: 'images/logo.png', alt: 'COOP', width: 160, height: null },
      brand: { color: '#1e2dbe', text_color: '#222222' },
      postal_address_lines: [
        'International Labour Office, Cooperatives Unit',
        '4 route des Morillons',
        'CH-1211 Geneva 22, Switzerland',
      ],
      feed_atom: 'feed.xml',
      feed_json: 'feed.json',
      signup: null,
    });
    expect(siteView(langs.fr.newsletter, BASE)).toMatchObject({
      language: 'fr',
      url: `${BASE}fr/`,
      description:
        'Actualités sur les coopératives et l’économie sociale et solidaire, ' +
        'par le Service des coopératives de l’OIT.',
    });
    // With the sign-up page's words (subscribe.on_site), the form, posting to the page in the archive's language.
    const fr = siteView(langs.fr.newsletter, BASE, signupFr);
    expect(fr.subscribe_url).toBe('https://www.example.org/coop/enews/subscribe?l=fr');
    expect(fr.signup?.action).toBe('https://www.example.org/coop/enews/subscribe?l=fr');
    expect(fr.signup?.fields).toContain('name="website"');
    // The size enews made the logo at, when it made it: the index's <img> gets its height.
    expect(siteView(newsletter, BASE, null, { width: 160, height: 54 }).logo).toMatchObject({ width: 160, height: 54 });
    const ar = siteView({ ...newsletter, language: 'ar', languages: ['en', 'ar'] }, BASE);
    expect([ar.dir, ar.rtl, ar.url]).toEqual(['rtl', true, `${BASE}ar/`]);
  });
});

describe('index and issue pages', () => {
  it("an index lists its language's issues newest first, each linked relative to the index", () => {
    const data = indexData(langs.fr, siteView(langs.fr.newsletter, BASE), versions('fr'), []);
    expect(data.root).toBe('');
    expect(data.issues.map((i) => [i.number_padded, i.date_long, i.subject, i.url, i.page_url])).toEqual([
      ['003', '26 avril 2017', 'ILO COOP eNewsUpdate n° 3', '003/index.html', `${BASE}fr/003/`],
      ['002', '21 mars 2017', 'ILO COOP eNewsUpdate n° 2', '002/index.html', `${BASE}fr/002/`],
    ]);
  });

  it('an issue page links the issues before and after it, and shows the web version as built', () => {
    const own = versions('en');
    const site = siteView(newsletter, BASE);
    const first = issueData(langs.en, site, own, 0, []);
    expect(first.root).toBe('../');
    expect([first.issue.number, first.issue.url, first.older, first.newer?.number, first.newer?.url]).toEqual([
      2,
      '../002/index.html',
      null,
      3,
      '../003/index.html',
    ]);
    const last = issueData(langs.en, site, own, 1, []);
    expect([last.older?.number, last.newer]).toEqual([2, null]);
    expect(last.page).toMatchObject({
      title: 'ILO COOP eNewsUpdate No. 3',
      url: `${BASE}003/`,
      language: 'en',
      date: '2017-04-26',
    });
    expect(last.web).toEqual(webParts(issues[1]!.webHtml));
    expect(last.web.body.length).toBeGreaterThan(1000);
    expect(issues[1]!.webHtml).toContain(last.web.body);
  });

  it('an entry is dated in its own language', () => {
    const v = versionIn(issues[1]!, 'es')!;
    expect(issueEntry(langs.es.newsletter, v, '../')).toMatchObject({
      number: 3,
      number_padded: '003',
      date: '2017-04-26',
      date_long: '26 de abril de 2017',
      url: '../003/index.html',
      page_url: `${BASE}es/003/`,
    });
    expect(versionIn(issues[1]!, 'de')).toBeNull();
  });
});

describe('languageLinks', () => {
  const all = () =>
    (['en', 'fr', 'es'] as const).map((l) => ({ lang: langs[l], absolute: `${BASE}${langs[l].folder}003/` }));

  it('leads from a page to the same page in each language, relative to where the page is', () => {
    expect(languageLinks(all(), langs.en, 0, 'index.html').map((l) => l.href)).toEqual([
      'index.html',
      'fr/index.html',
      'es/index.html',
    ]);
    expect(languageLinks(all(), langs.fr, 1, '003/index.html')).toEqual([
      { code: 'en', name: 'English', url: `${BASE}003/`, href: '../../003/index.html', current: false },
      { code: 'fr', name: 'Français', url: `${BASE}fr/003/`, href: '../../fr/003/index.html', current: true },
      { code: 'es', name: 'Español', url: `${BASE}es/003/`, href: '../../es/003/index.html', current: false },
    ]);
  });

  it('is empty when the page is in one language only', () => {
    expect(languageLinks(all().slice(0, 1), langs.en, 1, '003/index.html')).toEqual([]);
  });
});

describe('webParts', () => {
  it("takes the web version's styles, without Outlook's conditional ones, and its body as it is", () => {
    const html =
      '<!doctype html><html><head><title>x</title><style type="text/css">a { color: red; }</style>' +
      '<!--[if mso]><style>.mso { x: y; }</style><![endif]--><style>@media (max-width: 480px) { p { margin: 0; } }' +
      '</style></head><body style="margin:0">\n  <div class="email">Hello</div>\n</body></html>';
    expect(webParts(html)).toEqual({
      styles:
        '<style type="text/css">a { color: red; }</style>\n' +
        '<style>@media (max-width: 480px) { p { margin: 0; } }</style>',
      body: '<div class="email">Hello</div>',
    });
    expect(webParts('<p>no document</p>')).toEqual({ styles: '', body: '' });
  });
});
