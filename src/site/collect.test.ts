import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtCopy } from '../../tests/helpers/builds.js';
import { edit, emptyDir } from '../../tests/helpers/project.js';
import { EnewsError } from '../errors.js';
import { collectIssues } from './collect.js';

/** The example project with issues 1 to 3 built; tests that change it work on a copy. */
let built: string;
beforeAll(async () => {
  built = await builtCopy([1, 2, 3]);
});

function copyOfBuilt(): string {
  const dir = emptyDir();
  cpSync(built, dir, { recursive: true });
  return dir;
}

function refusal(dir: string): EnewsError {
  try {
    collectIssues(dir, path.join(dir, 'dist'), 'dist');
  } catch (err) {
    expect(err).toBeInstanceOf(EnewsError);
    return err as EnewsError;
  }
  throw new Error('expected a refusal');
}

describe('collectIssues', () => {
  it('gives every build, oldest first, in each language it was built in, with its web version as built', () => {
    const issues = collectIssues(built, path.join(built, 'dist'), 'dist');
    expect(issues.map((i) => [i.number, i.date, i.subject])).toEqual([
      [1, '2017-02-14', 'ILO COOP eNewsUpdate No. 1, February 2017'],
      [2, '2017-03-21', 'ILO COOP eNewsUpdate No. 2'],
      [3, '2017-04-26', 'ILO COOP eNewsUpdate No. 3'],
    ]);
    const three = issues[2]!;
    expect(three.versions.map((v) => [v.language, v.subject])).toEqual([
      ['en', 'ILO COOP eNewsUpdate No. 3'],
      ['fr', 'ILO COOP eNewsUpdate n° 3'],
      ['es', 'ILO COOP eNewsUpdate n.º 3'],
    ]);
    expect(three.preheader).toBe(
      'The future of work and cooperatives, COOP Champion Karim Toumi, and Consorzio Copernico.',
    );
    expect(three.summary).toMatch(/^This latest issue of the ILO COOP Newsletter highlights /);
    // The default language's version is the issue's own fields.
    const { language: _language, ...en } = three.versions[0]!;
    expect(en).toEqual({
      subject: three.subject,
      preheader: three.preheader,
      summary: three.summary,
      webHtml: three.webHtml,
    });
    for (const v of three.versions) {
      const folder = v.language === 'en' ? '' : `${v.language}/`;
      expect(v.webHtml, v.language).toBe(readFileSync(path.join(built, 'dist/003', folder, 'web.html'), 'utf8'));
    }
  });

  it('passes over what in dist/ is not a build folder', () => {
    const dir = copyOfBuilt();
    mkdirSync(path.join(dir, 'dist/screenshots'));
    mkdirSync(path.join(dir, 'dist/000'));
    writeFileSync(path.join(dir, 'dist/4'), 'a file, not a folder');
    writeFileSync(path.join(dir, 'dist/notes.txt'), 'notes');
    rmSync(path.join(dir, 'dist/002'), { recursive: true });
    expect(collectIssues(dir, path.join(dir, 'dist'), 'dist').map((i) => i.number)).toEqual([1, 3]);
  });

  it('refuses when nothing is built', () => {
    const dir = emptyDir();
    const err = refusal(dir);
    expect(err.code).toBe('no-builds');
    expect(err.message).toBe('There are no built issues in dist/, so there is no archive to write.');
  });

  it('refuses the whole archive when any issue is not as built, naming each issue and why', () => {
    const dir = copyOfBuilt();
    const web = path.join(dir, 'dist/002/fr/web.html');
    writeFileSync(web, readFileSync(web, 'utf8').replace('</body>', '<p>added</p></body>'));
    mkdirSync(path.join(dir, 'dist/004'));
    rmSync(path.join(dir, 'dist/001/es/web.html'));
    const err = refusal(dir);
    expect(err.code).toBe('site-stale');
    expect(err.message).toBe('The archive was not written: issues 1, 2, 4 are not as built and reviewed (6 problems):');
    const again = (n: number) => `build ${n} again (enews build ${n}), review it, then run enews site.`;
    expect(err.problems.map((p) => p.message)).toEqual([
      'issue 1: es/web.html was changed or removed after the build',
      `issue 1 is not what was reviewed: ${again(1)}`,
      'issue 2: fr/web.html was changed or removed after the build',
      `issue 2 is not what was reviewed: ${again(2)}`,
      `issue 4: ${path.join(dir, 'dist/004')} has no manifest.json (its build did not finish)`,
      `issue 4 is not what was reviewed: ${again(4)}`,
    ]);
  });

  it('publishes a build whose sources changed since as it was built, and says which changed', () => {
    const dir = copyOfBuilt();
    const before = collectIssues(dir, path.join(dir, 'dist'), 'dist');
    edit(dir, 'issues/001.yaml', 'Cooperatives in Cambodia', 'Co-operatives in Cambodia');
    edit(dir, 'templates/partials/footer.mjml', '</mj-text>', '<p>A new line.</p></mj-text>');
    edit(dir, 'issues/newsletter.yaml', 'title: ILO COOP eNewsUpdate', 'title: The Cooperatives Digest');
    const after = collectIssues(dir, path.join(dir, 'dist'), 'dist');
    expect(after.map((i) => [i.number, i.changedSinceBuild])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    expect(after.map(({ changedSinceBuild: _, ...i }) => i)).toEqual(before.map(({ changedSinceBuild: _, ...i }) => i));
    expect(before.every((i) => !i.changedSinceBuild)).toBe(true);
  });

  it('refuses a web version its manifest does not hash: nothing proves it is what was built', () => {
    const dir = copyOfBuilt();
    const file = path.join(dir, 'dist/003/manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    delete manifest.outputs['fr/web.html'];
    writeFileSync(file, JSON.stringify(manifest));
    expect(refusal(dir).problems.map((p) => p.message)).toEqual([
      'issue 3: fr/web.html is not among the files its manifest.json proves',
      'issue 3 is not what was reviewed: build 3 again (enews build 3), review it, then run enews site.',
    ]);
  });

  it('refuses a build whose manifest lacks what every build now has (an older enews made it, or a hand)', () => {
    const dir = copyOfBuilt();
    const file = path.join(dir, 'dist/001/manifest.json');
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    delete manifest.outputs['web.html'];
    delete manifest.summary;
    writeFileSync(file, JSON.stringify(manifest));
    const err = refusal(dir);
    expect(err.message).toBe('The archive was not written: issue 1 is not as built and reviewed (2 problems):');
    expect(err.problems[0]!.message).toBe(
      `issue 1: ${path.join(dir, 'dist/001/manifest.json')} was made by another version of enews or edited by hand`,
    );
  });
});
