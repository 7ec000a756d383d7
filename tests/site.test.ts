/**
 * `enews site`: the web archive of the example's three issues, opened in real
 * Chromium from file:// and from a static web server that serves site/ at the
 * base URL's path (/coop/enews/), as a host would; its feeds read by real
 * parsers; and every way it must refuse.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { simpleParser } from 'mailparser';
import { XMLParser } from 'fast-xml-parser';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { sealToken } from '../src/personalize/token.js';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, emptyDir, read, REPO, write } from './helpers/project.js';
import { requireTool } from './helpers/tools.js';

const SECRET = 'AjwbAbx/8MR7EGQfHWY/yGuz2nukyRrB04g7n9X8oK4=';
const BASE = 'https://www.example.org/coop/enews/';
/** The pictures each page loads (the logo, and issue 3's picture of Consorzio Copernico), from the site's assets/. */
const PICTURES: Record<string, RegExp[]> = {
  'index.html': [/^logo-320w-[0-9a-f]{12}\.png$/],
  // An issue page is its web version: 1× files at this density (srcset), the photograph in WebP.
  '003/index.html': [/^logo-160w-[0-9a-f]{12}\.png$/, /^copernico-552w-[0-9a-f]{12}\.webp$/],
  '002/index.html': [/^logo-160w-[0-9a-f]{12}\.png$/],
  '001/index.html': [/^logo-160w-[0-9a-f]{12}\.png$/],
};
const ASSETS = [
  /^assets\/copernico-1104w-[0-9a-f]{12}\.jpg$/,
  /^assets\/copernico-1104w-[0-9a-f]{12}\.webp$/,
  /^assets\/copernico-552w-[0-9a-f]{12}\.webp$/,
  /^assets\/copernico-552w-[0-9a-f]{12}\.jpg$/,
  /^assets\/logo-160w-[0-9a-f]{12}\.png$/,
  /^assets\/logo-320w-[0-9a-f]{12}\.png$/,
].map((p) => expect.stringMatching(p));
const PAGES = ['index.html', '003/index.html', '002/index.html', '001/index.html'];
const SUMMARY_3 =
  'This latest issue of the ILO COOP Newsletter highlights a number of recent events and developments on ' +
  'cooperatives. Among others, it includes an article on a future of work and cooperatives event; presents the ' +
  'work of an ILO colleague working on SSE in Tunisia; and showcases how an Italian social cooperative consortium ' +
  'supports its members.';

let dir: string;
let siteDir: string;
let browser: Browser;
let server: http.Server;
let origin: string;
const served404: string[] = [];

/** A static host: site/ at /coop/enews/, index.html for a folder, and a folder without its slash redirected. */
function startStatic(root: string, prefix: string): Promise<http.Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.xml': 'application/xml',
    '.json': 'application/json',
  };
  const s = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    let file = path.join(root, decodeURIComponent(pathname.slice(prefix.length)));
    if (!pathname.startsWith(prefix) && `${pathname}/` !== prefix) file = '';
    if (file && existsSync(file) && statSync(file).isDirectory()) {
      if (!pathname.endsWith('/')) {
        res.writeHead(301, { Location: `${pathname}/` }).end();
        return;
      }
      file = path.join(file, 'index.html');
    }
    if (!file.startsWith(root) || !existsSync(file)) {
      served404.push(pathname);
      res.writeHead(404).end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': `${types[path.extname(file)] ?? 'text/plain'}; charset=utf-8` });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

/** Every file of a folder: relative path → content hash. */
function tree(d: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(d).sort()) {
    const full = path.join(d, name);
    if (statSync(full).isDirectory()) Object.assign(out, tree(full, `${rel}${name}/`));
    else out[`${rel}${name}`] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}

beforeAll(async () => {
  dir = copyProject();
  for (const n of ['1', '2', '3'])
    expect((await enews(['build', n], dir, { UNSUBSCRIBE_SECRET: SECRET })).code).toBe(0);
  const r = await enews(['site'], dir);
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe(
    'Wrote the archive of 3 issues (No. 1 to No. 3) to site/\n' +
      '  index.html, feed.xml, feed.json, sitemap.xml, robots.txt and 3 issue pages (001/index.html…)\n' +
      '  assets/: 6 picture files the emails show\n' +
      '  fr/ (French): index.html, feed.xml, feed.json and 3 issue pages (fr/001/index.html…)\n' +
      '  es/ (Spanish): index.html, feed.xml, feed.json and 3 issue pages (es/001/index.html…)\n' +
      `Publish the folder at ${BASE} (any static web host).\n`,
  );
  expect(r.code).toBe(0);
  siteDir = path.join(dir, 'site');
  server = await startStatic(siteDir, '/coop/enews/');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser(requireTool('chromium'));
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(null)));
});

