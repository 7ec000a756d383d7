/**
 * enews items pull and enews new --pull, as staff run them, against a real HTTP server on 127.0.0.1
 * serving the seed's listing as a website's RSS feed (tests/fixtures/feeds/ilo-coop-drupal.rss.xml).
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Item, Translatable } from '../src/content/schema.js';
import { feedServer, servesFeed } from './helpers/feed-server.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, read, REPO, write } from './helpers/project.js';

const FIXTURES = path.join(REPO, 'tests/fixtures/feeds');
const SEED_FEED = readFileSync(path.join(FIXTURES, 'ilo-coop-drupal.rss.xml'), 'utf8');
const EMPTY_CATALOG = '# The catalog of news items. Each issue picks items from here by id.\n\n[]\n';

const feedsYaml = (source: string) => `
# The website's news, which enews items pull adds to the catalog.
feeds:
  - source: ${source}
    by_category:
      News: News
      Article: Article
      Spotlight on Cooperatives: Spotlight on Cooperatives
    # The listing's entry for each eNewsUpdate is the issue itself, not news.
    skip_titles: ['^ILO COOP eNewsUpdate No\\.']
`;

/** The example project without issue 3, its catalog empty, its feed at `source`. */
function seedProject(source: string): string {
  const dir = copyProject();
  rmSync(path.join(dir, 'issues/003.yaml'));
  write(dir, 'issues/items.yaml', EMPTY_CATALOG);
  appendFileSync(path.join(dir, 'issues/newsletter.yaml'), feedsYaml(source));
  return dir;
}

async function seedServer(body: () => string = () => SEED_FEED) {
  const server = await feedServer();
  server.route('/coop/news/rss.xml', servesFeed(body));
  return { server, url: server.url('/coop/news/rss.xml') };
}

const english = (t: Translatable): string => (typeof t === 'string' ? t : t.en!);
const catalogOf = (dir: string) => parse(read(dir, 'issues/items.yaml')) as Item[];

