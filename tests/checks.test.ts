/**
 * enews check as the gate before sending (issue 14): the example passes with zero accessibility
 * errors and lists what its mail clients ignore; each kind of mistake is named at its file:line,
 * makes check exit 1 and stops build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, emptyDir, lineOf, REPO, read, write } from './helpers/project.js';

describe('enews check: the built email', () => {
  it('passes the example with no warning and lists client support at template lines', async () => {
    const dir = copyProject();
    const r = await enews(['check', '3'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Issue 3 is valid: "ILO COOP eNewsUpdate No. 3", 3 items, HTML ');
    expect(r.stdout).toMatch(/Client support \(caniemail data, 10 clients\): \d+ features the templates use/);
    const item = read(dir, 'templates/partials/item.mjml');
    expect(r.stdout).toContain(
      `templates/partials/item.mjml:${lineOf(item, 'aria-label')}:27: aria-label attribute: not supported in Yahoo web`,
    );
    expect(r.stdout).toMatch(
      /templates\/partials\/dark-mode\.mjml:\d+:\d+: @media \(prefers-color-scheme\): not supported in Gmail web, Gmail iOS, Gmail Android, Outlook Windows/,
    );
    // MJML's own markup (its <body>, its tables' role attribute, mj-column's display) is not listed.
    expect(r.stdout).not.toMatch(/<body> element|role attribute|word-break/);
    // Every listed feature has a line.
    for (const l of r.stdout.split('\n').filter((x) => x.startsWith('  '))) expect(l).toMatch(/^ {2}\S+:\d+:\d+: /);
  });

  it('a brand colour without contrast is an error at newsletter.yaml with the ratio; build writes nothing', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'color: "#1e2dbe"', 'color: "#8899ff"');
    const line = lineOf(read(dir, 'issues/newsletter.yaml'), 'color: "#8899ff"');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `error: issues/newsletter.yaml:${line}:10: brand.color #8899ff: text #ffffff on #8899ff ("ILO COOP eNewsUpdate") ` +
        'has a contrast of 2.60:1; WCAG 2.2 AA needs 3:1 for large text. To fix it, use a darker colour such as #7d8deb.',
    );
    expect(r.stdout).toContain('Issue 3 has problems to fix before it is sent');
    const b = await enews(['build', '3'], dir);
    expect(b.code).toBe(1);
    expect(b.stdout).toContain('Issue 3 was not built: fix the');
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });

  it('a mail client not in the data: error at its line in newsletter.yaml, with a did-you-mean', async () => {
    const dir = copyProject();
    edit(
      dir,
      'issues/newsletter.yaml',
      'suppress: []',
      'suppress: []\nchecks:\n  clients:\n    - outlook.*\n    - gmial.android',
    );
    const line = lineOf(read(dir, 'issues/newsletter.yaml'), 'gmial.android');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `issues/newsletter.yaml:${line}:7: checks.clients: "gmial.android" is not a mail client in the caniemail data`,
    );
    expect(r.stderr).toContain('Did you mean "gmail.android"?');
  });

  it('a client list in newsletter.yaml replaces the default one', async () => {
    const dir = copyProject();
    edit(dir, 'issues/newsletter.yaml', 'suppress: []', 'suppress: []\nchecks:\n  clients:\n    - apple-mail.*');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Client support (caniemail data, 2 clients)');
    expect(r.stdout).not.toContain('Outlook');
  });

  it('a template that loses the "Read more" links\' names: error at the template line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/partials/item.mjml', ' aria-label="{{t "read_more_label" title=title}}"', '');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    const line = lineOf(read(dir, 'templates/partials/item.mjml'), '>{{t "read_more"}}</a>');
    expect(r.stderr).toContain(
      `error: templates/partials/item.mjml:${line}:27: a link reads "Read more", which says nothing out of context`,
    );
    // Once per template line, not once per item.
    expect(r.stderr.match(/a link reads "Read more"/g)).toHaveLength(1);
  });

  it('headings out of order, a layout table without role, no lang: each at its template line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/partials/item.mjml', /<h2>(.*)<\/h2>/, '<h3>$1</h3>');
    edit(
      dir,
      'templates/email.mjml',
      '<p>{{t "salutation" name=(slot "name")}}</p>',
      '<p>{{t "salutation" name=(slot "name")}}</p><table><tr><td>x</td></tr></table>',
    );
    edit(dir, 'templates/email.mjml', '<mjml lang="{{newsletter.language}}">', '<mjml>');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    const item = read(dir, 'templates/partials/item.mjml');
    expect(r.stderr).toContain(
      `error: templates/partials/item.mjml:${lineOf(item, '<h3>')}:5: heading <h3> "Cooperatives provide an alternative model for the" follows <h1>: a level is skipped`,
    );
    expect(r.stderr).toContain(
      `error: templates/email.mjml:${lineOf(read(dir, 'templates/email.mjml'), '<table>')}:55: a layout table without role="presentation"`,
    );
    expect(r.stderr).toContain('error: templates/email.mjml:1:1: the email says its language is "und"');
  });

  it('templates without dark mode get a warning each, at the <mj-head> line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/email.mjml', '    {{> dark-mode}}\n', '');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    for (const what of ['color-scheme', 'supported-color-schemes']) {
      expect(r.stderr).toContain(`warning: templates/email.mjml:2:3: no <meta name="${what}" content="light dark">`);
    }
    expect(r.stderr).toContain('warning: templates/email.mjml:2:3: no @media (prefers-color-scheme: dark) styles');
    expect(r.stderr).toContain('warning: templates/email.mjml:2:3: no [data-ogsc] styles');
    expect(r.stderr).toContain('warning: templates/email.mjml:2:3: no [data-ogsb] styles');
  });

  it('tiny text is an error at the line that sets its size', async () => {
    const dir = copyProject();
    edit(dir, 'templates/email.mjml', '.type-label { font-size: 12px;', '.type-label { font-size: 10px;');
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error: templates\/partials\/item\.mjml:7:5: text "News" is 10 px; make it at least 12 px/,
    );
  });
});

describe('enews check --axe in Chromium', () => {
  it('checks every language in all four views: a dark-only contrast failure is an error at its template line', async () => {
    const dir = copyProject();
    // The dates and the footer's text, in dark mode only: grey on the dark card and page (the footer's three
    // paragraphs: why you get this, the links with their separators, the postal address).
    edit(dir, 'templates/partials/dark-mode.mjml', '.dm-footer p { color: #d1d5db', '.dm-footer p { color: #4b5563');
    const r = await enews(['check', '3', '--axe'], dir);
    expect(r.code).toBe(1);
    const views = '375 px light, 700 px light, 375 px dark, 700 px dark';
    for (const l of ['en', 'fr', 'es'])
      expect(r.stdout).toContain(`[${l}] axe-core (${views}): 4 serious or critical violations.`);
    const errors = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.startsWith('error: '));
    expect(errors.map((l) => /^error: (\S+): axe serious color-contrast: .* \(at ([^)]*)\)/.exec(l)?.slice(1))).toEqual(
      [
        ['templates/partials/item.mjml:9:5', '375 px dark, 700 px dark'],
        ['templates/partials/footer.mjml:13:7', '375 px dark, 700 px dark'],
        ['templates/partials/footer.mjml:14:7', '375 px dark, 700 px dark'],
        ['templates/partials/footer.mjml:20:7', '375 px dark, 700 px dark'],
      ],
    );
  });
});

describe('enews check --axe: one page for every language', () => {
  it('each language is checked in its own email and views: a French-only and a phone-only problem keep theirs', async () => {
    const dir = copyProject();
    // Shown at phone width only: an image without alt text and a link without text, in every language.
    edit(
      dir,
      'templates/partials/dark-mode.mjml',
      '  @media (prefers-color-scheme: dark) {',
      '  .phone-only { display: none; }\n  @media (max-width: 479px) { .phone-only { display: block !important; } }\n' +
        '  @media (prefers-color-scheme: dark) {',
    );
    edit(
      dir,
      'templates/partials/header.mjml',
      '    <mj-text color="#ffffff">',
      '    <mj-text padding="0">\n      <div class="phone-only"><img src="https://www.example.org/phone.png" width="180" />' +
        '<a href="https://www.example.org/"></a></div>\n    </mj-text>\n    <mj-text color="#ffffff">',
    );
    // A link without text in the French intro only, at every width and in both schemes.
    edit(
      dir,
      'issues/003.yaml',
      '    sociales soutient ses membres.\n',
      '    sociales soutient ses membres.\n    [](https://www.example.org/fr)\n',
    );
    const header = read(dir, 'templates/partials/header.mjml');
    const line = lineOf(header, 'phone-only');
    const r = await enews(['check', '3', '--axe'], dir);
    expect(r.code).toBe(1);
    const views = '375 px light, 700 px light, 375 px dark, 700 px dark';
    expect(r.stdout).toContain(`[en] axe-core (${views}): 2 serious or critical violations.`);
    expect(r.stdout).toContain(`[fr] axe-core (${views}): 3 serious or critical violations.`);
    expect(r.stdout).toContain(`[es] axe-core (${views}): 2 serious or critical violations.`);
    const errors = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => / axe (serious|critical) /.test(l));
    expect(errors.map((l) => /^error: (\S+ )?(\S+): axe \w+ ([\w-]+): .* \(at ([^)]*)\)/.exec(l)?.slice(1))).toEqual([
      [undefined, `templates/partials/header.mjml:${line}:31`, 'image-alt', '375 px light, 375 px dark'],
      [undefined, `templates/partials/header.mjml:${line}:90`, 'link-name', '375 px light, 375 px dark'],
      ['[fr] ', 'issues/003.yaml:8:3', 'link-name', views],
    ]);
  });
});

describe('enews check --axe: Chromium starts while the issue is prepared', () => {
  it('an issue that cannot be built is reported as without --axe, and the process ends (its Chromium closed)', () => {
    const dir = copyProject();
    // A Chromium left open keeps the process alive: the timeout turns that into a failure here.
    const run = (args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
    const plain = run(['check', '9']);
    const r = run(['check', '9', '--axe']);
    expect(r.error).toBeUndefined();
    expect(r.signal).toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(plain.stderr);
    expect(r.stderr).toContain('There is no issue 9');
  });
});

describe('enews check --axe interrupted', () => {
  it('Ctrl-C removes its Chromium and its profile, and the process still ends by the signal', async () => {
    const dir = copyProject();
    const tmp = emptyDir();
    const child = spawn(process.execPath, [BIN, 'check', '3', '--axe'], {
      cwd: dir,
      env: cleanEnv({ TMPDIR: tmp }),
      stdio: 'ignore',
    });
    const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('close', (code, signal) => resolve([code, signal])),
    );
    // Interrupted once Chromium answers (its profile has a file of its own), before the check is done.
    const prefix = `enews-chromium-${child.pid}-`;
    let profile: string | undefined;
    while (!profile) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const name = readdirSync(tmp).find((n) => n.startsWith(prefix));
      if (name && readdirSync(path.join(tmp, name)).length > 0) profile = path.join(tmp, name);
    }
    child.kill('SIGINT');
    expect(await ended).toEqual([null, 'SIGINT']);
    expect(readdirSync(tmp)).toEqual([]);
    // No process of this machine still runs with that profile.
    const users = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(profile!);
        } catch {
          return false;
        }
      });
    expect(users).toEqual([]);
  });
});

describe('enews check --axe and --spam without their tools', () => {
  it('--axe without Chromium stops before checking, with the same words as --screenshots', async () => {
    const r = await enews(['check', '3', '--axe', '--browser', '/nonexistent/chromium'], copyProject());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No browser at /nonexistent/chromium: nothing is there.');
    expect(r.stderr).toMatch(/--browser PATH or the CHROMIUM_PATH/);
  });

  it('--spam without SpamAssassin says how to install it', async () => {
    const r = await enews(['check', '3', '--spam'], copyProject(), { SPAMASSASSIN_PATH: '/nonexistent/spamassassin' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--spam needs SpamAssassin, and it is not installed.');
    expect(r.stderr).toContain('sudo apt-get install spamassassin');
  });
});

describe("enews check of a project made by enews init: enews's default templates, acknowledged findings", () => {
  const FEATURES = [
    'color-scheme CSS property',
    '@media',
    '@media (prefers-color-scheme)',
    'Child combinator',
    'Chaining selectors',
    'overflow',
    'Attribute selector',
    'color-scheme meta tag',
    'aria-hidden attribute',
    'aria-label attribute',
  ];

  /** A project from init with every value given and its TODO texts written: nothing left to fix. */
  async function written(): Promise<string> {
    const dir = path.join(emptyDir(), 'coop');
    const flags = ['--from', 'news@coop.example.net', '--postal-address', '1 Rue de la Paix, 75002 Paris'];
    expect((await enews(['init', dir, '--yes', '--title', 'Coop News', ...flags], process.cwd())).code).toBe(0);
    edit(dir, 'issues/items.yaml', /summary: >-\n( {4}.*\n)+/, 'summary: Our first news.\n');
    edit(dir, 'issues/001.yaml', /preheader: .*/, 'preheader: The first issue.');
    edit(dir, 'issues/001.yaml', /intro: \|\n( {2}.*\n)+/, 'intro: Welcome to the first issue.\n');
    return dir;
  }

  const acknowledge = (dir: string, features: string[]) =>
    write(
      dir,
      'issues/newsletter.yaml',
      `${read(dir, 'issues/newsletter.yaml')}checks:\n  acknowledged:\n` +
        features
          .map((f) => `    - feature: "${f}"\n      reason: Reviewed; the email reads well without it.\n`)
          .join(''),
    );

  it("names each finding in a default template as enews's (enews:templates/…), not by where enews is installed", async () => {
    const dir = await written();
    const r = await enews(['check', '1'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'Client support (caniemail data, 10 clients): 10 features the templates use are ignored by some:\n',
    );
    expect(r.stdout).toContain(
      '  enews:templates/partials/item.mjml:11:27: aria-label attribute: not supported in Yahoo web; ' +
        'they ignore it, so check the email still reads well without it\n',
    );
    const listed = r.stdout.split('\n').filter((l) => l.startsWith('  '));
    expect(listed).toHaveLength(10);
    for (const l of listed) expect(l).toMatch(/^ {2}enews:templates\/partials\/[a-z-]+\.mjml:\d+:\d+: /);
    expect(r.stdout).toContain(
      "(enews:templates/… is enews's default template; enews templates eject NAME copies it to change it.)\n",
    );
    expect(r.stdout).not.toContain(REPO);
  });

  it('acknowledged in newsletter.yaml with a reason, findings are counted, not listed: a clean check', async () => {
    const dir = await written();
    acknowledge(dir, FEATURES.slice(0, 3));
    const some = await enews(['check', '1'], dir);
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toContain(
      'Client support (caniemail data, 10 clients): 7 features the templates use are ignored by some, 3 acknowledged:\n',
    );
    const listed = some.stdout.split('\n').filter((l) => l.startsWith('  '));
    expect(listed.map((l) => l.replace(/^ {2}\S+: ([^:]+):.*$/, '$1'))).toEqual(FEATURES.slice(3));

    write(dir, 'issues/newsletter.yaml', read(dir, 'issues/newsletter.yaml').replace(/checks:\n[\s\S]*$/, ''));
    acknowledge(dir, FEATURES);
    const all = await enews(['check', '1'], dir);
    expect(all).toEqual({
      code: 0,
      stderr: '',
      stdout: expect.stringMatching(/^Issue 1 is valid: "Coop News No\. 1", 1 item, HTML [\d.]+ KB, 0 warnings\.\n/),
    });
    expect(all.stdout.split('\n').slice(1)).toEqual([
      'Client support (caniemail data, 10 clients): every feature some of them ignore is acknowledged in ' +
        'newsletter.yaml (10 acknowledged).',
      '',
    ]);
  });

  it('an acknowledgement nothing needs is a warning at its line; an unknown feature or key, or no reason, an error', async () => {
    const dir = await written();
    acknowledge(dir, [...FEATURES, 'display:grid']);
    const stale = await enews(['check', '1'], dir);
    expect(stale.code).toBe(0);
    const line = lineOf(read(dir, 'issues/newsletter.yaml'), 'display:grid');
    expect(stale.stderr).toBe(
      `warning: issues/newsletter.yaml:${line}:16: checks.acknowledged: "display:grid" is not a finding of this email ` +
        '(its templates do not use it, or the checked clients support it); remove it, so the list says what is true\n',
    );

    edit(dir, 'issues/newsletter.yaml', 'feature: "display:grid"', 'feature: "aria-labl attribute"');
    const unknown = await enews(['check', '1'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `issues/newsletter.yaml:${line}:16: checks.acknowledged: "aria-labl attribute" is not a feature in the caniemail data\n` +
        '    Did you mean "aria-label attribute"?',
    );

    edit(dir, 'issues/newsletter.yaml', /\n {4}- feature: "aria-labl attribute"\n.*/, '\n    - feature: overflow\n');
    const noReason = await enews(['check', '1'], dir);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toMatch(
      new RegExp(`issues/newsletter\\.yaml:${line}:\\d+: checks\\.acknowledged\\.10[.:]`),
    );
    expect(noReason.stderr).toContain('reason');

    edit(dir, 'issues/newsletter.yaml', '    - feature: overflow\n', '    - feature: overflow\n      reasons: none\n');
    const unknownKey = await enews(['check', '1'], dir);
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr).toContain(`issues/newsletter.yaml:${line + 1}:7: `);
    expect(unknownKey.stderr).toContain('unknown field "reasons"');
  });
});
