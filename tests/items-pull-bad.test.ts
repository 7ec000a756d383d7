/**
 * Bad feeds get clear errors and change nothing: for each, what enews items pull says, its exit
 * code, and the catalog byte for byte as it was (and no memory of a pull written). The feeds come
 * from a real HTTP server on 127.0.0.1, or from files.
 */
import { appendFileSync, closeSync, existsSync, ftruncateSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { feedServer, type Handler } from './helpers/feed-server.js';
import { enews } from './helpers/inproc.js';
import { copyProject, read, REPO, write } from './helpers/project.js';

const SEED_FEED = readFileSync(path.join(REPO, 'tests/fixtures/feeds/ilo-coop-drupal.rss.xml'), 'utf8');

/** The example project (its catalog as it is) pulling from `source`. */
function project(source: string): { dir: string; catalog: string } {
  const dir = copyProject();
  appendFileSync(path.join(dir, 'issues/newsletter.yaml'), `feeds:\n  - source: ${source}\n    type: News\n`);
  return { dir, catalog: read(dir, 'issues/items.yaml') };
}

async function pullFrom(handler: Handler, args: string[] = []) {
  const server = await feedServer();
  server.route('/feed', handler);
  const url = server.url('/feed');
  const { dir, catalog } = project(url);
  const r = await enews(['items', 'pull', ...args], dir);
  return { r, url, dir, catalog, server };
}

function unchanged(dir: string, catalog: string): void {
  expect(read(dir, 'issues/items.yaml')).toBe(catalog);
  expect(existsSync(path.join(dir, '.enews/feeds.json'))).toBe(false);
}

const rss = (items: string) =>
  '<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>t</title><link>https://a.example/</link>\n' +
  `${items}</channel>\n</rss>\n`;

describe('bad feeds: a clear error, and the catalog byte for byte as it was', () => {
  it('a web page, not a feed (exit 1), naming the feed the page announces', async () => {
    const page =
      '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/coop/news/rss.xml">' +
      '</head><body>News</body></html>';
    const { r, url, dir, catalog } = await pullFrom((_, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(page),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${url} is a web page (HTML), not a feed.\n` +
        `  - The page names its feed: ${url.replace('/feed', '/coop/news/rss.xml')}\n`,
    );
    unchanged(dir, catalog);
  });

  it('malformed XML (exit 1), at its line and column', async () => {
    const broken = SEED_FEED.replace(
      '</title>\n      <link>https://www.example.org/coop/news/consorzio',
      '</titel>\n      <link>https://www.example.org/coop/news/consorzio',
    );
    const { r, url, dir, catalog } = await pullFrom((_, res) => res.writeHead(200).end(broken));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: ${url} is not well-formed XML, so enews reads nothing of it:\n` +
        `  - ${url}:31:93: </titel> closes nothing open here: <title> (line 31) is still open\n`,
    );
    unchanged(dir, catalog);
  });

  it('a feed cut short (exit 1), at its end', async () => {
    const { r, dir, catalog } = await pullFrom((_, res) => res.writeHead(200).end(SEED_FEED.slice(0, 3000)));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/:\d+:\d+: the document ends before <\w+> \(line \d+\) is closed\n/);
    unchanged(dir, catalog);
  });

  it('entries without link or date: listed and skipped with a warning; nothing to add, nothing written', async () => {
    const items =
      '<item><title>No link here</title><pubDate>Tue, 02 May 2017 09:00:00 +0200</pubDate></item>\n' +
      '<item><title>No date here</title><link>https://a.example/no-date</link></item>\n' +
      '<item><title>Bad date</title><link>https://a.example/bad-date</link><pubDate>someday</pubDate></item>\n';
    const { r, url, dir, catalog } = await pullFrom((_, res) => res.writeHead(200).end(rss(items)));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${url} (RSS 2.0): 3 entries.\nNo new items.\n`);
    expect(r.stderr).toBe(
      'warning: 3 entries skipped:\n' +
        `  - ${url}: "No link here": it has no link, so the email could not point at it\n` +
        `  - ${url}: "No date here": it has no date\n` +
        `  - ${url}: "Bad date": its date "someday" cannot be read\n`,
    );
    expect(read(dir, 'issues/items.yaml')).toBe(catalog);
  });

  it('what the feed says of a skipped entry is shown on one line: it cannot forge lines of the output', async () => {
    const items =
      '<item><title>Forged</title><link>https://a.example/forged</link>' +
      `<pubDate>someday\nerror: forged ${'x'.repeat(300)}</pubDate></item>\n`;
    const { r } = await pullFrom((_, res) => res.writeHead(200).end(rss(items)));
    expect(r.code).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error'))).toEqual([]);
    expect(r.stderr).toContain(`"Forged": its date "someday\u240aerror: forged ${'x'.repeat(97)}…" cannot be read\n`);
  });

  it('with good entries beside them, the good ones are added and the bad ones listed', async () => {
    const items =
      '<item><title>No date here</title><link>https://a.example/no-date</link></item>\n' +
      '<item><title>Good</title><link>https://a.example/good</link><pubDate>Tue, 02 May 2017 09:00:00 +0200</pubDate>' +
      '<description>Fine.</description></item>\n';
    const { r, dir } = await pullFrom((_, res) => res.writeHead(200).end(rss(items)));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Added 1 item to issues/items.yaml:\n  + good  (News, 2017-05-02)  Good\n');
    expect(r.stderr).toContain('"No date here": it has no date');
    expect((await enews(['check', '3'], dir)).code).toBe(0);
  });

  it('a feed that does not answer in time (exit 4)', async () => {
    const { r, url, dir, catalog } = await pullFrom(() => {}, ['--timeout', '0.5']);
    expect(r.code).toBe(4);
    expect(r.stderr).toBe(
      `error: ${url} did not answer within 0.5 s; nothing was changed.\n` +
        '  - Check the address and the network, then run the same command again.\n',
    );
    unchanged(dir, catalog);
  });

  it('a feed that is not there (404) or a website with a problem (500): exit 4', async () => {
    const missing = await pullFrom((_, res) => res.writeHead(404).end('gone'));
    expect(missing.r.code).toBe(4);
    expect(missing.r.stderr).toBe(
      `error: ${missing.url} answered 404 Not Found; nothing was changed.\n` +
        '  - The feed is not (or no longer) there: check its address in newsletter.yaml (feeds:).\n',
    );
    unchanged(missing.dir, missing.catalog);
    const broken = await pullFrom((_, res) => res.writeHead(500).end('oops'));
    expect(broken.r.code).toBe(4);
    expect(broken.r.stderr).toContain(`error: ${broken.url} answered 500 Internal Server Error; nothing was changed.`);
    unchanged(broken.dir, broken.catalog);
  });

  it('enews new --pull with a feed that fails writes no issue (exit 4)', async () => {
    const { r, dir, catalog } = await pullFrom((_, res) => res.writeHead(503).end('busy'));
    expect(r.code).toBe(4);
    rmSync(path.join(dir, 'issues/003.yaml'));
    const n = await enews(['new', '--date', '2017-04-26', '--pull'], dir);
    expect(n.code).toBe(4);
    expect(n.stderr).toContain('answered 503 Service Unavailable; nothing was changed.');
    expect(existsSync(path.join(dir, 'issues/003.yaml'))).toBe(false);
    unchanged(dir, catalog);
  });

  it('one feed of two failing leaves the catalog as it was: the other’s entries are not added either', async () => {
    const server = await feedServer();
    server.route('/good', (_, res) => res.writeHead(200).end(SEED_FEED));
    const { dir, catalog } = project(server.url('/good'));
    write(dir, 'issues/items.yaml', '[]\n');
    appendFileSync(path.join(dir, 'issues/newsletter.yaml'), `  - source: ${server.url('/missing')}\n`);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(4);
    expect(read(dir, 'issues/items.yaml')).toBe('[]\n');
    expect(catalog).not.toBe('[]\n');
  });

  it('a 50 MB feed is refused (exit 1) without reading it all: by its Content-Length, or as it streams', async () => {
    const declared = await pullFrom((_, res) => {
      res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      res.write('<rss version="2.0">');
    });
    expect(declared.r.code).toBe(1);
    expect(declared.r.stderr).toBe(
      `error: ${declared.url} is 50 MB: enews reads feeds of at most 10 MB.\n` +
        '  - A feed lists recent entries; ask the website for a feed of the latest ones (most offer 10 to 50).\n',
    );
    unchanged(declared.dir, declared.catalog);

    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const streamed = await pullFrom((_, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const more = () => {
        while (sent < 50 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      more();
    });
    expect(streamed.r.code).toBe(1);
    expect(streamed.r.stderr).toContain(`error: ${streamed.url} is over 10 MB: enews reads feeds of at most 10 MB.`);
    expect(sent).toBeLessThan(20 * 1024 * 1024);
    unchanged(streamed.dir, streamed.catalog);
  });

  it('a 50 MB feed file is refused without reading it', async () => {
    const { dir, catalog } = project('big.xml');
    const fd = openSync(path.join(dir, 'big.xml'), 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('big.xml is 50 MB: enews reads feeds of at most 10 MB.');
    unchanged(dir, catalog);
  });

  it('entities: an XXE feed reads no file, a billion laughs does not blow up (exit 1)', async () => {
    const secretFile = path.join(REPO, 'tests/fixtures/feeds/micro.feed.json');
    const xxe =
      `<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://${secretFile}"> ]>\n` +
      rss(
        '<item><title>&xxe;</title><link>https://a.example/x</link>' +
          '<pubDate>Tue, 02 May 2017 09:00:00 GMT</pubDate></item>\n',
      ).replace('<?xml version="1.0"?>\n', '');
    const one = await pullFrom((_, res) => res.writeHead(200).end(xxe));
    expect(one.r.code).toBe(1);
    expect(one.r.stderr).toContain(`${one.url}:2:17: declares an entity (<!ENTITY …>), which enews never reads`);
    expect(one.r.stdout + one.r.stderr).not.toContain('Grain Cooperatives');
    unchanged(one.dir, one.catalog);

    const lines = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lines.push(`<!ENTITY lol${i} "${`&lol${i > 1 ? i - 1 : ''};`.repeat(10)}">`);
    const body = rss('<item><title>&lol9;</title></item>\n').replace('<?xml version="1.0"?>\n', '');
    const laughs = `<?xml version="1.0"?>\n<!DOCTYPE rss [\n${lines.join('\n')}\n]>\n${body}`;
    const before = process.memoryUsage().rss;
    const two = await pullFrom((_, res) => res.writeHead(200).end(laughs));
    expect(two.r.code).toBe(1);
    expect(two.r.stderr).toContain(`${two.url}:3:1: declares an entity (<!ENTITY …>), which enews never reads`);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
    unchanged(two.dir, two.catalog);
  });
});
