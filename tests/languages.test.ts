/**
 * Languages (issue 13): one numbered issue in English, French and Spanish (the example content),
 * built once per language, each subscriber getting their own; the fallbacks counted, never an error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/build/hash.js';
import { enews } from './helpers/inproc.js';
import { startSmtp } from './helpers/smtp.js';
import { copyProject, read, write } from './helpers/project.js';

const SECRET = 'KNwnQtUTO4zSIx2zxuvwxLo1Rbckr1mh67BYTxdnaLc=';
const env = { UNSUBSCRIBE_SECRET: SECRET };

/** Each language: what its message must say. */
const EXPECT = {
  en: {
    subject: 'ILO COOP eNewsUpdate No. 3',
    date: '26 April 2017',
    itemDate: '06 April 2017',
    greeting: 'Dear Zoé Martin,',
    readMore: 'Read more',
    title: 'Cooperatives provide an alternative model for the future of work',
  },
  fr: {
    subject: 'ILO COOP eNewsUpdate n° 3',
    date: '26 avril 2017',
    itemDate: '6 avril 2017',
    greeting: 'Bonjour Zoé Martin,',
    readMore: 'Lire la suite',
    title: 'Les coopératives, un modèle alternatif pour l’avenir du travail',
  },
  es: {
    subject: 'ILO COOP eNewsUpdate n.º 3',
    date: '26 de abril de 2017',
    itemDate: '6 de abril de 2017',
    greeting: 'Estimado/a Zoé Martin:',
    readMore: 'Leer más',
    title: 'Las cooperativas ofrecen un modelo alternativo para el futuro del trabajo',
  },
} as const;

/** Subscribers and the language each must get: en/fr/es as written in many ways, xx and empty → English. */
const LIST: Array<[string, string, keyof typeof EXPECT]> = [
  ['en@example.org', 'en', 'en'],
  ['fr@example.org', 'fr', 'fr'],
  ['fr-ch@example.org', 'fr-CH', 'fr'],
  ['fr-upper@example.org', 'FR', 'fr'],
  ['es@example.org', 'es', 'es'],
  ['es-419@example.org', 'es-419', 'es'],
  ['xx@example.org', 'xx', 'en'],
  ['empty@example.org', '', 'en'],
  ['de@example.org', 'de', 'en'],
];

let dir: string;
let built: { code: number; stderr: string };

beforeAll(async () => {
  dir = copyProject();
  built = await enews(['build', '3'], dir, env);
});

