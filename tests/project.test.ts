/**
 * The project as enews finds and reads it: root discovery (from a subfolder, --project, outside a
 * project), template resolution (the package's defaults, the project's own file by file) and
 * `enews templates eject`.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_TEMPLATES } from '../src/project/package.js';
import { defaultTemplates } from '../src/project/templates.js';
import { displayFrom, findProjectRoot, projectFlag, relativizerFrom } from '../src/project/root.js';
import { enews } from './helpers/inproc.js';
import { copyProject, emptyDir, read, REPO } from './helpers/project.js';

const SECRET = 'YSMFEuoVTiFtg2z8O6AlX1y52qPr5LxiZqSbUQMcKsw=';
/** The default templates (the repository's templates/ folder), as paths inside templates/. */
const DEFAULTS = defaultTemplates();

/** A copy of the example without templates/: everything comes from the package's defaults. */
function projectWithoutTemplates(): string {
  const dir = copyProject();
  rmSync(path.join(dir, 'templates'), { recursive: true });
  return dir;
}

function manifestInputs(dir: string, n = '003'): string[] {
  return Object.keys(JSON.parse(read(dir, `dist/${n}/manifest.json`)).inputs);
}

describe('finding the project', () => {
  it('is the nearest folder at or above the working folder with issues/newsletter.yaml', () => {
    const dir = copyProject();
    mkdirSync(path.join(dir, 'notes/2026'), { recursive: true });
    expect(findProjectRoot(dir)).toBe(dir);
    expect(findProjectRoot(path.join(dir, 'issues'))).toBe(dir);
    expect(findProjectRoot(path.join(dir, 'notes/2026'))).toBe(dir);
    expect(findProjectRoot(emptyDir())).toBe(null);
    // A project whose newsletter.yaml is missing is still the project: reading it names the file.
    rmSync(path.join(dir, 'issues/newsletter.yaml'));
    expect(findProjectRoot(dir)).toBe(dir);
    expect(findProjectRoot(path.join(dir, 'notes'))).toBe(null);
  });

  it('reads --project before parsing, in both spellings, and not after --', () => {
    expect(projectFlag(['build', '3', '--project', 'a'])).toBe('a');
    expect(projectFlag(['--project=b', 'status', '3'])).toBe('b');
    expect(projectFlag(['new', '--', '--project', 'c'])).toBe(undefined);
  });

  it('from a subfolder: project files from the root, typed paths from where they were typed', async () => {
    const dir = copyProject();
    expect((await enews(['build', '3'], dir, { UNSUBSCRIBE_SECRET: SECRET })).code).toBe(0);
    const sub = path.join(dir, 'lists');
    mkdirSync(sub);
    cpSync(path.join(dir, 'subscribers.example.csv'), path.join(sub, 'people.csv'));
    // .env is read from the project folder, whichever subfolder the command runs in.
    writeFileSync(path.join(dir, '.env'), `UNSUBSCRIBE_SECRET=${SECRET}\n`);
    const r = await enews(['send', '3', '--subscribers', 'people.csv', '--dry-run'], sub);
    expect(r.code, r.stderr).toBe(0);
    // --dry-run without a folder writes into out/ of the project; the file given was lists/people.csv.
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['1.eml', '2.eml', '3.eml', '4.eml', '5.eml', '6.eml']);
    expect(existsSync(path.join(sub, 'out'))).toBe(false);
    const mine = await enews(['send', '3', '--subscribers', 'people.csv', '--dry-run', 'here'], sub);
    expect(mine.code, mine.stderr).toBe(0);
    expect(readdirSync(path.join(sub, 'here'))).toHaveLength(6);

    const n = await enews(['new', '--date', '2017-05-30'], path.join(dir, 'issues'));
    expect(n.code, n.stderr).toBe(0);
    // Shown relative to where the command was typed, as git shows paths.
    expect(n.stdout).toContain('Wrote 004.yaml: issue 4, 30 May 2017');
    expect(existsSync(path.join(dir, 'issues/004.yaml'))).toBe(true);
    const s = await enews(['site'], sub);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toContain('Wrote the archive of 1 issue (No. 3) to ../site/');
    expect(existsSync(path.join(dir, 'site/003/index.html'))).toBe(true);
  });

  it('--project names the project from anywhere', async () => {
    const dir = copyProject();
    const r = await enews(['--project', dir, 'templates', 'list'], emptyDir());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("templates/email.mjml                                 the project's own");
    const wrong = await enews(['status', '3', '--project', 'nowhere'], emptyDir());
    expect(wrong).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'error: --project nowhere is not an enews project: there is no such folder.\n' +
        '  - Name the folder that holds issues/newsletter.yaml, or create a project there with: enews init DIR\n',
    });
  });

  it.each([
    ['new'],
    ['status', '3'],
    ['report', '3'],
    ['site'],
    ['serve'],
    ['preview', '3'],
    ['send', '3', '--subscribers', 'x.csv', '--dry-run'],
    ['inbox', '--mbox', 'x.mbox'],
    ['templates', 'eject'],
  ])('outside a project, enews %s says how to create one', async (...args) => {
    const dir = emptyDir();
    // inbox reads the mailbox first: let it find one.
    if (args[0] === 'inbox') writeFileSync(path.join(dir, 'x.mbox'), '');
    const before = readdirSync(dir);
    const r = await enews(args, dir, { UNSUBSCRIBE_SECRET: SECRET });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `error: Not in an enews project: neither ${dir} nor any folder above it has issues/newsletter.yaml.\n` +
        '  - To start a newsletter: enews init my-newsletter, then cd my-newsletter and npm install.\n' +
        '  - To work on an existing one: cd into its folder, or name it with --project DIR.\n',
    });
    expect(readdirSync(dir)).toEqual(before);
  });

  it('help and version need no project', async () => {
    const dir = emptyDir();
    const v = await enews(['--version'], dir);
    expect(v).toEqual({ code: 0, stdout: `${JSON.parse(read(REPO, 'package.json')).version}\n`, stderr: '' });
    const h = await enews(['--help'], dir);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('--project <DIR>');
    expect(h.stdout).toMatch(/init \[options\] \[DIR\]/);
  });
});

