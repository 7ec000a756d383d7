/**
 * enews init: a new project from flags, --yes or questions on a terminal; what it refuses (a folder
 * with anything in it, an invalid address or list id) and that what it writes builds as it is.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newsletterSchema } from '../src/content/schema.js';
import { enewsSpec } from '../src/project/dependency.js';
import { titleFromFolder } from '../src/project/init-answers.js';
import { today } from '../src/util/dates.js';
import { BIN } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { emptyDir, read } from './helpers/project.js';

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
    expect(r.stdout).toBe(
      'Created the project of "My Newsletter" in my-newsletter:\n' +
        FILES.map((f) => `  ${f}\n`).join('') +
        'Next:\n  cd my-newsletter\n  npm install\n  npx enews build 1\n' +
        'Then write your postal address in issues/newsletter.yaml (it is a placeholder now).\n' +
        'Copy .env.example to .env for sending; README.md has the weekly routine.\n',
    );
    const dir = path.join(parent, 'my-newsletter');
    expect(tree(dir)).toEqual([...FILES].sort());
    const nl = newsletterSchema.parse(parse(read(dir, 'issues/newsletter.yaml')));
    expect(nl).toMatchObject({
      title: 'My Newsletter',
      language: 'en',
      from: { name: 'My Newsletter', address: 'newsletter@example.org' },
      reply_to: 'newsletter@example.org',
      list_id: 'my-newsletter.example.org',
      unsubscribe: {
        url: 'https://www.example.org/my-newsletter/unsubscribe',
        mailto: 'newsletter-unsubscribe@example.org',
      },
      site: { base_url: 'https://www.example.org/my-newsletter/' },
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
    // This enews is a checkout, not an install: the project names it by path.
    expect(pkg.dependencies.enews).toMatch(/^file:(\.\.\/)+/);
    const readme = read(dir, 'README.md');
    for (const step of ['enews new', 'enews check N', 'enews build N', 'enews preview N', '--test', 'enews serve'])
      expect(readme).toContain(step);
    expect(readme).toContain('npx enews templates eject partials/footer.mjml');

    const check = await enews(['check', '1'], dir);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toBe('');
    const build = await enews(['build', '1'], dir);
    expect(build.code, build.stderr).toBe(0);
    expect(read(dir, 'dist/001/email.html')).toContain('Welcome to My Newsletter');
    expect(read(dir, 'dist/001/email.html')).toContain('Your organisation, street and number');
  });

  it('takes every value from flags, without --yes and without a terminal', async () => {
    const dir = path.join(emptyDir(), 'coop');
    const r = await enews(['init', dir, ...FLAGS, '--ci', 'github'], process.cwd());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('placeholder');
    expect(parse(read(dir, 'issues/newsletter.yaml'))).toEqual({
      title: 'Coop News',
      language: 'fr',
      from: { name: 'Coop Unit', address: 'news@coop.example.net' },
      reply_to: 'team@coop.example.net',
      list_id: 'news.coop.example.net',
      postal_address: '1 Rue de la Paix, 75002 Paris, France',
      why_you_get_this: 'You receive Coop News because you subscribed to it.',
      unsubscribe: { url: 'https://coop.example.net/news/unsubscribe', mailto: 'unsubscribe@coop.example.net' },
      site: { base_url: 'https://coop.example.net/news/' },
    });
    const workflow = read(dir, '.github/workflows/enews.yml');
    expect(workflow).toContain('on: pull_request');
    expect(workflow).not.toContain('npx enews check');
    expect(workflow).toContain('path: dist/**/*.png');
    expect(workflow).toContain('npx enews build "$n" --screenshots');
    expect(workflow).toContain('actions/upload-artifact');
    expect(parse(workflow).jobs['check-and-build'].steps).toHaveLength(5);
    expect((await enews(['build', '1'], dir)).code).toBe(0);
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
  /** Runs init under `script` (a pseudo-terminal), typing the next answer at each question. */
  function onTerminal(cwd: string, answers: string[]): Promise<{ code: number | null; out: string }> {
    const cmd = `"${process.execPath}" "${BIN}" init news`;
    return new Promise((resolve) => {
      const child = spawn('script', ['-qec', cmd, '/dev/null'], {
        cwd,
        env: { PATH: process.env.PATH, TERM: 'dumb' },
      });
      let out = '';
      let asked = 0;
      child.stdout.on('data', (d) => {
        out += d;
        const questions = out.split(']: ').length - 1;
        while (asked < questions) child.stdin.write(`${answers[asked++] ?? ''}\n`);
      });
      child.on('close', (code) => resolve({ code, out: out.replace(/\r/g, '') }));
    });
  }

  it('asks one by one with defaults from the earlier answers, and again after an invalid answer', async () => {
    const parent = emptyDir();
    const r = await onTerminal(parent, ['Coop News', '', 'not an address', 'news@coop.example.net']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('Title of the newsletter [News]: ');
    expect(r.out).toContain('Sender name (From) [Coop News]: ');
    expect(r.out).toContain(
      '  Not valid: "not an address" is not a valid email address: it contains a space. ' +
        'For example: news@your-organisation.org\n',
    );
    expect(r.out.split('Sender address (From) [newsletter@example.org]: ')).toHaveLength(3);
    // The list id and addresses after it follow from the answers.
    expect(r.out).toContain('[coop-news.coop.example.net]: ');
    expect(r.out).toContain('Reply-To address (where replies go) [news@coop.example.net]: ');
    const nl = parse(readFileSync(path.join(parent, 'news/issues/newsletter.yaml'), 'utf8'));
    expect(nl).toMatchObject({
      title: 'Coop News',
      from: { name: 'Coop News', address: 'news@coop.example.net' },
      list_id: 'coop-news.coop.example.net',
      site: { base_url: 'https://www.coop.example.net/coop-news/' },
      unsubscribe: { mailto: 'news-unsubscribe@coop.example.net' },
    });
  });
});

describe("the new project's enews dependency", () => {
  it('is the source the installing project named, or where npm got it, or this checkout', () => {
    const home = emptyDir();
    const installed = path.join(home, 'team/node_modules/enews');
    mkdirSync(installed, { recursive: true });
    const pkg = (deps: object) => writeFileSync(path.join(home, 'team/package.json'), JSON.stringify(deps));
    // A tarball named relative to the installing project is named relative to the new one.
    pkg({ dependencies: { enews: 'file:../enews-0.1.0.tgz' } });
    expect(enewsSpec(path.join(home, 'team/demo'), installed)).toBe('file:../../enews-0.1.0.tgz');
    pkg({ devDependencies: { enews: 'git+https://git.example.org/tools/enews.git#v0.1.0' } });
    expect(enewsSpec(path.join(home, 'elsewhere/demo'), installed)).toBe(
      'git+https://git.example.org/tools/enews.git#v0.1.0',
    );
    // Installed with --no-save: npm's own record of what it fetched.
    pkg({});
    writeFileSync(
      path.join(home, 'team/node_modules/.package-lock.json'),
      JSON.stringify({ packages: { 'node_modules/enews': { resolved: 'file:enews-0.1.0.tgz' } } }),
    );
    expect(enewsSpec(path.join(home, 'team/demo'), installed)).toBe('file:../enews-0.1.0.tgz');
    // A checkout (like this repository) is linked by its folder.
    expect(enewsSpec(path.join(home, 'demo'), path.join(home, 'src/enews'))).toBe('file:../src/enews');
  });
});
