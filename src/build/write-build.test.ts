import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyProject, edit, emptyDir } from '../../tests/helpers/project.js';
import { EnewsError } from '../errors.js';
import { sha256 } from './hash.js';
import { prepareIssue, type PreparedIssue } from './prepare-issue.js';
import { newsletterFor, readBuild } from './read-build.js';
import { MANIFEST_VERSION } from './manifest.js';
import { writeBuild, type BuildResult } from './write-build.js';

/** A project with issue 3 prepared and written to dist/003; each test works on a copy of it. */
let built: { dir: string; prepared: PreparedIssue; result: BuildResult };
beforeAll(async () => {
  const dir = copyProject();
  const prepared = await prepareIssue(dir, 3);
  const result = writeBuild(prepared, path.join(dir, 'dist/003'));
  built = { dir, prepared, result };
});

function copyOfBuilt(): string {
  const dir = emptyDir();
  cpSync(built.dir, dir, { recursive: true });
  return dir;
}

function staleProblems(dir: string, number = 3): string[] {
  try {
    readBuild(dir, number, path.join(dir, 'dist/003'));
  } catch (err) {
    expect(err).toBeInstanceOf(EnewsError);
    const e = err as EnewsError;
    expect(e.code).toBe('build-stale');
    return e.problems.map((p) => p.message);
  }
  throw new Error('expected the build to be refused');
}

const REBUILD = 'Run: enews build 3, review the result, then send again.';