/** Opens a page with every request that leaves the site recorded and refused (the tests work offline). */
async function open(url: string, width = 1024): Promise<{ page: Page; left: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  const left: string[] = [];
  await page.route(/^https?:/, (route) => {
    if (route.request().url().startsWith(`${origin}/`)) return route.continue();
    left.push(`${route.request().resourceType()} ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, left };
}

const urlOf = (mode: 'file' | 'http', rel: string) =>
  mode === 'file' ? pathToFileURL(path.join(siteDir, rel)).href : `${origin}/coop/enews/${rel}`;

describe('enews site: the archive of issues 1-3', () => {
  it('lists the issues newest first, each with number, date and summary, like the listing on the web', async () => {
    const { page } = await open(urlOf('file', 'index.html'));
    expect(await page.title()).toBe('ILO COOP eNewsUpdate: all issues');
    expect(await page.locator('main li h2').allInnerTexts()).toEqual([
      'ILO COOP eNewsUpdate No. 3',
      'ILO COOP eNewsUpdate No. 2',
      'ILO COOP eNewsUpdate No. 1',
    ]);
    expect(await page.locator('main li time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')))).toEqual([
      '2017-04-26',
      '2017-03-21',
      '2017-02-14',
    ]);
    expect(await page.locator('main li time').allInnerTexts()).toEqual([
      '26 April 2017',
      '21 March 2017',
      '14 February 2017',
    ]);
    // Each entry says its date once: under the title, not in it as well.
    const entries = await page.locator('main li').allInnerTexts();
    expect(entries.map((e) => e.split(/(\d+ \w+ 2017)/).filter((part) => /^\d+ \w+ 2017$/.test(part)))).toEqual([
      ['26 April 2017'],
      ['21 March 2017'],
      ['14 February 2017'],
    ]);
    const summaries = await page.locator('main li .summary').allInnerTexts();
    expect(summaries).toHaveLength(3);
    expect(summaries[0]).toBe(SUMMARY_3);
    expect(summaries[1]).toBe(
      'The newsletter includes articles on various events, projects, training and meetings related to the work ' +
        'of the ILO and Cooperatives.',
    );
    await page.close();
  });

  it('puts each issue at the path its archive_url names, and the web version is its body', () => {
    // The example is in English, French and Spanish: each other language has its archive in its folder.
    expect(Object.keys(tree(siteDir))).toEqual([
      '.enews-site',
      '001/index.html',
      '002/index.html',
      '003/index.html',
      ...ASSETS,
      'es/001/index.html',
      'es/002/index.html',
      'es/003/index.html',
      'es/feed.json',
      'es/feed.xml',
      'es/index.html',
      'feed.json',
      'feed.xml',
      'fr/001/index.html',
      'fr/002/index.html',
      'fr/003/index.html',
      'fr/feed.json',
      'fr/feed.xml',
      'fr/index.html',
      'index.html',
      'robots.txt',
      'sitemap.xml',
    ]);
    const web = read(dir, 'dist/003/web.html');
    const body = /<body\b[^>]*>([\s\S]*)<\/body>/.exec(web)![1]!.trim();
    expect(read(dir, 'site/003/index.html')).toContain(`<main>\n${body}\n</main>`);
  });

  it('the "View this issue online" link of a sent message opens issue 3 on a static host', async () => {
    const r = await enews(['send', '3', '--subscribers', 'subscribers.example.csv', '--dry-run', 'out'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(r.code).toBe(0);
    const mail = await simpleParser(readFileSync(path.join(dir, 'out/1.eml')));
    const links = [...String(mail.html).matchAll(/<a href="([^"]+)"[^>]*>View this issue online<\/a>/g)];
    expect(links.map((m) => m[1])).toEqual(['https://www.example.org/coop/enews/003']);
    const { page } = await open(links[0]![1]!.replace('https://www.example.org', origin));
    expect(page.url()).toBe(`${origin}/coop/enews/003/`);
    expect(await page.title()).toBe('ILO COOP eNewsUpdate No. 3');
    expect(await page.locator('link[rel=canonical]').getAttribute('href')).toBe(`${BASE}003/`);
    await page.close();
  });

  for (const mode of ['file', 'http'] as const) {
    it(`${mode}: every link resolves to a file of the site; only the email's own images are fetched`, async () => {
      for (const rel of PAGES) {
        const { page, left } = await open(urlOf(mode, rel));
        const refs = await page.evaluate(() =>
          [...document.querySelectorAll('a[href], link[href], img[src], script[src], iframe[src]')].map((e) => ({
            tag: e.tagName.toLowerCase(),
            rel: e.getAttribute('rel'),
            raw: e.getAttribute('href') ?? e.getAttribute('src')!,
            url: (e as HTMLAnchorElement).href || (e as HTMLImageElement).src,
          })),
        );
        // The index shows the logo, an image every email has; an issue page what its own email has.
        const email = read(dir, `dist/${rel === 'index.html' ? '003' : rel.slice(0, 3)}/email.html`);
        for (const ref of refs) {
          if (/^https?:/.test(ref.raw)) {
            // Absolute: the canonical address and the same page in the other languages (hreflang: search
            // engines want them absolute), or a link or image the email itself has (never a page of the site).
            if (ref.tag === 'link') expect(['canonical', 'alternate'], ref.raw).toContain(ref.rel);
            // The sign-up page is enews serve's (newsletter.yaml's subscribe.url), in the page's language.
            else if (/^https:\/\/www\.example\.org\/coop\/enews\/subscribe(\?l=[a-z]+)?$/.test(ref.raw)) continue;
            else expect(email, `${rel}: ${ref.raw}`).toContain(`"${ref.raw}"`);
            continue;
          }
          if (mode === 'file') {
            const file = fileURLToPath(ref.url.replace(/#.*$/, ''));
            expect(existsSync(file) && statSync(file).isFile(), `${rel}: ${ref.raw}`).toBe(true);
          } else {
            expect((await fetch(ref.url, { redirect: 'manual' })).status, `${rel}: ${ref.raw}`).toBe(200);
          }
        }
        expect(refs.filter((r) => r.tag === 'a' && !/^https?:/.test(r.raw)).length).toBeGreaterThanOrEqual(3);
        expect(refs.filter((r) => r.tag === 'script' || r.tag === 'iframe')).toEqual([]);
        // Only pictures at the site's address, which the site holds: they load once it is published there.
        const pictures = left.map((l) => l.replace(`image ${BASE}assets/`, ''));
        expect(pictures, rel).toEqual(PICTURES[rel]!.map((p) => expect.stringMatching(p)));
        for (const p of pictures) expect(existsSync(path.join(siteDir, 'assets', p)), p).toBe(true);
        await page.close();
      }
      expect(served404).toEqual([]);
    });
  }

  it('has no horizontal scrolling at 375 px on any page', async () => {
    for (const rel of PAGES) {
      const { page } = await open(urlOf('file', rel), 375);
      const m = await page.evaluate(() => ({
        client: document.documentElement.clientWidth,
        scroll: document.documentElement.scrollWidth,
      }));
      expect(m.client, rel).toBe(375);
      expect(m.scroll, rel).toBeLessThanOrEqual(375);
      await page.close();
    }
  });

  it('axe-core finds no serious or critical violation on the index and an issue page', async () => {
    const axe = readFileSync(path.join(REPO, 'node_modules/axe-core/axe.min.js'), 'utf8');
    for (const rel of ['index.html', '003/index.html']) {
      const { page } = await open(urlOf('file', rel));
      await page.addScriptTag({ content: axe });
      const violations = await page.evaluate(async () => {
        const result = await (window as unknown as { axe: { run: () => Promise<AxeResult> } }).axe.run();
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
      });
      expect(
        violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
        rel,
      ).toEqual([]);
      await page.close();
    }
  });

  it('writes an Atom feed and a JSON Feed with one entry per issue, newest first', () => {
    const atom = new XMLParser({ ignoreAttributes: false }).parse(read(dir, 'site/feed.xml')).feed;
    expect(atom['@_xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(atom.id).toBe(BASE);
    expect(atom.updated).toBe('2017-04-26T00:00:00.000Z');
    expect(atom.entry).toHaveLength(3);
    expect(atom.entry.map((e: { id: string }) => e.id)).toEqual([`${BASE}003/`, `${BASE}002/`, `${BASE}001/`]);
    expect(atom.entry.map((e: { updated: string }) => e.updated)).toEqual([
      '2017-04-26T00:00:00.000Z',
      '2017-03-21T00:00:00.000Z',
      '2017-02-14T00:00:00.000Z',
    ]);
    expect(atom.entry[0].title['#text']).toBe('ILO COOP eNewsUpdate No. 3');
    expect(atom.entry[0].link['@_href']).toBe(`${BASE}003/`);
    expect(atom.entry[0].summary['#text']).toBe(SUMMARY_3);

    const json = JSON.parse(read(dir, 'site/feed.json'));
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.title).toBe('ILO COOP eNewsUpdate');
    expect(json.home_page_url).toBe(BASE);
    expect(json.feed_url).toBe(`${BASE}feed.json`);
    expect(json.language).toBe('en');
    expect(json.items).toHaveLength(3);
    expect(json.items.map((i: { id: string }) => i.id)).toEqual([`${BASE}003/`, `${BASE}002/`, `${BASE}001/`]);
    expect(json.items.map((i: { date_published: string }) => i.date_published.slice(0, 10))).toEqual([
      '2017-04-26',
      '2017-03-21',
      '2017-02-14',
    ]);
    expect(json.items[0]).toMatchObject({
      url: `${BASE}003/`,
      title: 'ILO COOP eNewsUpdate No. 3',
      summary: SUMMARY_3,
    });
    expect(json.items[0].content_html).toContain(`<a href="${BASE}003/">ILO COOP eNewsUpdate No. 3</a>`);
  });

  it('holds no personal data: no subscriber name, address or token anywhere under site/', () => {
    const token = sealToken(SECRET, 'enews.coop.example.org', 'zoe.martin@example.org', 3);
    const files = Object.keys(tree(siteDir));
    expect(files).toHaveLength(27);
    for (const f of files.filter((name) => !name.startsWith('assets/'))) {
      const text = read(siteDir, f);
      for (const personal of ['Zoë', 'Martin', 'zoe.martin', token, '?t=', '/unsubscribe', 'mailto:']) {
        expect(text, `${f}: ${personal}`).not.toContain(personal);
      }
    }
  });

  it('writes the same bytes on a second run', async () => {
    const before = tree(siteDir);
    expect((await enews(['site'], dir)).code).toBe(0);
    expect(tree(siteDir)).toEqual(before);
  });

  it('never loads MJML: it reads the builds, it does not render again', async () => {
    // MJML as installed (a module named mjml) or as bundled for the worker (lib/bundle/mjml.cjs, which is read):
    // either is refused, in every thread.
    const hook =
      'data:text/javascript,' +
      encodeURIComponent(
        'import fs from "node:fs";import{register,syncBuiltinESMExports}from"node:module";' +
          'const read=fs.readFileSync;fs.readFileSync=function(p,...a){' +
          'if(String(p).endsWith("mjml.cjs"))throw new Error("MJML loaded");return read.call(this,p,...a)};' +
          'syncBuiltinESMExports();' +
          'register("data:text/javascript,"+encodeURIComponent(' +
          '"export async function resolve(s,c,n){if(s===\\"mjml\\")throw new Error(\\"MJML loaded\\");return n(s,c)}"))',
      );
    const env = { NODE_OPTIONS: `--import=${hook}` };
    const site = await runCli(['site', '--out', 'site-sub'], { cwd: dir, env });
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    // The hook does catch MJML: `check` renders the issue, so there it fails.
    const check = await runCli(['check', '3'], { cwd: dir, env });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('MJML loaded');
  });
});

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; nodes: unknown[] }>;
}

