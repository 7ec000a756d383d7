/**
 * The build locks what the render depends on, not whole files
 * (design pass, point 8): next month's items in the shared catalog never
 * block the send of an approved issue, while any change to a byte
 * subscribers would get still does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enews } from './helpers/inproc.js';
import { copyProject, edit, read, write } from './helpers/project.js';

const SECRET = 'A7dyo/jxsGvhbklwyMxh3SXuKlGZcpJe9NcRYLb4H18=';
const OUTPUTS = ['email.html', 'email.txt', 'send.json', 'message.eml', 'manifest.json'];

async function built() {
  const dir = copyProject();
  write(dir, 'subscribers.csv', 'email,name\nzoe@example.org,Zoë\n');
  expect((await enews(['build', '3'], dir)).code).toBe(0);
  const before = Object.fromEntries(OUTPUTS.map((f) => [f, readFileSync(path.join(dir, 'dist/003', f))]));
  const dryRun = () =>
    enews(['send', '3', '--subscribers', 'subscribers.csv', '--dry-run', 'out'], dir, { UNSUBSCRIBE_SECRET: SECRET });
  return { dir, before, dryRun };
}

const NEXT_MONTH = `
- id: coop-next-month
  type: News
  title: Next month's news, still being written
  date: 2017-05-20
  summary: >-
    TODO
  url: https://www.example.org/coop/news/next-month
`;

describe('what a build locks', () => {
  it(
    'unrelated edits (a new item, another item, a comment, the suppression ' +
      'lists) leave the approved issue sendable, and a rebuild byte-identical',
    async () => {
      const { dir, before, dryRun } = await built();
      write(
        dir,
        'issues/items.yaml',
        read(dir, 'issues/items.yaml').replace(
          '# The catalog of news items.',
          '# The catalog of news items (edited).',
        ) + NEXT_MONTH,
      );
      edit(
        dir,
        'issues/items.yaml',
        'ILO COOP eNewsUpdate No. 3, 26 April 2017',
        'ILO COOP eNewsUpdate No. 3 (26 April 2017)',
      );
      edit(dir, 'issues/newsletter.yaml', 'suppress: []', 'suppress:\n  - never.csv');
      write(dir, 'issues/never.csv', 'email\nnobody@example.org\n');
      const r = await dryRun();
      expect(r.stderr).not.toContain('no longer matches');
      expect(r.code).toBe(0);
      expect((await enews(['build', '3'], dir)).code).toBe(0);
      for (const f of OUTPUTS) expect(readFileSync(path.join(dir, 'dist/003', f)).equals(before[f]!), f).toBe(true);
    },
  );

  it("another item that is not even valid (next month's, half written) does not block it either", async () => {
    const { dir, dryRun } = await built();
    write(
      dir,
      'issues/items.yaml',
      read(dir, 'issues/items.yaml') + NEXT_MONTH.replace('date: 2017-05-20', 'date: 20/05/2017'),
    );
    const r = await dryRun();
    expect(r.code).toBe(0);
  });

  it.each([
    [
      "a used item's summary",
      'issues/items.yaml',
      'the eve of the symposium',
      'the day before the symposium',
      'issues/items.yaml (item "coop-future-of-work") was edited since the build',
    ],
    [
      "the issue's intro",
      'issues/003.yaml',
      'This latest issue',
      'This issue',
      'issues/003.yaml was edited since the build',
    ],
    [
      'a newsletter field the template reads',
      'issues/newsletter.yaml',
      'Geneva',
      'Genève',
      'issues/newsletter.yaml was edited since the build',
    ],
    [
      'a template partial',
      'templates/partials/footer.mjml',
      '</mj-text>',
      ' </mj-text>',
      'templates/partials/footer.mjml was edited since the build',
    ],
  ])('%s changed: the send is refused, naming what changed', async (_what, file, from, to, says) => {
    const { dir, dryRun } = await built();
    edit(dir, file, from, to);
    const r = await dryRun();
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no longer matches what it was made from');
    expect(r.stderr).toContain(says);
  });

  it('a used item made invalid, or removed, is named as such', async () => {
    const { dir, dryRun } = await built();
    edit(dir, 'issues/items.yaml', 'date: 2017-04-04', 'date: 04/04/2017');
    const invalid = await dryRun();
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(
      'issues/items.yaml (item "consorzio-copernico") was edited since ' +
        'the build and is not valid now (enews check 3 shows why)',
    );
    edit(dir, 'issues/items.yaml', '- id: consorzio-copernico', '- id: consorzio-copernico-2');
    const removed = await dryRun();
    expect(removed.code).toBe(1);
    expect(removed.stderr).toContain('issues/items.yaml (item "consorzio-copernico") was removed since the build');
  });
});

describe('a build by an older enews', () => {
  it('(manifest 1, made before languages) is refused by send and site, saying to build it again', async () => {
    const { dir, dryRun } = await built();
    const m = JSON.parse(read(dir, 'dist/003/manifest.json'));
    const { languages: _languages, language: _language, summary: _summary, ...older } = { ...m, manifest: 1 };
    write(dir, 'dist/003/manifest.json', `${JSON.stringify(older, null, 2)}\n`);
    const send = await dryRun();
    expect(send.code).toBe(1);
    expect(send.stderr).toBe(
      `error: The build in ${path.join('dist', '003')} was built by an older enews: run enews build 3 again.\n` +
        '  - Run: enews build 3, review the result, then send again.\n',
    );
    const site = await enews(['site'], dir);
    expect(site.code).toBe(1);
    expect(site.stderr).toContain(
      `  - issue 3: The build in ${path.join('dist', '003')} was built by an older enews: run enews build 3 again\n`,
    );
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    expect((await dryRun()).code).toBe(0);
  });
});
