/**
 * `enews site`: the web archive, from the builds reviewers approved. It reads
 * dist/NNN/ (manifest and web.html, proved unchanged), the newsletter's
 * identity and the archive templates; it never renders an issue again (no
 * MJML), so its pages are the reviewed web versions, whatever today's email
 * templates say, and it is fast. Today's archive templates (index, issue
 * page chrome, feeds) apply to every issue. Each build's pictures go to
 * assets/ at the top of the site, where the emails name them (shared by all
 * issues: a file's name is its content's hash, so one name is one picture),
 * with today's logo for the index, made like the builds make theirs.
 */
import { readFileSync } from 'node:fs';
import { EnewsError } from '../errors.js';
import { contentPaths, type LoadedNewsletter, loadNewsletter, newsletterFile } from '../content/load.js';
import { localizeNewsletter } from '../content/newsletter-languages.js';
import type { Newsletter } from '../content/schema.js';
import { locate, parseYaml, readText } from '../content/yaml-file.js';
import { withPublishedImages } from '../images/in-content.js';
import { imageFiles, publishImages, shownWidth, useKey } from '../images/publish.js';
import { issuePagePath, issuePageUrl, languageFolder, siteIndexUrl } from '../render/site-urls.js';
import { escapeHtml } from '../render/slots.js';
import { loadStrings, Translator } from '../render/strings.js';
import { collectIssues } from './collect.js';
import { atomFeed, jsonFeed } from './feeds.js';
import { indexData, issueData, languageLinks, type SiteLanguage, siteView, versionIn } from './pages.js';
import { loadSiteTemplates } from './templates.js';
import { writeSite } from './write-site.js';

export interface SiteRequest {
  root: string;
  /** Where the builds are (default dist/). */
  dist: string;
  out: string;
  /** Paths as the person typed them, for messages. */
  display: (file: string) => string;
}

export interface SiteResult {
  out: string;
  baseUrl: string;
  issues: number[];
  /** Issues whose sources changed since their build: published as they were built. */
  changedSinceBuild: number[];
  files: string[];
  /** Each language of the archive, the default first, with its folder ('' for the default) and its issues. */
  languages: Array<{ language: string; folder: string; issues: number[] }>;
  /** How many picture files it publishes in assets/. */
  assets: number;
}

/**
 * One archive per language, from each issue's version in it: the default language's at the top
 * of the site, every other one in its folder (fr/), with its own index and feeds. Each page names its versions in the other languages (hreflang).
 */
export async function buildSite(req: SiteRequest): Promise<SiteResult> {
  const paths = contentPaths(req.root);
  const loaded = loadNewsletter(paths);
  const { newsletter, languages } = loaded;
  const baseUrl = requireBaseUrl(newsletter, newsletterFile(paths));
  const issues = collectIssues(req.root, req.dist, req.display(req.dist));
  const logo = await siteLogo(req.root, loaded, baseUrl);
  const templates = loadSiteTemplates(paths.templatesDir);
  const strings = loadStrings(paths.templatesDir, languages);
  const siteLanguages = languages
    .map((language) => {
      const all = new Translator(strings.get(language)!);
      const fallback = all.has('fallback_name') ? all.t('fallback_name') : undefined;
      const lang: SiteLanguage = {
        newsletter: logo.withUrl(localizeNewsletter(newsletter, language, fallback)),
        tr: new Translator(strings.get(language)!, 'site'),
        signup: new Translator(strings.get(language)!, 'signup_page'),
        folder: languageFolder(language, languages[0]!),
      };
      return { lang, issues: issues.flatMap((i) => versionIn(i, language) ?? []) };
    })
    .filter((l) => l.issues.length > 0);

  const files = new Map<string, string | Buffer>();
  for (const { lang, issues: own } of siteLanguages) {
    const site = siteView(lang.newsletter, baseUrl, lang.signup, logo.size);
    const indexes = siteLanguages.map((l) => ({ lang: l.lang, absolute: siteIndexUrl(l.lang.newsletter)! }));
    files.set(
      `${lang.folder}index.html`,
      templates.index(indexData(lang, site, own, languageLinks(indexes, lang, 0, 'index.html'))),
    );
    own.forEach((issue, at) => {
      const page = issuePagePath(issue.number);
      const versions = siteLanguages
        .filter((l) => l.issues.some((i) => i.number === issue.number))
        .map((l) => ({ lang: l.lang, absolute: issuePageUrl(l.lang.newsletter, issue.number)! }));
      const links = languageLinks(versions, lang, 1, page);
      files.set(`${lang.folder}${page}`, templates.issue(issueData(lang, site, own, at, links)));
    });
    files.set(`${lang.folder}feed.xml`, atomFeed(lang.newsletter, own));
    files.set(`${lang.folder}feed.json`, jsonFeed(lang.newsletter, own));
  }
  files.set('sitemap.xml', sitemap(siteLanguages.map((l) => ({ newsletter: l.lang.newsletter, issues: l.issues }))));
  files.set('robots.txt', `User-agent: *\nAllow: /\n\nSitemap: ${baseUrl}sitemap.xml\n`);
  const assets = new Map<string, Buffer>(logo.assets);
  for (const issue of issues) {
    for (const a of issue.assets) if (!assets.has(a.path)) assets.set(a.path, readFileSync(a.file));
  }
  for (const [name, bytes] of [...assets].sort(([a], [b]) => (a < b ? -1 : 1))) files.set(name, bytes);
  writeSite(req.out, req.display(req.out), files);
  return {
    out: req.out,
    baseUrl,
    issues: issues.map((i) => i.number),
    changedSinceBuild: issues.filter((i) => i.changedSinceBuild).map((i) => i.number),
    files: [...files.keys()],
    languages: siteLanguages.map((l) => ({
      language: l.lang.newsletter.language,
      folder: l.lang.folder,
      issues: l.issues.map((i) => i.number),
    })),
    assets: assets.size,
  };
}