/** A copy of the example project with these issues built. */
async function built(numbers: string[]): Promise<string> {
  const d = copyProject();
  for (const n of numbers) expect((await enews(['build', n], d)).code).toBe(0);
  return d;
}

describe('enews site publishes each issue as it was built: a published issue is a record', () => {
  const OLD_TITLE = 'Coop Bulletin';
  const NEW_TITLE = 'The Cooperative Digest';

  /** Each issue page of site/, by path. */
  function issuePages(d: string): Record<string, string> {
    return Object.fromEntries(
      Object.keys(tree(path.join(d, 'site')))
        .filter((f) => /^\d{3}\/index\.html$/.test(f))
        .map((f) => [f, read(d, `site/${f}`)]),
    );
  }

  it('after an ejected footer, a changed footer and a new title, every past issue is published unchanged', async () => {
    const parent = emptyDir();
    const flags = ['--yes', '--title', OLD_TITLE, '--site-url', 'https://coop.example.net/news/'];
    expect((await enews(['init', 'news', ...flags], parent)).code).toBe(0);
    const d = path.join(parent, 'news');
    expect((await enews(['build', '1'], d)).code).toBe(0);
    expect((await enews(['new', '--date', '2999-01-01'], d)).code).toBe(0);
    expect((await enews(['build', '2'], d)).code).toBe(0);
    expect((await enews(['site'], d)).code).toBe(0);
    const site = tree(path.join(d, 'site'));
    const pages = issuePages(d);
    expect(Object.keys(pages)).toEqual(['001/index.html', '002/index.html']);

    // Ejected as it is: the footer is now the project's file, so both builds are stale for sending.
    expect((await enews(['templates', 'eject', 'partials/footer.mjml'], d)).code).toBe(0);
    const ejected = await enews(['site'], d);
    expect(ejected.stderr).toBe('');
    expect(ejected.code).toBe(0);
    expect(ejected.stdout).toContain(
      'Published as built: issues 1, 2 have changed since their build (build and review again to publish a change).\n',
    );
    expect(tree(path.join(d, 'site'))).toEqual(site);

    edit(d, 'templates/partials/footer.mjml', '</mj-text>', '<p>Printed on recycled electrons.</p></mj-text>');
    expect((await enews(['site'], d)).code).toBe(0);
    expect(tree(path.join(d, 'site'))).toEqual(site);

    // A new title: today's archive templates show it around each issue; the issue itself is as built.
    edit(d, 'issues/newsletter.yaml', `title: ${OLD_TITLE}`, `title: ${NEW_TITLE}`);
    expect((await enews(['site'], d)).code).toBe(0);
    const now = issuePages(d);
    for (const [page, html] of Object.entries(now)) {
      expect(html, page).toContain(NEW_TITLE);
      expect(html.replaceAll(NEW_TITLE, OLD_TITLE), page).toBe(pages[page]);
    }
    expect(read(d, 'site/index.html')).toContain(`<h1>${NEW_TITLE}</h1>`);

    // Sending is what staleness stops: a build is sent only as long as it is what its sources make.
    const send = await enews(['send', '1', '--subscribers', 'subscribers.example.csv', '--dry-run', 'out'], d);
    expect(send.code).toBe(1);
    expect(send.stderr).toContain('no longer matches what it was made from');
  });

  it('when an input changed since a build: published as built, and the issue is named', async () => {
    const d = await built(['1', '2', '3']);
    expect((await enews(['site'], d)).code).toBe(0);
    const before = tree(path.join(d, 'site'));
    edit(d, 'issues/002.yaml', 'The newsletter includes', 'This newsletter includes');
    const r = await enews(['site'], d);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Published as built: issue 2 has changed since its build (build and review again to publish a change).\n',
    );
    expect(tree(path.join(d, 'site'))).toEqual(before);
  });
});