describe('enews build in each language', () => {
  it('writes the default language where it always was and the others in dist/003/<lang>/, all in the manifest', () => {
    expect(built.code, built.stderr).toBe(0);
    const m = JSON.parse(read(dir, 'dist/003/manifest.json'));
    expect(m.language).toBe('en');
    expect(Object.keys(m.languages)).toEqual(['en', 'fr', 'es']);
    expect(m.languages.fr).toMatchObject({ folder: 'fr/', dir: 'ltr', subject: EXPECT.fr.subject });
    for (const f of ['email.html', 'email.txt', 'message.eml', 'send.json', 'web.html']) {
      for (const folder of ['', 'fr/', 'es/']) {
        expect(m.outputs[`${folder}${f}`]).toBe(sha256(readFileSync(path.join(dir, 'dist/003', folder, f))));
      }
    }
  });

  for (const [language, e] of Object.entries(EXPECT)) {
    it(`${language}: lang on <html>, localised date, strings and item texts`, () => {
      const folder = language === 'en' ? '' : `${language}/`;
      const html = read(dir, `dist/003/${folder}email.html`);
      const text = read(dir, `dist/003/${folder}email.txt`);
      expect(html).toMatch(new RegExp(`<html[^>]*\\blang="${language}"`));
      // The text part wraps long titles: compare with its line breaks as spaces.
      const flowed = text.replace(/\s+/g, ' ');
      for (const s of [e.date, e.itemDate, e.readMore, e.title]) {
        expect(flowed).toContain(s);
        expect(html).toContain(s);
      }
      expect(read(dir, `dist/003/${folder}web.html`)).toMatch(new RegExp(`<html[^>]*\\blang="${language}"`));
    });
  }

  it('a second build is byte-identical, in every language', async () => {
    const before = readdirSync(path.join(dir, 'dist/003'), { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(html|txt|eml|json)$/.test(f))
      .map((f) => [f, read(dir, `dist/003/${f}`)]);
    // 5 files in each of 3 languages, review.html and the manifest.
    expect(before.length).toBe(17);
    const again = await enews(['build', '3'], dir, env);
    expect(again.code, again.stderr).toBe(0);
    for (const [f, text] of before) expect(read(dir, `dist/003/${f}`), f).toBe(text);
  });
});

describe('enews send to a list in several languages (dry run)', () => {
  let out: string;
  let stderr: string;
  const mails = new Map<string, Awaited<ReturnType<typeof simpleParser>> & { raw: string }>();

  beforeAll(async () => {
    write(dir, 'mixed.csv', `email,name,language\n${LIST.map(([e, l]) => `${e},Zoé Martin,${l}`).join('\n')}\n`);
    out = path.join(dir, 'out');
    const r = await enews(['send', '3', '--subscribers', 'mixed.csv', '--dry-run', 'out', '--yes'], dir, env);
    expect(r.code, r.stderr).toBe(0);
    stderr = r.stderr;
    for (const f of readdirSync(out).filter((x) => x.endsWith('.eml'))) {
      const raw = readFileSync(path.join(out, f), 'utf8');
      const mail = await simpleParser(raw);
      mails.set(mail.to && 'value' in mail.to ? mail.to.value[0]!.address! : '', Object.assign(mail, { raw }));
    }
  });

  it('says before sending how many get each language and how many fell back, by what they asked for', () => {
    expect(stderr).toContain('in English 4 (2 of them ask for a language the issue is not in: xx 1, de 1)');
    expect(stderr).toContain('· French 3 · Spanish 2');
  });

  it('gives every subscriber the version of their language: lang, Content-Language, subject, date, strings', () => {
    expect(mails.size).toBe(LIST.length);
    for (const [email, , language] of LIST) {
      const mail = mails.get(email)!;
      const e = EXPECT[language];
      expect(mail.headers.get('content-language'), email).toBe(language);
      expect(mail.subject, email).toBe(e.subject);
      expect(mail.html, email).toMatch(new RegExp(`<html[^>]*\\blang="${language}"`));
      expect(mail.text, email).toContain(e.date);
      expect(mail.text, email).toContain(e.greeting);
      expect(mail.text, email).toContain(e.readMore);
      // The page behind the link speaks the subscriber's language; the default needs no mention.
      // mailparser files List-Unsubscribe under "list".
      const list = mail.headers.get('list') as { unsubscribe?: { url?: string } } | undefined;
      const link = list?.unsubscribe?.url ?? '';
      expect(link, email).toMatch(/^https:\/\/www\.example\.org\/coop\/enews\/unsubscribe\?t=[^&]+/);
      if (language === 'en') expect(link, email).not.toContain('&l=');
      else expect(link, email).toContain(`&l=${language}`);
    }
  });

  it('--test ADDRESS --language fr-CH sends the French version; a language the build lacks is refused', async () => {
    const server = await startSmtp();
    try {
      const smtpEnv = { ...env, SMTP_URL: server.url() };
      const test = ['send', '3', '--subscribers', 'mixed.csv', '--test', 'me@example.org', '--language'];
      const r = await enews([...test, 'fr-CH'], dir, smtpEnv);
      expect(r.code, r.stderr).toBe(0);
      expect(server.received.length).toBe(1);
      const mail = await simpleParser(server.received[0]!.raw);
      expect(mail.subject).toBe(`[TEST] ${EXPECT.fr.subject}`);
      // What it says it sent is what went out.
      expect(r.stderr).toContain(`Test send of '[TEST] ${EXPECT.fr.subject}' (`);
      expect(mail.headers.get('content-language')).toBe('fr');
      expect(mail.text).toContain(EXPECT.fr.date);

      const de = await enews([...test, 'de'], dir, smtpEnv);
      expect(de.code).toBe(2);
      expect(server.received.length).toBe(1);
      expect(de.stderr).toContain('--language de: issue 3 is built in en, fr, es, not in de.');
    } finally {
      await server.close();
    }
  });
});

describe('after the send, in the subscriber’s language', () => {
  it('enews site: one archive and feed per language, each page naming its versions with hreflang', async () => {
    for (const n of ['1', '2']) expect((await enews(['build', n], dir, env)).code).toBe(0);
    const r = await enews(['site'], dir);
    expect(r.code, r.stderr).toBe(0);
    const fr = read(dir, 'site/fr/003/index.html');
    expect(fr).toMatch(/<html[^>]*\blang="fr"/);
    expect(fr).toContain(EXPECT.fr.title);
    const base = 'https://www.example.org/coop/enews/';
    for (const [lang, href] of [
      ['en', `${base}003/`],
      ['fr', `${base}fr/003/`],
      ['es', `${base}es/003/`],
    ]) {
      expect(fr).toContain(`<link rel="alternate" hreflang="${lang}" href="${href}">`);
      expect(read(dir, 'site/003/index.html')).toContain(`<link rel="alternate" hreflang="${lang}" href="${href}">`);
    }
    const feed = read(dir, 'site/es/feed.xml');
    expect(feed).toContain(`<title type="html"><![CDATA[${EXPECT.es.subject}]]></title>`);
    expect(read(dir, 'site/es/index.html')).toMatch(/<html[^>]*\blang="es"/);
  });

  it('enews serve: the unsubscribe page speaks the language the link names, else the browser’s', async () => {
    const { startServe } = await import('../src/serve/node.js');
    const { contentPaths, loadNewsletter } = await import('../src/content/load.js');
    const { sealToken } = await import('../src/personalize/token.js');
    const { EventsFile } = await import('../src/events/events-file.js');
    const paths = contentPaths(dir);
    const { newsletter } = loadNewsletter(paths);
    const server = await startServe({
      newsletter,
      templatesDir: paths.templatesDir,
      secret: SECRET,
      events: new EventsFile(path.join(dir, 'journal', 'events.jsonl'), newsletter.list_id),
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const t = sealToken(SECRET, newsletter.list_id, 'fr@example.org', 3);
      const url = `${server.url}?t=${t}`;
      const fr = await fetch(`${url}&l=fr`);
      expect(fr.headers.get('content-language')).toBe('fr');
      const page = await fr.text();
      expect(page).toMatch(/<html[^>]*\blang="fr"/);
      expect(page).toContain('Se désabonner');
      expect(page).toContain('Rien ne change tant que vous n’appuyez pas sur le bouton.');
      const es = await fetch(url, { headers: { 'Accept-Language': 'es-AR,es;q=0.9,en;q=0.5' } });
      expect(es.headers.get('content-language')).toBe('es');
      expect(await es.text()).toContain('Darse de baja');
      const en = await fetch(url);
      expect(en.headers.get('content-language')).toBe('en');
      // The button keeps the page's language: the confirmation after the POST is French too.
      const action = /<form[^>]*action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
      const done = await fetch(new URL(action, `${url}&l=fr`), {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(done.status).toBe(200);
      expect(await done.text()).toContain('Vous êtes désabonné·e');
    } finally {
      await server.close();
    }
  });
});