/**
 * Today's logo, for the index, the issue pages' chrome and the feeds: a file of the project is made
 * as a build makes it and published with the rest; a web address is used as it is.
 */
async function siteLogo(root: string, nl: LoadedNewsletter, baseUrl: string) {
  const logo = nl.newsletter.logo;
  const uses = logo
    ? [
        {
          src: logo.src,
          role: 'logo' as const,
          ...(logo.width ? { width: logo.width } : {}),
          location: locate(nl.src, ['logo', 'src']),
        },
      ]
    : [];
  const { published, problems } = await publishImages(root, uses, baseUrl);
  if (problems.length > 0) {
    throw new EnewsError('site-logo', `${nl.input.file} names a logo the archive cannot show:`, { problems });
  }
  const image = logo ? published.images.get(useKey(logo.src, shownWidth(uses[0]!))) : undefined;
  return {
    withUrl: (n: Newsletter) => withPublishedImages({ newsletter: n, items: [] }, published).newsletter,
    size: image ? { width: image.width, height: image.height } : null,
    assets: image ? imageFiles(image).map((a): [string, Buffer] => [a.path, a.bytes]) : [],
  };
}

/** The archive needs to know where it is published: canonical addresses, feeds and the sitemap are absolute. */
function requireBaseUrl(newsletter: Newsletter, file: string): string {
  if (newsletter.site) return newsletter.site.base_url;
  const src = parseYaml(file, readText(file, 'the identity of the newsletter'));
  const template = newsletter.archive_url ?? '';
  const guess = /^(https?:\/\/.*\/)\{number\}\/?$/.exec(template)?.[1];
  throw new EnewsError('no-site-url', `${file} does not say where the archive is published.`, {
    problems: [
      {
        message: 'enews site needs site.base_url: the address the site/ folder is published at',
        location: locate(src, newsletter.archive_url ? ['archive_url'] : []),
        hint:
          `Add to newsletter.yaml:\n      site:\n        base_url: ${guess ?? 'https://www.example.org/enews/'}` +
          (guess ? '\n    (taken from archive_url, whose links then keep working).' : ''),
      },
    ],
  });
}

/** Every page of every language, the default language's first. */
function sitemap(
  languages: Array<{ newsletter: Newsletter; issues: Array<{ number: number; date: string }> }>,
): string {
  const url = (loc: string, date: string) => `  <url><loc>${escapeHtml(loc)}</loc><lastmod>${date}</lastmod></url>\n`;
  const entries = languages.map(({ newsletter, issues }) => {
    const newest = issues[issues.length - 1]!;
    return (
      url(siteIndexUrl(newsletter)!, newest.date) +
      [...issues]
        .reverse()
        .map((i) => url(issuePageUrl(newsletter, i.number)!, i.date))
        .join('')
    );
  });
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
    entries.join('') +
    '</urlset>\n'
  );
}