describe('files as people read them', () => {
  it("names enews's default templates enews:templates/…, but in this repository, where they are the project's own", () => {
    const item = path.join(PACKAGE_TEMPLATES, 'partials/item.mjml');
    const elsewhere = emptyDir();
    expect(displayFrom(elsewhere, elsewhere)(`${item}:11:27`)).toBe('enews:templates/partials/item.mjml:11:27');
    expect(relativizerFrom(elsewhere, elsewhere)(`warning: ${item}:3: x; see ${elsewhere}/issues/001.yaml:2`)).toBe(
      'warning: enews:templates/partials/item.mjml:3: x; see issues/001.yaml:2',
    );
    expect(displayFrom(REPO, REPO)(item)).toBe('templates/partials/item.mjml');
    expect(relativizerFrom(REPO, REPO)(`${item}:3`)).toBe('templates/partials/item.mjml:3');
  });
});

describe('templates: the package defaults and the project own', () => {
  it('a project without templates/ builds, sends and publishes with the defaults, named enews:templates/…', async () => {
    const dir = projectWithoutTemplates();
    const b = await enews(['build', '3'], dir, { UNSUBSCRIBE_SECRET: SECRET });
    expect(b.code, b.stderr).toBe(0);
    // Every email template and strings file (en, fr, es: the example's languages), and only those: the
    // archive's (site/) are never inputs of a build, nor item-default.mjml while every item type has its partial.
    const email = DEFAULTS.filter(
      (t) => /^email\.|^partials\/|^strings\//.test(t) && t !== 'partials/item-default.mjml',
    ).map((t) => `enews:templates/${t}`);
    expect(manifestInputs(dir).filter((k) => k.includes('templates'))).toEqual(email);
    expect(email).toContain('enews:templates/partials/footer.mjml');
    // The example with its own templates (the same files) builds the same email.
    const example = copyProject();
    expect((await enews(['build', '3'], example, { UNSUBSCRIBE_SECRET: SECRET })).code).toBe(0);
    expect(read(dir, 'dist/003/email.html')).toBe(read(example, 'dist/003/email.html'));
    // send checks the build against the same names: nothing changed, so it goes.
    const s = await enews(['send', '3', '--subscribers', 'subscribers.example.csv', '--dry-run'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(s.code, s.stderr).toBe(0);
    const site = await enews(['site'], dir);
    expect(site.code, site.stderr).toBe(0);
  });

  it('templates/partials/footer.mjml alone overrides just the footer; the build names it by its project path', async () => {
    const dir = projectWithoutTemplates();
    const footer = readFileSync(path.join(PACKAGE_TEMPLATES, 'partials/footer.mjml'), 'utf8');
    mkdirSync(path.join(dir, 'templates/partials'), { recursive: true });
    const marker = 'Printed on recycled electrons.';
    writeFileSync(
      path.join(dir, 'templates/partials/footer.mjml'),
      footer.replace('</mj-column>', `<mj-text>${marker}</mj-text></mj-column>`),
    );
    expect(footer).toContain('</mj-column>');
    const b = await enews(['build', '3'], dir, { UNSUBSCRIBE_SECRET: SECRET });
    expect(b.code, b.stderr).toBe(0);
    expect(read(dir, 'dist/003/email.html')).toContain(marker);
    const names = manifestInputs(dir);
    expect(names).toContain('templates/partials/footer.mjml');
    expect(names).not.toContain('enews:templates/partials/footer.mjml');
    expect(names).toContain('enews:templates/partials/header.mjml');
    // Editing the team's footer after the build makes the build stale, by its project path.
    writeFileSync(path.join(dir, 'templates/partials/footer.mjml'), footer);
    const s = await enews(['send', '3', '--subscribers', 'subscribers.example.csv', '--dry-run'], dir, {
      UNSUBSCRIBE_SECRET: SECRET,
    });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('templates/partials/footer.mjml was edited since the build');
  });

  it('an archive partial overrides alone too (templates/site/partials/style.hbs)', async () => {
    const dir = projectWithoutTemplates();
    expect((await enews(['build', '3'], dir, { UNSUBSCRIBE_SECRET: SECRET })).code).toBe(0);
    mkdirSync(path.join(dir, 'templates/site/partials'), { recursive: true });
    writeFileSync(path.join(dir, 'templates/site/partials/style.hbs'), 'body { color: #123456 }\n');
    const r = await enews(['site'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir, 'site/index.html')).toContain('body { color: #123456 }');
    expect(read(dir, 'site/index.html')).toContain('All issues');
  });

  it('the two email layouts go together: a project with only email.txt must have email.mjml too', async () => {
    const dir = projectWithoutTemplates();
    mkdirSync(path.join(dir, 'templates'));
    cpSync(path.join(PACKAGE_TEMPLATES, 'email.txt'), path.join(dir, 'templates/email.txt'));
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('templates/email.mjml does not exist: it should hold the MJML layout of the email.');
  });
});

describe('enews templates eject', () => {
  it('copies one default by name, which then wins; never overwrites it', async () => {
    const dir = projectWithoutTemplates();
    const r = await enews(['templates', 'eject', 'footer'], path.join(dir, 'issues'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Copied 1 default template of enews \d+\.\d+\.\d+\S* into the project:\n/);
    expect(r.stdout).toContain('  ../templates/partials/footer.mjml\n');
    expect(readdirSync(path.join(dir, 'templates'), { recursive: true }).sort()).toEqual([
      'partials',
      'partials/footer.mjml',
    ]);
    expect(read(dir, 'templates/partials/footer.mjml')).toBe(
      readFileSync(path.join(PACKAGE_TEMPLATES, 'partials/footer.mjml'), 'utf8'),
    );
    const list = await enews(['templates', 'list'], dir);
    expect(list.stdout).toContain("templates/partials/footer.mjml                       the project's own\n");
    expect(list.stdout).toContain('templates/partials/header.mjml                       default\n');

    writeFileSync(path.join(dir, 'templates/partials/footer.mjml'), 'mine');
    const again = await enews(['templates', 'eject', 'partials/footer.mjml'], dir);
    expect(again).toEqual({
      code: 1,
      stdout: '',
      stderr:
        "error: templates/partials/footer.mjml is already the project's own, and enews never overwrites it. " +
        'To start again from the default, delete it first.\n',
    });
    expect(read(dir, 'templates/partials/footer.mjml')).toBe('mine');
  });

  it('an email layout brings the other; all copies every default the project lacks', async () => {
    const dir = projectWithoutTemplates();
    const r = await enews(['templates', 'eject', 'templates/email.txt'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'templates')).sort()).toEqual(['email.mjml', 'email.txt']);
    const all = await enews(['templates', 'eject'], dir);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain(`Copied ${DEFAULTS.length - 2} default templates of enews`);
    expect(all.stdout).toContain(
      'Kept 2 templates the project already has: templates/email.mjml and templates/email.txt',
    );
    const files = readdirSync(path.join(dir, 'templates'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(path.join(dir, 'templates'), path.join(e.parentPath, e.name)));
    expect(files.sort()).toEqual(DEFAULTS);
    expect(DEFAULTS).toEqual(expect.arrayContaining(['email.mjml', 'partials/item.mjml', 'site/partials/style.hbs']));
  });

  it('an unknown name lists the defaults; "email" means both layouts', async () => {
    const dir = projectWithoutTemplates();
    const unknown = await enews(['templates', 'eject', 'fotter'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe(
      `error: There is no default template named "fotter".\n  - The defaults are: ${DEFAULTS.join(', ')}\n`,
    );
    expect(existsSync(path.join(dir, 'templates'))).toBe(false);
    const email = await enews(['templates', 'eject', 'email'], dir);
    expect(email.code, email.stderr).toBe(0);
    expect(readdirSync(path.join(dir, 'templates')).sort()).toEqual(['email.mjml', 'email.txt']);
  });
});
