/**
 * Feeds as real sites write them (tests/fixtures/feeds/: the seed's listing as a Drupal site's RSS,
 * WordPress, Jekyll's Atom, a JSON Feed), and the ways a feed can be wrong or hostile.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import { EnewsError, formatError } from '../errors.js';
import { parseFeedText } from './parse-feed.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../tests/fixtures/feeds');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

function refusal(text: string, base: string | null = null): EnewsError {
  try {
    parseFeedText(text, 'feed.xml', base);
  } catch (err) {
    if (err instanceof EnewsError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('feeds as sites write them', () => {
  it('a Drupal RSS 2.0 feed (the seed’s listing): every entry with its category, date and summary', () => {
    const feed = parseFeedText(fixture('ilo-coop-drupal.rss.xml'), 'f', null);
    expect(feed.format).toBe('RSS 2.0');
    expect(feed.entries).toHaveLength(10);
    expect(feed.entries[3]).toEqual({
      position: 4,
      guid: '1996 at https://www.example.org',
      link: 'https://www.example.org/coop/news/coop-champions-karim-toumi',
      title: 'COOP Champions: Karim Toumi, ILO Country Office for Algeria, Libya, Morocco, Tunisia and Mauritania',
      date: '2017-04-02',
      rawDate: 'Sun, 02 Apr 2017 14:30:00 +0200',
      summary:
        'COOP Champions features ILO colleagues from around the world working on cooperatives and other social ' +
        'and solidarity economy enterprises. It highlights their contributions, and shares highlights of their ' +
        'experiences, current work, and future aspirations.',
      categories: ['Article'],
      image: null,
      alternates: {},
    });
    expect(feed.entries.map((e) => e.categories[0])).toEqual([
      'News',
      'News',
      'Spotlight on Cooperatives',
      'Article',
      'News',
      'News',
      'News',
      'Article',
      'Spotlight on Cooperatives',
      'News',
    ]);
  });

  it('a WordPress feed: the summary without its trailer, cut at a sentence, media:content with its text', () => {
    const [first, second] = parseFeedText(fixture('wordpress.rss.xml'), 'f', null).entries;
    expect(first!.title).toBe('Riders’ assembly elects a new board');
    expect(first!.summary).toBe(
      'Forty riders met in Lyon on Saturday and elected a board of seven. They also adopted the budget for 2024 & ' +
        'the plan for two new cities. Members who could not come can read the minutes online. The board meets for ' +
        'the first time on 3 June, at the Croix-Rousse depot, and every rider is welcome to listen in.',
    );
    expect(first!.image).toEqual({
      src: 'https://blog.example.net/wp-content/uploads/2024/05/assembly.jpg',
      alt: 'Riders voting with raised hands in the depot',
    });
    expect(first!.categories).toEqual(['Events', 'Governance']);
    expect(second!.summary).toBe(
      'Lina rode for a platform for two years before she joined us. Today she owns a share of the cooperative and ' +
        'sits on its safety committee.',
    );
    expect(second!.image).toEqual({ src: 'https://blog.example.net/wp-content/uploads/2024/05/lina.jpg' });
  });

  it('an Atom feed from Jekyll: html texts as text, the date on the site’s calendar, its picture', () => {
    const feed = parseFeedText(fixture('jekyll.atom.xml'), 'f', null);
    expect(feed.format).toBe('Atom 1.0');
    expect(feed.entries[0]).toMatchObject({
      guid: 'https://housing.example.com/events/2024/05/10/open-day-rue-verte',
      link: 'https://housing.example.com/events/2024/05/10/open-day-rue-verte.html',
      summary: 'On 25 May the Rue Verte cooperative opens its doors: guided tours every hour.',
      date: '2024-05-10',
      categories: ['events'],
      image: { src: 'https://housing.example.com/assets/rue-verte.jpg' },
    });
  });

  it('a JSON Feed 1.1: its text fields stay text, its tags are categories', () => {
    const feed = parseFeedText(fixture('micro.feed.json'), 'f', null);
    expect(feed.format).toBe('JSON Feed');
    expect(feed.entries.map((e) => [e.title, e.date, e.categories, e.image?.src ?? null])).toEqual([
      [
        'Harvest outlook: members expect a good year',
        '2024-05-02',
        ['Story', 'Harvest'],
        'https://grain.example.org/uploads/2024/harvest.jpg',
      ],
      ['New silo opens in Tarn <Sud>', '2024-04-18', ['Event'], null],
    ]);
    expect(feed.entries[1]!.summary).toBe("The cooperative's third silo opens on 18 April. It stores 12,000 tonnes.");
  });

  it('resolves relative links against the feed’s address, and keeps only http(s) ones', () => {
    const rss = (link: string) =>
      `<rss version="2.0"><channel><title>t</title><item><title>A</title><link>${link}</link></item></channel></rss>`;
    expect(parseFeedText(rss('/news/a'), 'f', 'https://site.example/feed.xml').entries[0]!.link).toBe(
      'https://site.example/news/a',
    );
    expect(parseFeedText(rss('javascript:alert(1)'), 'f', 'https://site.example/feed.xml').entries[0]!.link).toBeNull();
  });
});

describe('what is not a feed, or not a sound one', () => {
  it('a web page, named as one, with the feed it announces', () => {
    const page =
      '<!doctype html><html><head><link rel="alternate" type="application/rss+xml" href="/feed/"><meta charset=utf-8>' +
      '</head><body><p>Hello<br></body></html>';
    expect(formatError(refusal(page, 'https://site.example/news'))).toBe(
      'feed.xml is a web page (HTML), not a feed.\n  - The page names its feed: https://site.example/feed/',
    );
  });

  it('text that is neither RSS, Atom nor JSON Feed', () => {
    expect(refusal('hello').message).toBe('feed.xml is not a feed: neither RSS, Atom nor JSON Feed.');
    expect(refusal('{"name": "a package", "version": "1.0.0"}').message).toBe(
      'feed.xml is not a feed: neither RSS, Atom nor JSON Feed.',
    );
  });

  it('malformed XML, at its line and column', () => {
    const err = refusal('<rss version="2.0">\n<channel>\n<item><title>A</titl></item>\n</channel>\n</rss>');
    expect(err.exitCode).toBe(1);
    expect(formatError(err)).toBe(
      'feed.xml is not well-formed XML, so enews reads nothing of it:\n' +
        '  - feed.xml:3:15: </titl> closes nothing open here: <title> (line 3) is still open',
    );
  });

  it('malformed JSON, at its line and column', () => {
    const err = refusal('{\n  "version": "https://jsonfeed.org/version/1.1",\n  "items": [ { "id": "1", } \n');
    expect(formatError(err)).toBe(
      'feed.xml is not valid JSON, so enews reads nothing of it:\n' +
        '  - feed.xml:3:27: Expected double-quoted property name',
    );
  });
});

describe('entities: no XXE, no billion laughs', () => {
  const xxe = (file: string) =>
    `<?xml version="1.0"?>\n<!DOCTYPE rss [ <!ENTITY xxe SYSTEM "file://${file}"> ]>\n` +
    '<rss version="2.0"><channel><title>t</title><item><title>&xxe;</title><link>https://a.example/x</link>' +
    '<pubDate>Thu, 06 Apr 2017 10:00:00 GMT</pubDate></item></channel></rss>';
  const laughs = () => {
    const lines = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) lines.push(`<!ENTITY lol${i} "${`&lol${i > 1 ? i - 1 : ''};`.repeat(10)}">`);
    return (
      `<?xml version="1.0"?>\n<!DOCTYPE rss [\n${lines.join('\n')}\n]>\n` +
      '<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>https://a.example/x</link>' +
      '</item></channel></rss>'
    );
  };

  it('a feed that declares entities is refused, at the declaration, before any parser reads it', () => {
    const secret = path.join(FIXTURES, 'wordpress.rss.xml');
    const err = refusal(xxe(secret));
    expect(formatError(err)).toBe(
      'feed.xml is not well-formed XML, so enews reads nothing of it:\n' +
        '  - feed.xml:2:17: declares an entity (<!ENTITY …>), which enews never reads\n' +
        '    A feed needs no entities of its own; entities can read files on the reader’s computer ' +
        'or expand without end.',
    );
    expect(formatError(refusal(laughs()))).toContain('feed.xml:3:1: declares an entity');
  });

  it('and the parser behind the refusal expands none itself: no file read, no billion laughs', () => {
    // fast-xml-parser (in feedsmith) refuses external entities and leaves internal ones unexpanded.
    expect(() => parseRssFeed(xxe(path.join(FIXTURES, 'wordpress.rss.xml')))).toThrow(/Invalid feed format/);
    const before = process.memoryUsage().heapUsed;
    const parsed = parseRssFeed(laughs());
    expect(parsed.items?.[0]?.title).toBe('&lol9;');
    // Expanded, the title alone would be 3 GB (10⁹ × "lol").
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1024 * 1024);
  });
});
