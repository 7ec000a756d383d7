/**
 * enews init: a new project from flags, --yes or questions on a terminal; what it refuses (a folder
 * with anything in it, an invalid address or list id) and that what it writes builds as it is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newsletterSchema } from '../src/content/schema.js';
import { dependencyFor, installedSource, sourceOf } from '../src/project/dependency.js';
import { titleFromFolder } from '../src/project/init-answers.js';
import { today } from '../src/util/dates.js';
import { BIN } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { edit, emptyDir, read, write } from './helpers/project.js';
import { startSmtp } from './helpers/smtp.js';

const FILES = [
  'issues/newsletter.yaml',
  'issues/items.yaml',
  'issues/001.yaml',
  'subscribers.example.csv',
  '.env.example',
  '.gitignore',
  'README.md',
  'package.json',
];

const SECRET = 'q8Jv2mX0c9Yw7LrT1sKfZ4pHn6bE3uGd5aQy8NxW0oI=';

/** What check says about a project made by init --yes in my-newsletter/, in order. */
const PLACEHOLDERS = [
  'issues/newsletter.yaml:8:12: from.address is the placeholder "newsletter@your-organisation.example"',
  'issues/newsletter.yaml:9:11: reply_to is the placeholder "newsletter@your-organisation.example"',
  'issues/newsletter.yaml:11:10: list_id is the placeholder "my-newsletter.your-organisation.example"',
  'issues/newsletter.yaml:13:17: postal_address still holds TODO placeholder text',
  'issues/newsletter.yaml:18:8: unsubscribe.url is the placeholder ' +
    '"https://www.your-organisation.example/my-newsletter/unsubscribe"',
  'issues/newsletter.yaml:20:11: unsubscribe.mailto is the placeholder ' +
    '"newsletter-unsubscribe@your-organisation.example"',
  'issues/newsletter.yaml:24:13: site.base_url is the placeholder "https://www.your-organisation.example/my-newsletter/"',
  'issues/items.yaml:9:12: the summary of item "welcome" still holds TODO placeholder text',
  'issues/items.yaml:12:8: the url of item "welcome" is the placeholder ' +
    '"https://www.your-organisation.example/my-newsletter/"',
  'issues/001.yaml:6:12: preheader still holds TODO placeholder text',
  'issues/001.yaml:7:8: intro still holds TODO placeholder text',
].map((p) =>
  p.includes('TODO') ? `${p}; enews send refuses until it is written` : `${p}; enews send refuses until it is your own`,
);

const FLAGS = [
  '--title',
  'Coop News',
  '--from',
  'news@coop.example.net',
  '--from-name',
  'Coop Unit',
  '--reply-to',
  'team@coop.example.net',
  '--list-id',
  'news.coop.example.net',
  '--postal-address',
  '1 Rue de la Paix, 75002 Paris, France',
  '--site-url',
  'https://coop.example.net/news/',
  '--unsubscribe-url',
  'https://coop.example.net/news/unsubscribe',
  '--unsubscribe-mailto',
  'unsubscribe@coop.example.net',
  '--language',
  'fr',
];