describe('enews site: what a summary says', () => {
  it('a Markdown link in the intro is its words in the listing and the feeds, never its address', async () => {
    const d = copyProject();
    const link = '[a number of recent events](https://www.example.org/coop/events)';
    edit(d, 'issues/003.yaml', 'highlights a number of recent events and', `highlights ${link} and`);
    expect((await enews(['build', '3'], d)).code).toBe(0);
    // The text part keeps the address, where a reader can copy it.
    expect(read(d, 'dist/003/email.txt').replace(/\s+/g, ' ')).toContain(
      'a number of recent events <https://www.example.org/coop/events>',
    );
    expect((await enews(['site'], d)).code).toBe(0);
    expect(/<p class="summary">([^<]*)<\/p>/.exec(read(d, 'site/index.html'))?.[1]).toBe(SUMMARY_3);
    expect(JSON.parse(read(d, 'site/feed.json')).items[0].summary).toBe(SUMMARY_3);
    expect(JSON.parse(read(d, 'dist/003/manifest.json')).summary).toBe(SUMMARY_3);
    expect(read(d, 'site/feed.xml')).not.toContain('coop/events');
  });
});

describe('enews site refuses, and says why', () => {
  it('when nothing is built: exit 1, nothing written', async () => {
    const d = copyProject();
    const r = await enews(['site'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: There are no built issues in dist/, so there is no archive to write.\n' +
        '  - Build the issues first, e.g. enews build 3, then run enews site again.\n',
    );
    expect(existsSync(path.join(d, 'site'))).toBe(false);
  });

  it('when a built web.html was edited, or a build did not finish: each issue by name', async () => {
    const d = await built(['1', '2', '3']);
    write(d, 'dist/003/web.html', read(d, 'dist/003/web.html').replace('Dear reader,', 'Dear reader!'));
    mkdirSync(path.join(d, 'dist', '004'));
    const r = await enews(['site'], d);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      'error: The archive was not written: issues 3, 4 are not as built and reviewed (4 problems):',
    );
    expect(lines[1]).toMatch(
      /^ {2}- .*dist\/003\/web\.html: issue 3: web\.html was changed or removed after the build$/,
    );
    expect(lines[2]).toBe(
      '  - issue 3 is not what was reviewed: build 3 again (enews build 3), review it, then run enews site.',
    );
    expect(lines[3]).toMatch(/^ {2}- issue 4: .*dist\/004 has no manifest\.json \(its build did not finish\)$/);
    expect(existsSync(path.join(d, 'site'))).toBe(false);
  });

  it('when a manifest names a picture file enews does not make: nothing written, the name said', async () => {
    const d = await built(['3']);
    // A hand-edited manifest that would publish a page of its own over the site's index, its hash right.
    const page = '<!doctype html><title>Not the archive</title>';
    write(d, 'dist/003/index.html', page);
    const m = JSON.parse(read(d, 'dist/003/manifest.json'));
    m.outputs['assets/../index.html'] = createHash('sha256').update(page).digest('hex');
    write(d, 'dist/003/manifest.json', JSON.stringify(m, null, 2));
    const r = await enews(['site'], d);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').slice(0, 2)).toEqual([
      'error: The archive was not written: issue 3 is not as built and reviewed (2 problems):',
      '  - issue 3: manifest.json names assets/../index.html, which is not a picture file enews makes',
    ]);
    expect(existsSync(path.join(d, 'site'))).toBe(false);
  });

  it('a gap in the numbers is fine: the issues are listed as they are', async () => {
    const d = await built(['1', '3']);
    const r = await enews(['site'], d);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wrote the archive of 2 issues (No. 1 to No. 3) to site/');
    const index = read(d, 'site/index.html');
    expect([...index.matchAll(/<a href="(\d{3}\/index\.html)">/g)].map((m) => m[1])).toEqual([
      '003/index.html',
      '001/index.html',
    ]);
    expect(read(d, 'site/003/index.html')).toContain('<a href="../001/index.html" rel="prev">');
    expect(read(d, 'site/001/index.html')).toContain('<a href="../003/index.html" rel="next">');
    expect(existsSync(path.join(d, 'site/002'))).toBe(false);
  });

  it('when --out cannot be written: a file, a path through a file, a read-only place, a folder of other files', async () => {
    const d = await built(['3']);
    const usage = '  - Choose a folder you can write to with --out DIR, e.g. --out site.\n';
    const file = await enews(['site', '--out', 'subscribers.example.csv'], d);
    expect(file.code).toBe(1);
    expect(file.stderr).toBe(
      'error: subscribers.example.csv is a file, not a folder, so the archive cannot be written there.\n' +
        '  - Choose a folder with --out DIR (the default is site/).\n',
    );
    const through = await enews(['site', '--out', 'subscribers.example.csv/site'], d);
    expect(through.code).toBe(1);
    expect(through.stderr).toBe(
      'error: The archive cannot be written to subscribers.example.csv/site: ' +
        `a part of that path is a file, not a folder.\n${usage}`,
    );
    const readOnly = await enews(['site', '--out', '/sys/enews-site'], d);
    expect(readOnly.code).toBe(1);
    expect(readOnly.stderr).toMatch(
      /^error: The archive cannot be written to \/sys\/enews-site: (permission denied|the disk is read-only)\.\n/,
    );
    const before = tree(path.join(d, 'issues'));
    const foreign = await enews(['site', '--out', 'issues'], d);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toBe(
      'error: issues holds files that enews site did not write, so it will not replace that folder.\n' +
        '  - Write the archive to a folder of its own with --out DIR (the default is site/), or empty this one first.\n',
    );
    expect(tree(path.join(d, 'issues'))).toEqual(before);
  });

  it('an archive template can be restyled without touching a build; a misspelt field is named at its line', async () => {
    const d = await built(['3']);
    edit(
      d,
      'templates/site/partials/style.hbs',
      '.site-main { background: #ffffff;',
      '.site-main { background: #fffdf0;',
    );
    expect((await enews(['site'], d)).code).toBe(0);
    expect(read(d, 'site/index.html')).toContain('.site-main { background: #fffdf0;');
    expect(read(d, 'site/003/index.html')).toContain('.site-main { background: #fffdf0;');
    edit(d, 'templates/site/index.hbs', '<h1>{{site.title}}</h1>', '<h1>{{site.titel}}</h1>');
    const line =
      read(d, 'templates/site/index.hbs')
        .split('\n')
        .findIndex((l) => l.includes('site.titel')) + 1;
    const r = await enews(['site'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: templates/site/index.hbs could not be rendered:\n' +
        `  - templates/site/index.hbs:${line}:11: Handlebars: the field "titel" does not exist here\n` +
        '    The template uses a field that does not exist; see the field list in README.md (Templates).\n',
    );
  });

  it('when the base URL is not http(s): the file and line', async () => {
    const d = await built(['3']);
    const line = read(d, 'issues/newsletter.yaml').split('\n').indexOf(`  base_url: ${BASE}`) + 1;
    edit(d, 'issues/newsletter.yaml', `base_url: ${BASE}`, 'base_url: file:///srv/enews/');
    const r = await enews(['site'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: issues/newsletter.yaml is not a valid newsletter.yaml (1 problem):\n' +
        `  - issues/newsletter.yaml:${line}:13: site.base_url: must start with https:// (got "file:")\n`,
    );
  });

  it('when newsletter.yaml names no site.base_url: where to add it, guessed from archive_url', async () => {
    const d = await built(['3']);
    edit(d, 'issues/newsletter.yaml', `site:\n  base_url: ${BASE}\n`, '');
    const line =
      read(d, 'issues/newsletter.yaml')
        .split('\n')
        .findIndex((l) => l.startsWith('archive_url:')) + 1;
    const r = await enews(['site'], d);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error: issues/newsletter.yaml does not say where the archive is published.\n' +
        `  - issues/newsletter.yaml:${line}:14: enews site needs site.base_url: ` +
        'the address the site/ folder is published at\n' +
        `    Add to newsletter.yaml:\n      site:\n        base_url: ${BASE}\n` +
        '    (taken from archive_url, whose links then keep working).\n',
    );
  });
});
