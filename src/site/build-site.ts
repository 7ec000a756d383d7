/**
 * `enews site`: the web archive, from the builds reviewers approved. It reads
 * dist/NNN/ (manifest and web.html, proved unchanged), the newsletter's
 * identity and the archive templates; it never renders an issue again (no
 * MJML), so its pages are the reviewed web versions, and it is fast.
 */
import { EnewsError } from '../errors.js';
import { contentPaths, loadNewsletter, newsletterFile } from '../content/load.js';
import type { Newsletter } from '../content/schema.js';
import { locate, parseYaml, readText } from '../content/yaml-file.js';
import { issuePagePath, issuePageUrl } from '../render/site-urls.js';
import { escapeHtml } from '../render/slots.js';
import { collectIssues, type PublishedIssue } from './collect.js';
import { atomFeed, jsonFeed } from './feeds.js';
import { indexData, issueData, siteView } from './pages.js';
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
  files: string[];
}

export function buildSite(req: SiteRequest): SiteResult {
  const paths = contentPaths(req.root);
  const { newsletter } = loadNewsletter(paths);
  const baseUrl = requireBaseUrl(newsletter, newsletterFile(paths));
  const issues = collectIssues(req.root, req.dist, req.display(req.dist));
  const templates = loadSiteTemplates(paths.templatesDir);
  const site = siteView(newsletter, baseUrl);

  const files = new Map<string, string>();
  files.set('index.html', templates.index(indexData(newsletter, site, issues)));
  issues.forEach((issue, at) => {
    files.set(issuePagePath(issue.number), templates.issue(issueData(newsletter, site, issues, at)));
  });
  files.set('feed.xml', atomFeed(newsletter, baseUrl, issues));
  files.set('feed.json', jsonFeed(newsletter, baseUrl, issues));
  files.set('sitemap.xml', sitemap(newsletter, baseUrl, issues));
  files.set('robots.txt', `User-agent: *\nAllow: /\n\nSitemap: ${baseUrl}sitemap.xml\n`);
  writeSite(req.out, req.display(req.out), files);
  return { out: req.out, baseUrl, issues: issues.map((i) => i.number), files: [...files.keys()] };
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

function sitemap(newsletter: Newsletter, baseUrl: string, issues: PublishedIssue[]): string {
  const url = (loc: string, date: string) => `  <url><loc>${escapeHtml(loc)}</loc><lastmod>${date}</lastmod></url>\n`;
  const newest = issues[issues.length - 1]!;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' +
    url(baseUrl, newest.date) +
    [...issues]
      .reverse()
      .map((i) => url(issuePageUrl(newsletter, i.number)!, i.date))
      .join('') +
    '</urlset>\n'
  );
}