/** Every file below `dir`, as sorted relative paths. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('enews init', () => {
  it('--yes: a project from the folder name and defaults, which builds as it is', async () => {
    const parent = emptyDir();
    const r = await enews(['init', 'my-newsletter', '--yes'], parent);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    // This enews is a checkout, not an install: the project names it by path, and init says what that means.
    const spec = JSON.parse(read(path.join(parent, 'my-newsletter'), 'package.json')).dependencies.enews;
    expect(spec).toMatch(/^file:(\.\.\/)+/);
    expect(r.stdout).toBe(
      'Created the project of "My Newsletter" in my-newsletter:\n' +
        FILES.map((f) => `  ${f}\n`).join('') +
        `package.json names enews as "${spec}", a path on this computer: npm install works only here.\n` +
        '  For a project others clone, run enews init with --enews and a version, a git URL or a tarball\n' +
        '  (a tarball is copied into the project).\n' +
        'Next:\n  cd my-newsletter\n  npm install\n  npx enews build 1\n' +
        'Then write what is still a placeholder (texts marked TODO, addresses at your-organisation.example):\n' +
        '  npx enews check 1 lists each one; enews send refuses until they are written.\n' +
        'Copy .env.example to .env for sending; README.md has the weekly routine.\n',
    );
    const dir = path.join(parent, 'my-newsletter');
    expect(tree(dir)).toEqual([...FILES].sort());
    const nl = newsletterSchema.parse(parse(read(dir, 'issues/newsletter.yaml')));
    expect(nl).toMatchObject({
      title: 'My Newsletter',
      language: 'en',
      from: { name: 'My Newsletter', address: 'newsletter@your-organisation.example' },
      reply_to: 'newsletter@your-organisation.example',
      list_id: 'my-newsletter.your-organisation.example',
      postal_address: 'TODO: your organisation, street and number, postcode and city, country',
      why_you_get_this: 'You receive My Newsletter because you subscribed to it.',
      unsubscribe: {
        url: 'https://www.your-organisation.example/my-newsletter/unsubscribe',
        mailto: 'newsletter-unsubscribe@your-organisation.example',
      },
      site: { base_url: 'https://www.your-organisation.example/my-newsletter/' },
    });
    for (const [file, schema] of [
      ['issues/newsletter.yaml', 'newsletter'],
      ['issues/items.yaml', 'items'],
      ['issues/001.yaml', 'issue'],
    ]) {
      expect(read(dir, file!).split('\n')[0]).toBe(
        `# yaml-language-server: $schema=../node_modules/enews/schemas/${schema}.schema.json`,
      );
    }
    expect(parse(read(dir, 'issues/001.yaml'))).toMatchObject({ number: 1, date: today(), items: ['welcome'] });
    const env = read(dir, '.env.example');
    for (const name of [
      'SMTP_URL',
      'UNSUBSCRIBE_SECRET',
      'DKIM_DOMAIN',
      'DKIM_SELECTOR',
      'DKIM_PRIVATE_KEY_FILE',
      'DKIM_ED25519_SELECTOR',
      'DKIM_ED25519_PRIVATE_KEY_FILE',
      'IMAP_URL',
      'CHROMIUM_PATH',
      'SPAMASSASSIN_PATH',
    ]) {
      expect(env).toMatch(new RegExp(`^# ${name}=`, 'm'));
    }
    // What a strong unsubscribe secret is and how to make one, and where the one it replaces goes.
    expect(env).toContain(
      'At least 128 bits of strength, or send,\n# serve and inbox refuse it: make it with  openssl rand -base64 32',
    );
    expect(env).toMatch(/^# UNSUBSCRIBE_SECRET_OLD=$/m);
    // What a DKIM key must be (send refuses one under 1024 bits) and which domain aligns with From.
    expect(env).toContain('#   openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out dkim-private.pem\n');
    expect(env).toContain("The domain is your From address's (or a subdomain\n# of it)");
    // Nothing in it is set: copying it to .env changes nothing until someone fills it in.
    expect(env.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([]);
    expect(
      read(dir, '.gitignore')
        .split('\n')
        .filter((l) => l && !l.startsWith('#')),
    ).toEqual(['node_modules/', 'dist/', 'journal/', 'site/', 'out/', '.env']);
    const pkg = JSON.parse(read(dir, 'package.json'));
    expect(pkg.name).toBe('my-newsletter');
    expect(pkg.private).toBe(true);
    const readme = read(dir, 'README.md');
    const steps = ['enews new', 'enews check N', 'enews build N', 'enews preview N', 'enews approve N', '--test'];
    for (const step of [...steps, 'review.html', 'enews serve']) expect(readme).toContain(step);
    expect(readme).toContain('npx enews templates eject partials/footer.mjml');

    // Everything init could not know is a placeholder, and check says so at its line.
    const check = await enews(['check', '1'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toBe(PLACEHOLDERS.map((p) => `warning: ${p}\n`).join(''));
    expect(check.stdout).toContain('Issue 1 is valid: "My Newsletter No. 1", 1 item, HTML');
    expect(check.stdout).toContain(', 11 warnings.\n');
    const build = await enews(['build', '1'], dir);
    expect(build.code, build.stderr).toBe(0);
    expect(read(dir, 'dist/001/email.html')).toContain('Welcome to My Newsletter');
    expect(read(dir, 'dist/001/email.html')).toContain('TODO: your organisation, street and number');
  });

  it('send refuses a project with placeholders, naming each and where; --dry-run and --test still work', async () => {
    const parent = emptyDir();
    expect((await enews(['init', 'my-newsletter', '--yes'], parent)).code).toBe(0);
    const dir = path.join(parent, 'my-newsletter');
    expect((await enews(['build', '1'], dir)).code).toBe(0);
    const server = await startSmtp();
    try {
      const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
      const send = ['send', '1', '--subscribers', 'subscribers.example.csv'];
      const refused = await enews([...send, '--yes'], dir, env);
      expect(refused).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'error: Issue 1 still holds placeholders (11); it is not ready to go to subscribers:\n' +
          PLACEHOLDERS.map((p) => `  - ${p.replace(/:\d+: /, ': ')}\n`).join('') +
          '  - Write them, run enews build 1, review, then send. (--test and --dry-run work meanwhile.)\n',
      });
      expect(server.rcptAttempts).toEqual([]);

      const dry = await enews([...send, '--dry-run', 'out', '--yes'], dir, env);
      expect(dry.code, dry.stderr).toBe(0);
      expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['1.eml', '2.eml']);
      const test = await enews([...send, '--test', 'me@coop.example.net'], dir, env);
      expect(test.code, test.stderr).toBe(0);
      expect(server.rcptAttempts).toEqual(['me@coop.example.net']);

      // Written, built again: it goes out.
      for (const file of ['issues/newsletter.yaml', 'issues/items.yaml', 'issues/001.yaml'])
        write(dir, file, read(dir, file).replaceAll('your-organisation.example', 'coop.example.net'));
      edit(dir, 'issues/newsletter.yaml', /postal_address: .*/, 'postal_address: 1 Rue de la Paix, 75002 Paris');
      edit(dir, 'issues/items.yaml', /summary: >-\n( {4}.*\n)+/, 'summary: Our first news.\n');
      edit(dir, 'issues/001.yaml', /preheader: .*/, 'preheader: The first issue.');
      edit(dir, 'issues/001.yaml', /intro: \|\n( {2}.*\n)+/, 'intro: Welcome to the first issue.\n');
      const check = await enews(['check', '1'], dir);
      expect(check.stderr).toBe('');
      expect((await enews(['build', '1'], dir)).code).toBe(0);
      const sent = await enews([...send, '--yes'], dir, env);
      expect(sent.code, sent.stderr).toBe(0);
      expect(server.received.length).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('takes every value from flags, without --yes and without a terminal', async () => {
    const dir = path.join(emptyDir(), 'coop');
    const r = await enews(['init', dir, ...FLAGS, '--ci', 'github'], process.cwd());
    expect(r.code, r.stderr).toBe(0);
    // Only the texts are left to write: no address was made up.
    expect(r.stdout).toContain('Then write what is still a placeholder (texts marked TODO):\n');
    expect(parse(read(dir, 'issues/newsletter.yaml'))).toEqual({
      title: 'Coop News',
      language: 'fr',
      from: { name: 'Coop Unit', address: 'news@coop.example.net' },
      reply_to: 'team@coop.example.net',
      list_id: 'news.coop.example.net',
      postal_address: '1 Rue de la Paix, 75002 Paris, France',
      why_you_get_this: 'Vous recevez Coop News parce que vous y êtes abonné·e.',
      unsubscribe: { url: 'https://coop.example.net/news/unsubscribe', mailto: 'unsubscribe@coop.example.net' },
      site: { base_url: 'https://coop.example.net/news/' },
    });
    const workflow = read(dir, '.github/workflows/enews.yml');
    expect(workflow).toContain('on: pull_request');
    expect(workflow).not.toContain('npx enews check');
    expect(workflow).toContain('path: dist/**/*.png');
    expect(workflow).toContain('npx enews build "$n" --screenshots');
    expect(workflow).toContain('actions/upload-artifact');
    // review.html beside the screenshots, as an artifact of its own.
    expect(parse(workflow).jobs['check-and-build'].steps.slice(-2)).toEqual([
      { uses: 'actions/upload-artifact@v4', with: { name: 'screenshots', path: 'dist/**/*.png' } },
      { uses: 'actions/upload-artifact@v4', with: { name: 'review', path: 'dist/*/review.html' } },
    ]);
    expect(parse(workflow).jobs['check-and-build'].steps).toHaveLength(6);
    expect((await enews(['build', '1'], dir)).code).toBe(0);
    // What the upload's path names is there after the build.
    expect(existsSync(path.join(dir, 'dist/001/review.html'))).toBe(true);
  });

  it('--language fr writes French starter text, and the French test send says the subject it sends', async () => {
    const parent = emptyDir();
    const r = await enews(['init', 'lettre', '--yes', '--language', 'fr', '--title', 'Ma lettre'], parent);
    expect(r.code, r.stderr).toBe(0);
    const dir = path.join(parent, 'lettre');
    expect(parse(read(dir, 'issues/newsletter.yaml'))).toMatchObject({
      language: 'fr',
      postal_address: 'TODO : votre organisation, rue et numéro, code postal et ville, pays',
      why_you_get_this: 'Vous recevez Ma lettre parce que vous y êtes abonné·e.',
    });
    expect(parse(read(dir, 'issues/items.yaml'))[0]).toMatchObject({
      title: 'Bienvenue dans Ma lettre',
      summary: expect.stringMatching(/^TODO : un exemple d’article ; remplacez-le par vos propres nouvelles\./),
    });
    const issue = parse(read(dir, 'issues/001.yaml'));
    expect(issue.subject).toBeUndefined();
    expect(issue.preheader).toBe('TODO : une ligne que les messageries affichent après l’objet.');
    expect(issue.intro).toMatch(/^Bienvenue dans le premier numéro de Ma lettre\. TODO : écrivez l’introduction\./);
    const built = await enews(['build', '1'], dir);
    expect(built.stdout).toContain('Built issue 1 "Ma lettre n° 1" into dist/001/');
    const server = await startSmtp();
    try {
      const env = { SMTP_URL: server.url(), UNSUBSCRIBE_SECRET: SECRET };
      const test = await enews(
        ['send', '1', '--subscribers', 'subscribers.example.csv', '--test', 'me@x.org'],
        dir,
        env,
      );
      expect(test.code, test.stderr).toBe(0);
      expect(test.stderr).toContain("Test send of '[TEST] Ma lettre n° 1' (");
      expect(server.received.length).toBe(1);
      expect((await simpleParser(server.received[0]!.raw)).subject).toBe('[TEST] Ma lettre n° 1');
    } finally {
      await server.close();
    }
    const es = await enews(['init', 'boletin', '--yes', '--language', 'es', '--title', 'Boletín'], parent);
    expect(es.code, es.stderr).toBe(0);
    expect((await enews(['build', '1'], path.join(parent, 'boletin'))).stdout).toContain(
      'Built issue 1 "Boletín n.º 1"',
    );
  });

  it('takes an empty folder, or a fresh clone holding only .git; the default folder is the current one', async () => {
    const dir = emptyDir();
    mkdirSync(path.join(dir, '.git'));
    const r = await enews(['init', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Created the project of "${titleFromFolder(path.basename(dir))}" in ${dir}:\n`);
    expect(r.stdout).not.toContain('  cd ');
    expect(existsSync(path.join(dir, 'issues/newsletter.yaml'))).toBe(true);
  });

  it('refuses a folder that is not empty, listing what it holds, and writes nothing', async () => {
    const dir = emptyDir();
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    mkdirSync(path.join(dir, 'issues'));
    const r = await enews(['init', '.', '--yes'], dir);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `error: This folder (${dir}) is not empty, and enews init never overwrites anything: give it a new ` +
        'folder (enews init my-newsletter) or empty this one. It holds:\n  - issues/\n  - notes.txt\n',
    });
    expect(tree(dir)).toEqual(['notes.txt']);
    const file = await enews(['init', 'notes.txt', '--yes'], dir);
    expect(file.code).toBe(1);
    expect(file.stderr).toBe(
      'error: notes.txt is a file, not a folder: enews init makes a folder there.\n' +
        '  - Give the name of a new folder: enews init my-newsletter\n',
    );
  });

  it('an invalid from address or list id given as a flag: exit 1 naming the flag and why, nothing written', async () => {
    const parent = emptyDir();
    const r = await enews(['init', 'news', '--yes', '--from', 'news.coop.org', '--list-id', 'coop news'], parent);
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: Nothing was written: an option of enews init is not valid (2 problems):\n' +
        '  - --from "news.coop.org" is not a valid email address: it needs the form name@domain\n' +
        '    For example: --from "news@your-organisation.org"\n' +
        '  - --list-id "coop news" must look like a domain name, e.g. enews.coop.example.org\n' +
        '    For example: --list-id "enews.your-organisation.org"\n',
    });
    expect(readdirSync(parent)).toEqual([]);
    const url = await enews(['init', 'news', '--yes', '--site-url', 'ftp://coop.org/'], parent);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain('--site-url "ftp://coop.org/" must start with https:// (got "ftp:")');
  });

  it('without --yes and without a terminal, asks for the missing values as options (exit 2)', async () => {
    const parent = emptyDir();
    const r = await enews(['init', 'news', '--title', 'News'], parent);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr:
        "error: enews init asks for the newsletter's details on a terminal, and stdin is not one. Give them as " +
        'options (--from-name, --from, --reply-to, --list-id, --postal-address, --site-url, --unsubscribe-url, ' +
        '--unsubscribe-mailto, --language), or add --yes to take the defaults for those not given.\n',
    });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('a default that cannot be valid (an international sender domain makes no list id) is named', async () => {
    const parent = emptyDir();
    const r = await enews(['init', 'news', '--yes', '--from', 'news@coopé.example'], parent);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'the default --list-id "news.coopé.example" must look like a domain name, e.g. enews.coop.example.org',
    );
    expect(r.stderr).toContain('Give --list-id yourself.');
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('enews init on a terminal', () => {
  /**
   * Runs init under `script` (a pseudo-terminal). Each time a new question shows, the next entry of
   * `typed` is typed (a line, or several at once as a paste does). Killed after 20 s, so that a
   * question left waiting fails the test instead of hanging it.
   */
  function onTerminal(cwd: string, typed: string[]): Promise<{ code: number | null; out: string }> {
    const cmd = `"${process.execPath}" "${BIN}" init news`;
    return new Promise((resolve) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], {
        cwd,
        env: { PATH: process.env.PATH, TERM: 'dumb' },
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      let out = '';
      let asked = 0;
      child.stdout.on('data', (d) => {
        out += d;
        const questions = out.split(']: ').length - 1;
        while (asked < questions) child.stdin.write(typed[asked++] ?? '\n');
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, out: out.replace(/\r/g, '') });
      });
    });
  }

  it('asks one by one with defaults from the earlier answers, and again after an invalid answer', async () => {
    const parent = emptyDir();
    const r = await onTerminal(
      parent,
      ['Coop News', '', '', 'not an address', 'news@coop.example.net'].map((l) => `${l}\n`),
    );
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Title of the newsletter [News]: ');
    expect(r.out).toContain('Language of the newsletter (a tag such as en, fr, es) [en]: ');
    expect(r.out).toContain('Sender name (From) [Coop News]: ');
    expect(r.out).toContain(
      '  Not valid: "not an address" is not a valid email address: it contains a space. ' +
        'For example: news@your-organisation.org\n',
    );
    expect(r.out.split('Sender address (From) [newsletter@your-organisation.example]: ')).toHaveLength(3);
    // The list id and addresses after it follow from the answers.
    expect(r.out).toContain('[coop-news.coop.example.net]: ');
    expect(r.out).toContain('Reply-To address (where replies go) [news@coop.example.net]: ');
    const nl = parse(readFileSync(path.join(parent, 'news/issues/newsletter.yaml'), 'utf8'));
    expect(nl).toMatchObject({
      title: 'Coop News',
      from: { name: 'Coop News', address: 'news@coop.example.net' },
      list_id: 'coop-news.coop.example.net',
      postal_address: 'TODO: your organisation, street and number, postcode and city, country',
      site: { base_url: 'https://www.coop.example.net/coop-news/' },
      unsubscribe: { mailto: 'news-unsubscribe@coop.example.net' },
    });
  });

  it('takes answers pasted all at once, each for its question, and a postal address of several lines', async () => {
    const parent = emptyDir();
    const answers = [
      'Coop News',
      'fr',
      'Coop Unit',
      'news@coop.example.net',
      '',
      '',
      'Coop Unit',
      '1 Rue de la Paix',
      '75002 Paris, France',
      '',
      'https://coop.example.net/news/',
    ];
    const r = await onTerminal(parent, [answers.map((l) => `${l}\n`).join('')]);
    expect(r.code, r.out).toBe(0);
    // Each answer shows after its question, as if typed there.
    expect(r.out).toContain('Language of the newsletter (a tag such as en, fr, es) [en]: fr\n');
    expect(r.out).toContain('Sender address (From) [newsletter@your-organisation.example]: news@coop.example.net\n');
    const nl = parse(readFileSync(path.join(parent, 'news/issues/newsletter.yaml'), 'utf8'));
    expect(nl).toMatchObject({
      title: 'Coop News',
      language: 'fr',
      from: { name: 'Coop Unit', address: 'news@coop.example.net' },
      reply_to: 'news@coop.example.net',
      list_id: 'coop-news.coop.example.net',
      postal_address: 'Coop Unit\n1 Rue de la Paix\n75002 Paris, France',
      site: { base_url: 'https://coop.example.net/news/' },
      unsubscribe: { url: 'https://coop.example.net/news/unsubscribe', mailto: 'news-unsubscribe@coop.example.net' },
    });
    const built = await enews(['build', '1'], path.join(parent, 'news'));
    expect(built.code, built.stderr).toBe(0);
    expect(read(path.join(parent, 'news'), 'dist/001/email.txt')).toContain('Coop Unit\n1 Rue de la Paix\n75002 Paris');
  });

  it('Ctrl-D at a question stops it: one line saying so, exit 1, nothing written', async () => {
    const parent = emptyDir();
    const r = await onTerminal(parent, ['Coop News\n', '\x04']);
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'Language of the newsletter (a tag such as en, fr, es) [en]: \n' +
        'error: Stopped before the last question (Ctrl-D or Ctrl-C): enews init wrote nothing.\n',
    );
    expect(r.out).not.toContain('unexpected');
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe("the new project's enews dependency", () => {
  it('is a spec that installs elsewhere: what the installing project named, or where npm got it', () => {
    const home = emptyDir();
    const installed = path.join(home, 'team/node_modules/enews');
    mkdirSync(installed, { recursive: true });
    const pkg = (deps: object) => writeFileSync(path.join(home, 'team/package.json'), JSON.stringify(deps));
    const target = path.join(home, 'elsewhere/demo');
    const dep = () => dependencyFor(installedSource(installed, '0.3.1'), target);
    // A tarball named relative to the installing project is copied into the new one, named relative to it.
    writeFileSync(path.join(home, 'enews-0.3.1.tgz'), 'tarball');
    pkg({ dependencies: { enews: 'file:../enews-0.3.1.tgz' } });
    expect(dep()).toEqual({
      spec: 'file:vendor/enews-0.3.1.tgz',
      vendor: { from: path.join(home, 'enews-0.3.1.tgz'), to: 'vendor/enews-0.3.1.tgz' },
    });
    pkg({ devDependencies: { enews: 'git+https://git.example.org/tools/enews.git#v0.3.1' } });
    expect(dep()).toEqual({ spec: 'git+https://git.example.org/tools/enews.git#v0.3.1', vendor: null });
    pkg({ dependencies: { enews: '^0.3.0' } });
    expect(dep()).toEqual({ spec: '^0.3.0', vendor: null });
    // Installed with --no-save: npm's own record of what it fetched; from a registry, a version range.
    pkg({});
    const lock = (resolved: string) =>
      writeFileSync(
        path.join(home, 'team/node_modules/.package-lock.json'),
        JSON.stringify({ packages: { 'node_modules/enews': { resolved } } }),
      );
    lock('https://registry.npmjs.org/enews/-/enews-0.3.1.tgz');
    expect(dep()).toEqual({ spec: '^0.3.1', vendor: null });
    lock('file:../enews-0.3.1.tgz');
    expect(dep().spec).toBe('file:vendor/enews-0.3.1.tgz');
    lock('git+ssh://git@git.example.org/tools/enews.git#0123abc');
    expect(dep().spec).toBe('git+ssh://git@git.example.org/tools/enews.git#0123abc');
    // A checkout (like this repository) can only be linked by its folder, relative to the project.
    expect(dependencyFor(installedSource(path.join(home, 'src/enews')), target)).toEqual({
      spec: 'file:../../src/enews',
      vendor: null,
    });
    // --enews: a tarball path is copied too; anything else is taken as it is.
    expect(sourceOf('../enews-0.3.1.tgz', path.join(home, 'team'))).toEqual({
      kind: 'tarball',
      file: path.join(home, 'enews-0.3.1.tgz'),
    });
    expect(sourceOf('enews-0.3.1.tgz', home)).toEqual({ kind: 'tarball', file: path.join(home, 'enews-0.3.1.tgz') });
    expect(sourceOf('https://example.org/enews-0.3.1.tgz', home)).toEqual({
      kind: 'spec',
      spec: 'https://example.org/enews-0.3.1.tgz',
    });
  });
});
