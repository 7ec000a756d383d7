/**
 * enews items pull brings each new entry's picture (enclosure, media:content, a JSON Feed's image) into
 * the project as images/<id>.<ext>, checked as the build checks a picture, and the catalog names that
 * file; a build then makes it for email like any picture of the project. A real HTTP server on
 * 127.0.0.1 stands in for the website: its feed and its pictures, good and bad.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Item } from '../src/content/schema.js';
import { feedServer, servesFeed } from './helpers/feed-server.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, emptyDir, read, REPO, write } from './helpers/project.js';

const JPEG = readFileSync(path.join(REPO, 'images/copernico.jpg'));
const PNG = readFileSync(path.join(REPO, 'images/logo.png'));
const MB = 1024 * 1024;
const EMPTY_CATALOG = '# The catalog of news items.\n\n[]\n';

interface Entry {
  slug: string;
  /** The entry's picture element, with {base} for the server's address. */
  picture?: string;
}

function rss(entries: Entry[], base: string): string {
  const items = entries.map(
    (e, i) =>
      `    <item>\n      <title>Story ${e.slug}</title>\n` +
      `      <link>https://www.example.org/coop/news/${e.slug}</link>\n` +
      `      <description>What happened at ${e.slug}.</description>\n` +
      `      <pubDate>Tue, ${String(10 + i).padStart(2, '0')} Apr 2017 09:00:00 GMT</pubDate>\n` +
      (e.picture ? `      ${e.picture.replaceAll('{base}', base)}\n` : '') +
      '    </item>\n',
  );
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/">\n  <channel>\n' +
    '    <title>News</title>\n    <link>https://www.example.org/coop/news</link>\n' +
    `    <description>News</description>\n${items.join('')}  </channel>\n</rss>\n`
  );
}

/** The website: its feed at /rss.xml, its pictures, every request recorded. */
async function website(entries: Entry[], pictures: Record<string, (res: http.ServerResponse) => void> = {}) {
  const server = await feedServer();
  const base = server.url('');
  server.route(
    '/rss.xml',
    servesFeed(() => rss(entries, base)),
  );
  for (const [p, answer] of Object.entries(pictures)) server.route(p, (_, res) => answer(res));
  const pictureRequests = () => server.requests.filter((r) => r.path !== '/rss.xml').map((r) => r.path);
  return { server, base, feed: server.url('/rss.xml'), pictureRequests };
}

const serves = (type: string, body: Buffer | string) => (res: http.ServerResponse) =>
  res.writeHead(200, { 'content-type': type }).end(body);

/** The example project, its catalog empty, pulling from `feed` with every entry a News item. */
function project(feed: string): string {
  const dir = copyProject();
  write(dir, 'issues/items.yaml', EMPTY_CATALOG);
  write(
    dir,
    'issues/newsletter.yaml',
    `${read(dir, 'issues/newsletter.yaml')}\nfeeds:\n  - source: ${feed}\n    type: News\n`,
  );
  return dir;
}

const catalogOf = (dir: string) => parse(read(dir, 'issues/items.yaml')) as Item[];
const imagesOf = (dir: string) => readdirSync(path.join(dir, 'images')).sort();
const ORIGINAL_IMAGES = ['copernico.jpg', 'logo.png'];