describe('writeBuild', () => {
  it("writes every language's files, the default's at the top, the others in their folder, the pictures, and the manifest", () => {
    const out = built.result.dir;
    const files = readdirSync(out, { recursive: true, encoding: 'utf8' }).sort();
    // What the build says it wrote is what is there.
    const perLanguage = (folder: string) =>
      built.result.files.filter((f) => f.language === 'en').map((f) => `${folder}${f.name}`);
    const pictures = built.result.files.filter((f) => f.name.startsWith('assets/')).map((f) => f.name);
    expect(pictures).toEqual([...built.prepared.images.assets.keys()]);
    // The logo's email copy and its 1×, and the item picture's in JPEG and WebP (smaller for a photograph).
    expect(pictures.map((p) => p.replace(/-[0-9a-f]{12}\./, '-HASH.'))).toEqual([
      'assets/logo-320w-HASH.png',
      'assets/logo-160w-HASH.png',
      'assets/copernico-1104w-HASH.jpg',
      'assets/copernico-552w-HASH.jpg',
      'assets/copernico-552w-HASH.webp',
      'assets/copernico-1104w-HASH.webp',
    ]);
    // The issue's own files (review.html: every language on one page) beside them.
    const ofIssue = built.result.files.filter(
      (f) => f.language === null && f.name !== 'manifest.json' && !f.name.startsWith('assets/'),
    );
    expect(ofIssue.map((f) => f.name)).toEqual(['review.html']);
    expect(files).toEqual(
      [
        'assets',
        'es',
        'fr',
        'manifest.json',
        'review.html',
        ...pictures,
        ...perLanguage(''),
        ...perLanguage('es/'),
        ...perLanguage('fr/'),
      ].sort(),
    );
    const { manifest } = built.result;
    expect(Object.keys(manifest.outputs).sort()).toEqual(files.filter((f) => f.includes('.') && f !== 'manifest.json'));
    for (const [name, hash] of Object.entries(manifest.outputs)) {
      const bytes = readFileSync(path.join(out, name));
      expect(sha256(bytes), name).toBe(hash);
      expect(manifest.sizes[name], name).toBe(bytes.length);
    }
    expect(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(manifest);
  });

  it('records what the build was made from and what each language needs to be sent and published', () => {
    const { manifest } = built.result;
    const p = built.prepared;
    expect(manifest).toMatchObject({
      manifest: MANIFEST_VERSION,
      number: 3,
      date: '2017-04-26',
      subject: p.languages[0]!.rendered.subject,
      items: ['coop-future-of-work', 'coop-champions-karim-toumi', 'consorzio-copernico'],
      inputs: p.inputs,
      inputsHash: p.inputsHash,
      language: 'en',
    });
    expect(Object.keys(manifest.languages!)).toEqual(['en', 'fr', 'es']);
    expect(Object.values(manifest.languages!).map((l) => [l.folder, l.dir, l.title, l.fallback_name])).toEqual([
      ['', 'ltr', 'ILO COOP eNewsUpdate', 'reader'],
      ['fr/', 'ltr', 'ILO COOP eNewsUpdate', 'à toutes et à tous'],
      ['es/', 'ltr', 'ILO COOP eNewsUpdate', 'lector/a'],
    ]);
    expect(manifest.languages!.fr!.subject).toBe(p.languages[1]!.rendered.subject);
    expect(manifest.warnings).toEqual([]);
  });

  it('keeps each finding with its place relative to the project and its language', async () => {
    const dir = copyProject();
    edit(dir, 'issues/003.yaml', /\n {2}es: El futuro del trabajo y las cooperativas[^\n]*/, '');
    const p = await prepareIssue(dir, 3);
    const { manifest } = writeBuild(p, path.join(dir, 'dist/003'));
    expect(manifest.warnings).toEqual([
      {
        code: 'translation-missing',
        message:
          'preheader has no Spanish (es) translation, so the Spanish email shows the English text; add es: under it',
        location: 'issues/003.yaml:3',
        language: 'es',
      },
    ]);
  });
});

describe('readBuild', () => {
  it("gives back each language's render as it was prepared, the default first", () => {
    const b = readBuild(built.dir, 3, built.result.dir);
    expect(b.manifest).toEqual(built.result.manifest);
    expect(b.languages.map((l) => [l.language, l.folder, l.dir])).toEqual([
      ['en', '', 'ltr'],
      ['fr', 'fr/', 'ltr'],
      ['es', 'es/', 'ltr'],
    ]);
    for (const [i, l] of b.languages.entries()) {
      const { subject, preheader, html, text } = built.prepared.languages[i]!.rendered;
      expect(l.rendered, l.language).toEqual({ subject, preheader, html, text });
    }
    expect(b.rendered).toBe(b.languages[0]!.rendered);
    const nl = built.prepared.languages[0]!.newsletter;
    expect(newsletterFor(nl, b.languages[1]!)).toEqual({
      ...nl,
      language: 'fr',
      title: 'ILO COOP eNewsUpdate',
      fallback_name: 'à toutes et à tous',
    });
  });

  it('refuses an output changed or removed after the build as stale, naming each', () => {
    const dir = copyOfBuilt();
    const out = path.join(dir, 'dist/003');
    writeFileSync(path.join(out, 'fr/web.html'), readFileSync(path.join(out, 'fr/web.html'), 'utf8') + ' ');
    rmSync(path.join(out, 'es/send.json'));
    expect(staleProblems(dir)).toEqual([
      'fr/web.html was changed or removed after the build',
      'es/send.json was changed or removed after the build',
      REBUILD,
    ]);
  });

  it('refuses a build whose inputs changed since, naming the file and the item', () => {
    const dir = copyOfBuilt();
    edit(dir, 'issues/items.yaml', 'Las cooperativas ofrecen un modelo', 'Las cooperativas proponen un modelo');
    edit(dir, 'templates/email.txt', '{{', '{{!-- a comment --}}{{');
    expect(staleProblems(dir)).toEqual([
      'issues/items.yaml (item "coop-future-of-work") was edited since the build',
      'templates/email.txt was edited since the build',
      REBUILD,
    ]);
  });

  it('says so when a used item is not valid any more, and leaves the rest of the catalog alone', () => {
    const dir = copyOfBuilt();
    edit(dir, 'issues/items.yaml', 'date: 2017-04-06', 'date: 6 April 2017');
    // Another item half written: it is not the issue's, so it does not count.
    edit(dir, 'issues/items.yaml', 'date: 2016-12-22', 'date: soon');
    expect(staleProblems(dir)).toEqual([
      'issues/items.yaml (item "coop-future-of-work") was edited since the build and is not valid now ' +
        '(enews check 3 shows why)',
      REBUILD,
    ]);
  });

  it('refuses a folder that holds another issue, a missing manifest and a damaged one', () => {
    expect(staleProblems(built.dir, 2)[0]).toBe(`${built.result.dir} holds a build of issue 3, not 2`);
    const dir = copyOfBuilt();
    const out = path.join(dir, 'dist/003');
    writeFileSync(path.join(out, 'manifest.json'), '{"manifest": 1,');
    expect(() => readBuild(dir, 3, out)).toThrow(
      expect.objectContaining({ code: 'build-damaged', message: `${out}/manifest.json is missing or damaged.` }),
    );
    writeFileSync(path.join(out, 'manifest.json'), '{"manifest": 99}');
    expect(() => readBuild(dir, 3, out)).toThrow(
      expect.objectContaining({
        code: 'build-damaged',
        message: `${out}/manifest.json was made by another version of enews or edited by hand.`,
      }),
    );
    rmSync(path.join(out, 'manifest.json'));
    expect(existsSync(path.join(out, 'email.html'))).toBe(true);
    expect(() => readBuild(dir, 3, out)).toThrow(
      expect.objectContaining({
        code: 'not-built',
        message: `Issue 3 has not been built (${out}/manifest.json is missing).`,
      }),
    );
  });
});
