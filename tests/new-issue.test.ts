import { rmSync } from 'node:fs';
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

  it('never preselects the catalog entry that announces an issue, nor items from before the previous issue', async () => {
    const dir = copyProject();
    rmSync(path.join(dir, 'issues/003.yaml'));
    rmSync(path.join(dir, 'issues/002.yaml'));
    const r = await enews(['new', '--date', '2017-04-26'], dir);
    expect(r.code).toBe(0);
    const issue = parse(read(dir, 'issues/002.yaml'));
    // Since issue 1 (2017-02-14): Viet Nam plus the three of No. 3; not "eNewsUpdate No. 2/3" announcements.
    expect(issue.items).toEqual(['coop-future-of-work', 'viet-nam-agricultural-cooperatives', 'coop-champions-karim-toumi', 'consorzio-copernico']);
  });

  it('writes a file that check accepts, flagging the TODO placeholders, and send refuses it', async () => {
    const dir = copyProject();
    const r = await enews(['new', '--date', '2017-05-30'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wrote issues/004.yaml: issue 4, 30 May 2017, 0 items preselected');
    const text = read(dir, 'issues/004.yaml');
    expect(text).toContain('# Issue 4. Items preselected from the catalog: those dated since issue 3 (2017-04-26).');
    const c = await enews(['check', '4'], dir);
    expect(c.code).toBe(0);
    expect(c.stderr).toMatch(/warning: issues\/004\.yaml:\d+:\d+: intro still holds TODO placeholder text/);
    expect(c.stderr).toContain('the issue has no items');
    await enews(['build', '4'], dir);
    const s = await enews(['send', '4', '--subscribers', 'subscribers.example.csv', '--yes'], dir, { SMTP_URL: 'smtp://127.0.0.1:9' });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('Issue 4 still contains TODO placeholder text');
  });

  it('refuses a --date before the previous issue', async () => {
    const dir = copyProject();
    const r = await enews(['new', '--date', '2017-04-01'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--date 2017-04-01 is before issue 3 (2017-04-26).');
  });
});