describe('enews items pull: the pictures of new entries become files of the project', () => {
  it('saves each picture in images/ with its bytes; the catalog names it; the build makes it for email', async () => {
    const site = await website(
      [
        { slug: 'harvest', picture: '<enclosure url="{base}/up/harvest.jpg" length="37940" type="image/jpeg" />' },
        {
          slug: 'assembly',
          picture:
            '<media:content url="{base}/up/assembly" medium="image">' +
            '<media:description>Members voting</media:description></media:content>',
        },
        { slug: 'no-picture' },
      ],
      { '/up/harvest.jpg': serves('image/jpeg', JPEG), '/up/assembly': serves('application/octet-stream', PNG) },
    );
    const dir = project(site.feed);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'Added 3 items to issues/items.yaml:\n' +
        '  + harvest  (News, 2017-04-10)  Story harvest\n' +
        `      picture: images/harvest.jpg (${Math.round(JPEG.length / 1024)} KB)\n` +
        '  + assembly  (News, 2017-04-11)  Story assembly\n' +
        `      picture: images/assembly.png (${Math.round(PNG.length / 1024)} KB)\n` +
        '  + no-picture  (News, 2017-04-12)  Story no-picture\n',
    );
    // The file's format comes from its bytes, not from its address (assembly has no extension).
    expect(imagesOf(dir)).toEqual(['assembly.png', ...ORIGINAL_IMAGES, 'harvest.jpg'].sort());
    expect(readFileSync(path.join(dir, 'images/harvest.jpg')).equals(JPEG)).toBe(true);
    expect(readFileSync(path.join(dir, 'images/assembly.png')).equals(PNG)).toBe(true);
    expect(catalogOf(dir).map((i) => [i.id, i.image ?? null])).toEqual([
      ['no-picture', null],
      ['assembly', { src: 'images/assembly.png', alt: 'Members voting' }],
      ['harvest', { src: 'images/harvest.jpg' }],
    ]);
    expect(read(dir, 'issues/items.yaml')).toContain('  image:\n    src: images/harvest.jpg\n');

    // An issue showing the pulled item: its picture is made for email from the saved file.
    edit(dir, 'issues/003.yaml', /items:\n( {2}- .*\n)+/, 'items:\n  - harvest\n');
    const b = await enews(['build', '3'], dir);
    expect(b.code, b.stderr).toBe(0);
    const assets = readdirSync(path.join(dir, 'dist/003/assets'));
    const email = assets.filter((a) => /^harvest-1104w-[0-9a-f]{12}\.jpg$/.test(a));
    expect(email).toHaveLength(1);
    const html = read(dir, 'dist/003/email.html');
    const tag = new RegExp(`<img [^>]*src="https://www\\.example\\.org/coop/enews/assets/${email[0]}"[^>]*>`);
    expect(html).toMatch(tag);
    expect(tag.exec(html)![0]).toMatch(/ width="552"/);
    expect(tag.exec(html)![0]).toMatch(/ height="\d+"/);

    // Pulled again: the entries are in the catalog, no picture is asked for and no file changes.
    const asked = site.pictureRequests().length;
    expect(asked).toBe(2);
    const catalog = read(dir, 'issues/items.yaml');
    rmSync(path.join(dir, '.enews/feeds.json'));
    const again = await enews(['items', 'pull'], dir);
    expect(again.stdout).toContain('No new items.');
    expect(site.pictureRequests()).toHaveLength(asked);
    expect(read(dir, 'issues/items.yaml')).toBe(catalog);
    expect(imagesOf(dir)).toEqual(['assembly.png', ...ORIGINAL_IMAGES, 'harvest.jpg'].sort());
  });

  it('a 404, an HTML page, a cut-off JPEG, over 10 MB (declared or not): one warning each and no file', async () => {
    const site = await website(
      [
        { slug: 'gone', picture: '<enclosure url="{base}/up/gone.jpg" type="image/jpeg" />' },
        { slug: 'page', picture: '<enclosure url="{base}/up/page.jpg" type="image/jpeg" />' },
        { slug: 'cut', picture: '<enclosure url="{base}/up/cut.jpg" type="image/jpeg" />' },
        { slug: 'huge', picture: '<enclosure url="{base}/up/huge.jpg" type="image/jpeg" />' },
        { slug: 'endless', picture: '<enclosure url="{base}/up/endless.jpg" type="image/jpeg" />' },
        { slug: 'fine', picture: '<enclosure url="{base}/up/fine.jpg" type="image/jpeg" />' },
      ],
      {
        '/up/page.jpg': serves('text/html', '<!doctype html><html><body>Please log in</body></html>'),
        // Its header reads as a JPEG; its pixels end half-way, as the build would find.
        '/up/cut.jpg': serves('image/jpeg', JPEG.subarray(0, JPEG.length / 2)),
        '/up/huge.jpg': (res) => {
          res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(12 * MB) });
          res.end(Buffer.alloc(12 * MB));
        },
        '/up/endless.jpg': (res) => {
          // No Content-Length: only counting what arrives can stop it.
          res.writeHead(200, { 'content-type': 'image/jpeg' });
          for (let i = 0; i < 11 && !res.destroyed; i++) res.write(Buffer.alloc(MB));
          res.end();
        },
        '/up/fine.jpg': serves('image/jpeg', JPEG),
      },
    );
    const dir = project(site.feed);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    const none = '; the item has none (save one in images/ and name it in its image.src to show it).';
    expect(r.stderr.split('\n').filter(Boolean)).toEqual([
      `warning: gone: its picture ${site.base}/up/gone.jpg was not saved: ` +
        `the server answered 404 Not Found${none}`,
      `warning: page: its picture ${site.base}/up/page.jpg was not saved: ` +
        `it is not an image (no picture format enews knows starts that way)${none}`,
      `warning: cut: its picture ${site.base}/up/cut.jpg was not saved: ` +
        `it is a damaged JPEG file (VipsJpeg: premature end of JPEG image)${none}`,
      `warning: huge: its picture ${site.base}/up/huge.jpg was not saved: ` +
        `it is 12.0 MB, over the 10.0 MB enews downloads${none}`,
      `warning: endless: its picture ${site.base}/up/endless.jpg was not saved: ` +
        `it is over the 10.0 MB enews downloads${none}`,
    ]);
    expect(imagesOf(dir)).toEqual([...ORIGINAL_IMAGES, 'fine.jpg'].sort());
    expect(catalogOf(dir).map((i) => [i.id, i.image?.src ?? null])).toEqual([
      ['fine', 'images/fine.jpg'],
      ['endless', null],
      ['huge', null],
      ['cut', null],
      ['page', null],
      ['gone', null],
    ]);
    // The catalog passes check with an issue showing a saved picture and a dropped one.
    edit(dir, 'issues/003.yaml', /items:\n( {2}- .*\n)+/, 'items:\n  - fine\n  - gone\n');
    const c = await enews(['check', '3'], dir);
    expect(c.code, c.stderr).toBe(0);
  });

  it('what the website answers reaches the terminal with its control characters made visible', async () => {
    const reply = 'HTTP/1.1 404 Gone\x1b[2J\x07 away\r\ncontent-length: 0\r\nconnection: close\r\n\r\n';
    const site = await website(
      [{ slug: 'rude', picture: '<enclosure url="{base}/up/rude.jpg" type="image/jpeg" />' }],
      // A reason phrase Node's own server would refuse to send, written on the socket as it is.
      { '/up/rude.jpg': (res) => res.socket!.end(Buffer.from(reply, 'latin1')) },
    );
    const dir = project(site.feed);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `warning: rude: its picture ${site.base}/up/rude.jpg was not saved: the server answered 404 Gone\u241b[2J\u2407 ` +
        'away; the item has none (save one in images/ and name it in its image.src to show it).\n',
    );
  });

  it('a picture that does not answer within --timeout is a warning; the pull goes on and adds the item', async () => {
    const site = await website(
      [{ slug: 'slow', picture: '<enclosure url="{base}/up/slow.jpg" type="image/jpeg" />' }],
      { '/up/slow.jpg': () => {} },
    );
    const dir = project(site.feed);
    const r = await enews(['items', 'pull', '--timeout', '0.5'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      `warning: slow: its picture ${site.base}/up/slow.jpg was not saved: no answer within 0.5 s; ` +
        'the item has none (save one in images/ and name it in its image.src to show it).\n',
    );
    expect(catalogOf(dir).map((i) => [i.id, i.image ?? null])).toEqual([['slow', null]]);
  });

  it('--dry-run says how many pictures it would download, and downloads and writes nothing', async () => {
    const site = await website(
      [{ slug: 'harvest', picture: '<enclosure url="{base}/up/harvest.jpg" type="image/jpeg" />' }, { slug: 'plain' }],
      { '/up/harvest.jpg': serves('image/jpeg', JPEG) },
    );
    const dir = project(site.feed);
    const r = await enews(['items', 'pull', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Would add 2 items to issues/items.yaml:');
    expect(r.stdout).toContain('Would download 1 picture into images/.\n');
    expect(r.stdout).toContain('Nothing was written (--dry-run).');
    expect(site.pictureRequests()).toEqual([]);
    expect(imagesOf(dir)).toEqual(ORIGINAL_IMAGES);
    expect(read(dir, 'issues/items.yaml')).toBe(EMPTY_CATALOG);
  });

  it('never writes over a file: a name that is taken (or the catalog names) gives the next free one', async () => {
    const site = await website(
      [
        { slug: 'harvest', picture: '<enclosure url="{base}/up/harvest.jpg" type="image/jpeg" />' },
        { slug: 'copernico', picture: '<enclosure url="{base}/up/c.jpg" type="image/jpeg" />' },
        { slug: 'planned', picture: '<enclosure url="{base}/up/p.jpg" type="image/jpeg" />' },
        // The same picture as copernico's: downloaded once, one file for both items.
        { slug: 'again', picture: '<enclosure url="{base}/up/c.jpg" type="image/jpeg" />' },
      ],
      {
        '/up/harvest.jpg': serves('image/jpeg', JPEG),
        '/up/c.jpg': serves('image/jpeg', JPEG),
        '/up/p.jpg': serves('image/jpeg', JPEG),
      },
    );
    const dir = project(site.feed);
    write(dir, 'images/harvest.jpg', 'my own file');
    // An item of the catalog names a picture someone has yet to put there: that name is theirs too.
    write(
      dir,
      'issues/items.yaml',
      '- id: mine\n  type: News\n  title: Mine\n  date: 2017-01-01\n  summary: Mine.\n' +
        '  url: https://www.example.org/mine\n  image:\n    src: ./images/planned.jpg\n',
    );
    const r = await enews(['items', 'pull'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir, 'images/harvest.jpg')).toBe('my own file');
    expect(read(dir, 'images/copernico.jpg')).toBe(readFileSync(path.join(REPO, 'images/copernico.jpg'), 'utf8'));
    expect(catalogOf(dir).map((i) => [i.id, i.image?.src])).toEqual([
      ['again', 'images/copernico-2.jpg'],
      ['planned', 'images/planned-2.jpg'],
      ['copernico', 'images/copernico-2.jpg'],
      ['harvest', 'images/harvest-2.jpg'],
      ['mine', './images/planned.jpg'],
    ]);
    expect(readFileSync(path.join(dir, 'images/harvest-2.jpg')).equals(JPEG)).toBe(true);
    expect(existsSync(path.join(dir, 'images/planned.jpg'))).toBe(false);
    expect(imagesOf(dir)).toEqual(
      [...ORIGINAL_IMAGES, 'copernico-2.jpg', 'harvest-2.jpg', 'harvest.jpg', 'planned-2.jpg'].sort(),
    );
    expect(site.pictureRequests().sort()).toEqual(['/up/c.jpg', '/up/harvest.jpg', '/up/p.jpg']);
  });

  it('writes nothing outside the project: images/ linked elsewhere is a warning; that folder stays empty', async () => {
    const site = await website(
      [{ slug: 'harvest', picture: '<enclosure url="{base}/up/harvest.jpg" type="image/jpeg" />' }],
      { '/up/harvest.jpg': serves('image/jpeg', JPEG) },
    );
    const dir = project(site.feed);
    const elsewhere = emptyDir();
    rmSync(path.join(dir, 'images'), { recursive: true });
    symlinkSync(elsewhere, path.join(dir, 'images'));
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('warning: harvest: its picture ');
    expect(r.stderr).toContain(`was not saved: images/ is a link to ${elsewhere}, outside the project folder;`);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(site.pictureRequests()).toEqual([]);
    expect(catalogOf(dir)[0]!.image).toBeUndefined();
  });

  it('a feed read from a file: an absolute picture is downloaded, a relative one is dropped as before', async () => {
    const site = await website([], { '/up/harvest.jpg': serves('image/jpeg', JPEG) });
    const dir = project(site.feed);
    write(dir, 'issues/newsletter.yaml', read(dir, 'issues/newsletter.yaml').replace(site.feed, 'news.xml'));
    const feed = rss(
      [
        { slug: 'harvest', picture: '<enclosure url="{base}/up/harvest.jpg" type="image/jpeg" />' },
        { slug: 'relative', picture: '<enclosure url="up/relative.jpg" type="image/jpeg" />' },
      ],
      site.base,
    );
    write(dir, 'news.xml', feed);
    mkdirSync(path.join(dir, 'up'));
    write(dir, 'up/relative.jpg', 'not fetched');
    const r = await enews(['items', 'pull'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(catalogOf(dir).map((i) => [i.id, i.image?.src ?? null])).toEqual([
      ['relative', null],
      ['harvest', 'images/harvest.jpg'],
    ]);
    expect(site.pictureRequests()).toEqual(['/up/harvest.jpg']);
    expect(existsSync(path.join(dir, 'images/relative.jpg'))).toBe(false);
  });
});
