import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { copyProject, read } from './helpers/project.js';

describe('enews new', () => {
  it('in a copy without 003, --date 2017-04-26 preselects exactly the three items of No. 3', async () => {
    const dir = copyProject();
    rmSync(path.join(dir, 'issues/003.yaml'));
    const r = await runCli(['new', '--date', '2017-04-26'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wrote issues/003.yaml: issue 3, 26 April 2017, 3 items preselected');
    const issue = parse(read(dir, 'issues/003.yaml'));
    expect(issue.number).toBe(3);
    expect(issue.date).toBe('2017-04-26');
    // News, then Article, then Spotlight: the order the eNewsUpdate uses, which is No. 3's own order.
    expect(issue.items).toEqual(['coop-future-of-work', 'coop-champions-karim-toumi', 'consorzio-copernico']);
  });

  it(
    'never preselects the catalog entry that announces ' + 'an issue, nor items from before the previous issue',
    async () => {
      const dir = copyProject();
      rmSync(path.join(dir, 'issues/003.yaml'));
      rmSync(path.join(dir, 'issues/002.yaml'));
      const r = await enews(['new', '--date', '2017-04-26'], dir);
      expect(r.code).toBe(0);
      const issue = parse(read(dir, 'issues/002.yaml'));
      // Since issue 1 (2017-02-14): Viet Nam plus the three of No. 3; not "eNewsUpdate No. 2/3" announcements.
      expect(issue.items).toEqual([
        'coop-future-of-work',
        'viet-nam-agricultural-cooperatives',
        'coop-champions-karim-toumi',
        'consorzio-copernico',
      ]);
    },
  );

  it('writes a file that check accepts, flagging the TODO placeholders, and send refuses it', async () => {
    const dir = copyProject();
    const r = await enews(['new', '--date', '2017-05-30'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Wrote issues/004.yaml: issue 4, 30 May 2017, no items preselected: the catalog ' +
        'has no item dated after 26 April 2017 (issue 3) and up to 30 May 2017.\n' +
        'Next: add the news to the catalog and list their ids under "items:" ' +
        'in issues/004.yaml, write the intro, then run: enews check 4\n',
    );
    expect(r.stdout).not.toMatch(/:\n/);
    const text = read(dir, 'issues/004.yaml');
    expect(text).toContain('# Issue 4. Items preselected from the catalog: those dated since issue 3 (2017-04-26).');
    const c = await enews(['check', '4'], dir);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/warning: issues\/004\.yaml:\d+:\d+: intro still holds TODO placeholder text/);
    expect(c.stderr).toContain('the issue has no items');
    await enews(['build', '4'], dir);
    const s = await enews(['send', '4', '--subscribers', 'subscribers.example.csv', '--yes'], dir, {
      SMTP_URL: 'smtp://127.0.0.1:9',
    });
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(
      new RegExp(
        '^error: Issue 4 still holds placeholders \\(2\\); it is not ready to go to subscribers:\\n' +
          '  - issues/004\\.yaml:\\d+: preheader still holds TODO placeholder text; enews send refuses until it is written\\n' +
          '  - issues/004\\.yaml:\\d+: intro still holds TODO placeholder text; enews send refuses until it is written\\n',
      ),
    );
  });

  it('with nothing to preselect and no previous issue, says which dates it searched', async () => {
    const dir = copyProject();
    for (const n of ['001', '002', '003']) rmSync(path.join(dir, `issues/${n}.yaml`));
    const r = await enews(['new', '--date', '2016-01-01'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Wrote issues/001.yaml: issue 1, 01 January 2016, no items preselected: ' +
        'the catalog has no item dated on or before 01 January 2016.\n',
    );
    expect(r.stderr).toBe('');
  });

  it('run twice in a row, refuses a second issue with the date of the previous one and writes nothing', async () => {
    const dir = copyProject();
    expect((await enews(['new', '--date', '2017-05-30'], dir)).code).toBe(0);
    const r = await enews(['new', '--date', '2017-05-30'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'error: Issue 4 already has the date 2017-05-30 (issues/004.yaml); a new issue needs a later date.\n' +
        '  - To work on issue 4, edit issues/004.yaml. ' +
        'To start issue 5, give its date: enews new --date 2017-05-31 (or later).\n',
    );
    expect(existsSync(path.join(dir, 'issues/005.yaml'))).toBe(false);
    // The same without --date: both runs take today's date.
    const dir2 = copyProject();
    expect((await enews(['new'], dir2)).code).toBe(0);
    const r2 = await enews(['new'], dir2);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(
      /^error: Issue 4 already has the date \d{4}-\d{2}-\d{2} \(issues\/004\.yaml\); a new issue needs a later date\./,
    );
    expect(existsSync(path.join(dir2, 'issues/005.yaml'))).toBe(false);
  });

  it("refuses a --date equal to the previous issue's date", async () => {
    const dir = copyProject();
    const r = await enews(['new', '--date', '2017-04-26'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: Issue 3 already has the date 2017-04-26 (issues/003.yaml); a new issue needs a later date.',
    );
    expect(r.stderr).toContain('enews new --date 2017-04-27 (or later)');
    expect(existsSync(path.join(dir, 'issues/004.yaml'))).toBe(false);
  });

  it('warns, but writes the issue, when the previous issue has not been built yet', async () => {
    const dir = copyProject();
    const r = await enews(['new', '--date', '2017-05-30'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'warning: issue 3 has not been built yet (there is no dist/003/manifest.json). ' +
        'If you meant to go on with issue 3 rather than start issue 4, delete issues/004.yaml and run: enews build 3\n',
    );
    expect(existsSync(path.join(dir, 'issues/004.yaml'))).toBe(true);
    // Once issue 3 is built, starting issue 4 is the normal next step: no warning.
    rmSync(path.join(dir, 'issues/004.yaml'));
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    const r2 = await enews(['new', '--date', '2017-05-30'], dir);
    expect(r2.code).toBe(0);
    expect(r2.stderr).toBe('');
  });

  it('refuses a --date before the previous issue', async () => {
    const dir = copyProject();
    const r = await enews(['new', '--date', '2017-04-01'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--date 2017-04-01 is before issue 3 (2017-04-26).');
  });
});
