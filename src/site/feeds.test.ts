import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCopy } from '../../tests/helpers/builds.js';
import { contentPaths, loadNewsletter } from '../content/load.js';
import { localizeNewsletter } from '../content/newsletter-languages.js';
import type { Newsletter } from '../content/schema.js';
import { collectIssues, type PublishedIssue } from './collect.js';
import { atomFeed, jsonFeed } from './feeds.js';
import { versionIn } from './pages.js';

const BASE = 'https://www.example.org/coop/enews/';

/** The example project with issues 2 and 3 built, as the archive collects them. */
let issues: PublishedIssue[];
let newsletter: Newsletter;
beforeAll(async () => {
  const dir = await builtCopy([2, 3]);
  issues = collectIssues(dir, path.join(dir, 'dist'), 'dist');
  newsletter = loadNewsletter(contentPaths(dir)).newsletter;
});

const atom = (xml: string) => new XMLParser({ ignoreAttributes: false }).parse(xml).feed;

describe("a language's feeds", () => {
  it("list that language's versions, newest first, at its folder's addresses", () => {
    const fr = localizeNewsletter(newsletter, 'fr');
    const own = issues.flatMap((i) => versionIn(i, 'fr') ?? []);
    const xml = atomFeed(fr, own);
    const feed = atom(xml);
    expect(feed.id).toBe(`${BASE}fr/`);
    expect(feed.updated).toBe('2017-04-26T00:00:00.000Z');
    expect(feed.link.map((l: Record<string, string>) => [l['@_rel'], l['@_href']])).toEqual([
      ['alternate', `${BASE}fr/`],
      ['self', `${BASE}fr/feed.xml`],
    ]);
    expect(feed.subtitle).toBe(
      'Actualités sur les coopératives et l’économie sociale et solidaire, ' +
        'par le Service des coopératives de l’OIT.',
    );
    expect(feed.entry.map((e: { id: string; title: { '#text': string } }) => [e.id, e.title['#text']])).toEqual([
      [`${BASE}fr/003/`, 'ILO COOP eNewsUpdate n° 3'],
      [`${BASE}fr/002/`, 'ILO COOP eNewsUpdate n° 2'],
    ]);

    const json = JSON.parse(jsonFeed(fr, own));
    expect(json).toMatchObject({
      version: 'https://jsonfeed.org/version/1.1',
      language: 'fr',
      home_page_url: `${BASE}fr/`,
      feed_url: `${BASE}fr/feed.json`,
      authors: [{ name: 'ILO COOP', url: `${BASE}fr/` }],
    });
    expect(json.author).toBeUndefined();
    expect(json.items.map((i: { url: string; title: string }) => [i.url, i.title])).toEqual([
      [`${BASE}fr/003/`, 'ILO COOP eNewsUpdate n° 3'],
      [`${BASE}fr/002/`, 'ILO COOP eNewsUpdate n° 2'],
    ]);
    expect(json.items[0].summary).toBe(own[1]!.summary);
  });

  it('are the same bytes every time: every date is an issue date, never the clock', () => {
    const own = issues.flatMap((i) => versionIn(i, 'en') ?? []);
    expect(atomFeed(newsletter, own)).toBe(atomFeed(newsletter, own));
    expect(jsonFeed(newsletter, own)).toBe(jsonFeed(newsletter, own));
    expect(atomFeed(newsletter, own)).not.toMatch(new RegExp(String(new Date().getFullYear())));
  });
});

describe('texts in the feeds', () => {
  const tricky = {
    number: 7,
    date: '2018-01-31',
    subject: 'Fish & chips <b>bold</b> ]]> "quoted"',
    preheader: null,
    summary: 'A < B & C > D',
  };

  it("are escaped once in Atom's html title and content, and plain text in JSON Feed", () => {
    const feed = atom(atomFeed(newsletter, [tricky]));
    expect(feed.entry.title['#text']).toBe('Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; ]]&gt; &quot;quoted&quot;');
    expect(feed.entry.summary['#text']).toBe('A &lt; B &amp; C &gt; D');
    expect(feed.entry.content['#text']).toBe(
      `<p>A &lt; B &amp; C &gt; D</p>\n<p><a href="${BASE}007/">Fish &amp; chips &lt;b&gt;bold&lt;/b&gt; ]]&gt; ` +
        '&quot;quoted&quot;</a></p>',
    );
    const item = JSON.parse(jsonFeed(newsletter, [tricky])).items[0];
    expect(item).toMatchObject({
      title: tricky.subject,
      summary: tricky.summary,
      date_published: '2018-01-31T00:00:00.000Z',
    });
  });

  it('leave out what the newsletter does not have: a description, a logo', () => {
    const { description: _d, logo: _l, ...plain } = newsletter;
    const feed = atom(atomFeed(plain as Newsletter, [tricky]));
    expect(feed.subtitle).toBeUndefined();
    expect(feed.logo).toBeUndefined();
    const json = JSON.parse(jsonFeed(plain as Newsletter, [tricky]));
    expect(json.description).toBeUndefined();
    expect(json.icon).toBeUndefined();
  });
});