describe('enews items pull: the seed’s listing as the website’s feed', () => {
  it('into an empty catalog gives every news item with its type, which the issues use as they are', async () => {
    const { url } = await seedServer();
    const dir = seedProject(url);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${url} (RSS 2.0): 10 entries.\nAdded 7 items to issues/items.yaml:\n`);
    expect(r.stdout).toContain('3 entries left out by skip_titles.');
    // The example catalog's news, in English (the feed's language), and not the listings of the issues.
    const example = (parse(readFileSync(path.join(REPO, 'issues/items.yaml'), 'utf8')) as Item[]).filter(
      (i) => i.announces === undefined,
    );
    expect(catalogOf(dir)).toEqual(
      example.map((i) => ({
        id: i.id,
        type: i.type,
        title: english(i.title),
        date: i.date,
        summary: english(i.summary),
        url: i.url,
      })),
    );
    // The catalog's own comment stays its first line.
    expect(read(dir, 'issues/items.yaml').startsWith(EMPTY_CATALOG.slice(0, EMPTY_CATALOG.indexOf('[')))).toBe(true);
    // Issues 1 and 2 list these very items: the pulled catalog passes enews check.
    expect((await enews(['check', '2'], dir)).code).toBe(0);
  });

  it('pulled again adds 0 and leaves the catalog byte for byte; the server is asked "changed since?"', async () => {
    const { server, url } = await seedServer();
    const dir = seedProject(url);
    expect((await enews(['items', 'pull'], dir)).code).toBe(0);
    const after = read(dir, 'issues/items.yaml');
    const again = await enews(['items', 'pull'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${url}: unchanged since the last pull.\nNo new items.\n`);
    expect(read(dir, 'issues/items.yaml')).toBe(after);
    const [first, second] = server.requests;
    expect(first!.headers['if-none-match']).toBeUndefined();
    expect(second!.headers['if-none-match']).toMatch(/^"\d+-[0-9a-f]+"$/);
    expect(second!.headers['if-modified-since']).toBe('Wed, 26 Apr 2017 08:00:00 GMT');
    // Read whole (the server ignores nothing), the entries are all known: still 0 added.
    rmSync(path.join(dir, '.enews/feeds.json'));
    const whole = await enews(['items', 'pull'], dir);
    expect(whole.stdout).toContain(
      'No new items.\n7 entries already in the catalog; 3 entries left out by skip_titles.',
    );
    expect(read(dir, 'issues/items.yaml')).toBe(after);
    expect(server.requests[2]!.headers['if-none-match']).toBeUndefined();
  });

  it('enews new --date 2017-04-26 --pull on an empty catalog preselects exactly the three items of No. 3', async () => {
    const { url } = await seedServer();
    const dir = seedProject(url);
    const r = await enews(['new', '--date', '2017-04-26', '--pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Added 7 items to issues/items.yaml:');
    expect(r.stdout).toContain('Wrote issues/003.yaml: issue 3, 26 April 2017, 3 items preselected:');
    const no3 = parse(readFileSync(path.join(REPO, 'issues/003.yaml'), 'utf8')) as { items: string[] };
    expect(parse(read(dir, 'issues/003.yaml')).items).toEqual(no3.items);
    expect(no3.items).toEqual(['coop-future-of-work', 'coop-champions-karim-toumi', 'consorzio-copernico']);
  });

  it('into the example’s own catalog puts what is missing where its date goes, every other byte kept', async () => {
    const { url } = await seedServer();
    const dir = copyProject();
    appendFileSync(path.join(dir, 'issues/newsletter.yaml'), feedsYaml(url));
    const full = read(dir, 'issues/items.yaml');
    const block = (id: string) => {
      const start = full.indexOf(`- id: ${id}\n`);
      return full.slice(start, full.indexOf('\n- id:', start) + 1);
    };
    const without = full
      .replace(block('consorzio-copernico'), '')
      .replace(block('viet-nam-agricultural-cooperatives'), '');
    write(dir, 'issues/items.yaml', without);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Added 2 items to issues/items.yaml:');
    expect(r.stdout).toContain('5 entries already in the catalog; 3 entries left out by skip_titles.');
    const text = read(dir, 'issues/items.yaml');
    // Every line that was there is still there, in its order, the header comment first.
    const lines = text.split('\n');
    let at = 0;
    for (const line of without.split('\n')) {
      at = lines.indexOf(line, at);
      expect(at, line).toBeGreaterThanOrEqual(0);
      at++;
    }
    expect(text.startsWith(without.slice(0, without.indexOf('- id:')))).toBe(true);
    expect((parse(text) as Item[]).map((i) => i.id)).toEqual((parse(full) as Item[]).map((i) => i.id));
  });

  it('never changes an item edited by hand; what the website changed is reported once, not applied', async () => {
    let feed = SEED_FEED;
    const { url } = await seedServer(() => feed);
    const dir = seedProject(url);
    await enews(['items', 'pull'], dir);
    edit(
      dir,
      'issues/items.yaml',
      'title: Cooperatives provide an alternative model for the future of work',
      'title: Our own title',
    );
    const edited = read(dir, 'issues/items.yaml');
    feed = SEED_FEED.replace('On 5 April, the eve of the symposium', 'On 5 April 2017, the eve of the symposium');
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No new items.');
    expect(r.stderr).toBe(
      'The website changed 1 entry since the last pull; the catalog keeps its own version ' +
        '(edit the item to take a change):\n' +
        `  ~ coop-future-of-work: summary (${url})\n`,
    );
    expect(read(dir, 'issues/items.yaml')).toBe(edited);
    // A new ETag, the same entries: nothing new to report.
    feed = `${feed}\n`;
    expect((await enews(['items', 'pull'], dir)).stderr).toBe('');
  });

  it('does not add again an item someone removed from the catalog', async () => {
    let feed = SEED_FEED;
    const { url } = await seedServer(() => feed);
    const dir = seedProject(url);
    await enews(['items', 'pull'], dir);
    const text = read(dir, 'issues/items.yaml');
    const start = text.indexOf('- id: waste-pickers-argentina');
    write(dir, 'issues/items.yaml', text.slice(0, start).trimEnd() + '\n');
    feed = SEED_FEED.replace(
      '    <item>',
      '    <item>\n      <title>Cooperatives Week</title>\n' +
        '      <link>https://www.example.org/coop/news/coop-week</link>\n' +
        '      <description>A week of open doors.</description>\n      <category>News</category>\n' +
        '      <pubDate>Tue, 02 May 2017 09:00:00 +0200</pubDate>\n    </item>\n    <item>',
    );
    const r = await enews(['items', 'pull'], dir);
    expect(r.stdout).toContain(
      'Added 1 item to issues/items.yaml:\n  + coop-week  (News, 2017-05-02)  Cooperatives Week\n',
    );
    expect(r.stdout).toContain(
      '1 item removed from the catalog since an earlier pull, not added again (waste-pickers-argentina)',
    );
    expect(catalogOf(dir).map((i) => i.id)).not.toContain('waste-pickers-argentina');
    expect(catalogOf(dir)[0]!.id).toBe('coop-week');
  });

  it('feeds: in newsletter.yaml is not an input of a build: adding it leaves a build as it was', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const before = read(dir, 'dist/003/manifest.json');
    appendFileSync(path.join(dir, 'issues/newsletter.yaml'), feedsYaml('https://www.example.org/coop/news/rss.xml'));
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    expect(read(dir, 'dist/003/manifest.json')).toBe(before);
  });

  it('--dry-run says what it would add and writes nothing', async () => {
    const { url } = await seedServer();
    const dir = seedProject(url);
    const r = await enews(['items', 'pull', '--dry-run'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Would add 7 items to issues/items.yaml:');
    expect(r.stdout).toContain('Nothing was written (--dry-run).');
    expect(read(dir, 'issues/items.yaml')).toBe(EMPTY_CATALOG);
  });
});

describe('enews items pull: other catalogs and feeds', () => {
  it('a catalog of one file per item (issues/items/) gets one new file per item, never over another', async () => {
    const { url } = await seedServer();
    const dir = seedProject(url);
    rmSync(path.join(dir, 'issues/items.yaml'));
    mkdirSync(path.join(dir, 'issues/items'));
    const mine =
      'id: my-own-news\ntype: News\ntitle: Mine\ndate: 2017-01-01\nsummary: Mine.\nurl: https://a.example/m\n';
    write(dir, 'issues/items/coop-future-of-work.yaml', mine);
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(read(dir, 'issues/items/coop-future-of-work.yaml')).toBe(mine);
    expect(readdirSync(path.join(dir, 'issues/items')).sort()).toEqual([
      'cambodia-entrepreneurship-skills.yaml',
      'consorzio-copernico.yaml',
      'coop-champions-karim-toumi.yaml',
      'coop-future-of-work-2.yaml',
      'coop-future-of-work.yaml',
      'greece-cooperative-journalism.yaml',
      'viet-nam-agricultural-cooperatives.yaml',
      'waste-pickers-argentina.yaml',
    ]);
    expect(parse(read(dir, 'issues/items/coop-future-of-work-2.yaml'))).toMatchObject({
      id: 'coop-future-of-work-2',
      url: 'https://www.example.org/coop/news/coop-future-of-work',
    });
    expect((await enews(['check', '2'], dir)).code).toBe(0);
  });

  it('a feed per language gives each item its texts in those languages', async () => {
    const dir = copyProject();
    write(dir, 'issues/items.yaml', EMPTY_CATALOG);
    write(dir, 'en.xml', readFileSync(path.join(FIXTURES, 'hugo-en.rss.xml'), 'utf8'));
    write(dir, 'fr.xml', readFileSync(path.join(FIXTURES, 'hugo-fr.rss.xml'), 'utf8'));
    appendFileSync(
      path.join(dir, 'issues/newsletter.yaml'),
      'feeds:\n  - source: { en: en.xml, fr: fr.xml }\n    type: News\n',
    );
    const r = await enews(['items', 'pull'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('en.xml [en] (RSS 2.0): 2 entries.\nfr.xml [fr] (RSS 2.0): 1 entry.\n');
    expect(catalogOf(dir).map((i) => [i.id, i.title, i.summary])).toEqual([
      [
        'statutes-workshop',
        { en: 'Workshop on cooperative statutes', fr: 'Atelier sur les statuts coopératifs' },
        {
          en: 'Lawyers and members write model statutes together on 4 June.',
          fr: 'Juristes et membres écrivent ensemble des statuts types le 4 juin.',
        },
      ],
      ['bakers-bakery', 'A bakery owned by its bakers', 'Six bakers bought the bakery they worked in.'],
    ]);
  });

  it('own types: a feed typed after pull takes the type its tags name; the schema names them', async () => {
    const dir = copyProject();
    write(dir, 'issues/items.yaml', '# yaml-language-server: $schema=../schemas/items.schema.json\n[]\n');
    appendFileSync(path.join(dir, 'issues/newsletter.yaml'), 'item_types: [Event, Story]\n');
    // The feed's picture is served by the stand-in website (no test reaches beyond 127.0.0.1).
    const server = await feedServer();
    const picture = readFileSync(path.join(REPO, 'images/copernico.jpg'));
    server.route('/harvest.jpg', (_, res) => res.writeHead(200, { 'content-type': 'image/jpeg' }).end(picture));
    const feed = readFileSync(path.join(FIXTURES, 'micro.feed.json'), 'utf8');
    const file = write(
      dir,
      'micro.feed.json',
      feed.replace('https://grain.example.org/uploads/2024/harvest.jpg', server.url('/harvest.jpg')),
    );
    const r = await enews(['items', 'pull', file], dir);
    expect(r.code).toBe(0);
    expect(catalogOf(dir).map((i) => [i.id, i.type, i.image?.src ?? null])).toEqual([
      ['harvest-outlook', 'Story', 'images/harvest-outlook.jpg'],
      ['silo-inauguration', 'Event', null],
    ]);
    // The catalog's first line now names the project's schema, which names its types.
    expect(read(dir, 'issues/items.yaml').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=../.enews/items.schema.json',
    );
    const schema = JSON.parse(read(dir, '.enews/items.schema.json'));
    expect(schema.items.properties.type.enum).toEqual(['Event', 'Story']);
  });
});
