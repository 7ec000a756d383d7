/**
 * What a command loads before it starts its work (issue 28): `status` none of the libraries that
 * render, make pictures, drive Chromium, send mail or talk to PostgreSQL; `build` no sharp when its
 * pictures are in the project's cache, and the same bytes whether the cache was empty, full or damaged;
 * MJML loaded and run in build's worker thread, with the result of MJML run in the command's own thread.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PICTURE_CACHE } from '../src/images/picture-cache.js';
import { enews } from './helpers/inproc.js';
import { loadedPackages } from './helpers/loaded-packages.js';
import { cleanEnv } from './helpers/cli.js';
import { copyProject, edit, emptyDir, REPO } from './helpers/project.js';

/** The libraries no command about the journal or the list needs. */
const HEAVY = [
  'mjml',
  'mjml-core',
  'juice',
  'cheerio',
  'handlebars',
  'markdown-it',
  'htmlparser2',
  '@jsx-email/doiuse-email',
  'sharp',
  'playwright-core',
  'axe-core',
  'nodemailer',
  'libmime',
  'mailparser',
  'imapflow',
  'pg',
  'hono',
];

/** Every file of a build folder, by its path there, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[];
  return new Map(
    names
      .filter((f) => f.includes('.'))
      .sort()
      .map((f) => [f, readFileSync(path.join(dir, f))]),
  );
}

describe('start-up', () => {
  it('status 3 loads none of the libraries that render, make pictures, drive Chromium, mail, use PostgreSQL or lock', async () => {
    const dir = copyProject();
    const { result, packages } = await loadedPackages(['status', '3'], dir);
    expect(result.stderr).toContain('nothing has been sent for issue 3 yet');
    // It did load what it needs: the content's schemas and YAML.
    expect(packages).toEqual(expect.arrayContaining(['commander', 'yaml', 'zod']));
    expect(packages.filter((p) => HEAVY.includes(p) || p.startsWith('mjml-'))).toEqual([]);
    // Nor the file locks' native addon: it only reads.
    expect(packages).not.toContain('fs-native-extensions');
  });

  it('build 3 reads its pictures from the cache without loading sharp; empty, full or damaged, the same bytes', async () => {
    const dir = copyProject();
    const cold = await loadedPackages(['build', '3', '--out', 'cold'], dir);
    expect(cold.result.code, cold.result.stderr).toBe(0);
    expect(cold.packages).toContain('sharp');
    const cache = path.join(dir, PICTURE_CACHE);
    // Two answers about the sources (the logo, the photograph) and seven encodings (six used, and the
    // logo's 2× WebP, made to find it is not the smaller).
    expect(readdirSync(cache)).toHaveLength(9);

    const warm = await loadedPackages(['build', '3', '--out', 'warm'], dir);
    expect(warm.result.code, warm.result.stderr).toBe(0);
    expect(warm.packages).not.toContain('sharp');
    expect(warm.result.stdout).toBe(cold.result.stdout.replaceAll('cold/', 'warm/'));

    for (const f of readdirSync(cache)) {
      const entry = path.join(cache, f);
      const bytes = readFileSync(entry);
      writeFileSync(entry, bytes.subarray(0, bytes.length - 1));
    }
    const damaged = await loadedPackages(['build', '3', '--out', 'damaged'], dir);
    expect(damaged.result.code, damaged.result.stderr).toBe(0);
    expect(damaged.packages).toContain('sharp');

    const expected = files(path.join(dir, 'cold/003'));
    expect([...expected.keys()].filter((f) => f.startsWith('assets/'))).toHaveLength(6);
    for (const out of ['warm', 'damaged']) {
      const got = files(path.join(dir, out, '003'));
      expect([...got.keys()], out).toEqual([...expected.keys()]);
      for (const [f, bytes] of expected) expect(got.get(f)!.equals(bytes), `${out}/003/${f}`).toBe(true);
    }
  }, 120_000);

  it('build 3 runs MJML in a worker thread: the main thread loads none, and every file is as MJML makes it here', async () => {
    const dir = copyProject();
    const worker = await loadedPackages(['build', '3', '--out', 'worker'], dir);
    expect(worker.result.code, worker.result.stderr).toBe(0);
    expect(worker.packages.filter((p) => p === 'mjml' || p.startsWith('mjml-'))).toEqual([]);
    // In this process MJML runs in the thread that asks (the compiled worker is not beside the source).
    const here = await enews(['build', '3', '--out', 'here'], dir);
    expect(here.code, here.stderr).toBe(0);
    const expected = files(path.join(dir, 'here/003'));
    const got = files(path.join(dir, 'worker/003'));
    expect([...got.keys()]).toEqual([...expected.keys()]);
    for (const [f, bytes] of expected) expect(got.get(f)!.equals(bytes), f).toBe(true);
  }, 120_000);

  it("an installation without MJML's code cache gets one from its first build, which later builds take as it is", async () => {
    // A copy of this installation (its package.json, bin/ and lib/bundle/, the rest linked), the cache left out.
    const install = emptyDir();
    cpSync(path.join(REPO, 'package.json'), path.join(install, 'package.json'));
    cpSync(path.join(REPO, 'bin'), path.join(install, 'bin'), { recursive: true });
    cpSync(path.join(REPO, 'lib', 'bundle'), path.join(install, 'lib', 'bundle'), {
      recursive: true,
      filter: (f) => !f.endsWith('.cache'),
    });
    for (const linked of ['node_modules', 'templates', 'schemas']) {
      symlinkSync(path.join(REPO, linked), path.join(install, linked));
    }
    const cache = path.join(install, 'lib', 'bundle', 'mjml.cjs.cache');
    const dir = copyProject();
    const run = (out: string) =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [path.join(install, 'bin', 'enews.js'), 'build', '3', '--out', out], {
          cwd: dir,
          env: cleanEnv(),
          stdio: 'ignore',
        });
        child.on('close', resolve);
      });
    expect(existsSync(cache)).toBe(false);
    expect(await run('first')).toBe(0);
    const made = statSync(cache);
    expect(made.size).toBeGreaterThan(100_000);
    expect(await run('second')).toBe(0);
    expect(statSync(cache).mtimeMs).toBe(made.mtimeMs);
    expect(readdirSync(path.dirname(cache)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const mine = await enews(['build', '3', '--out', 'here'], dir);
    expect(mine.code, mine.stderr).toBe(0);
    for (const out of ['first', 'second']) {
      const got = files(path.join(dir, out, '003'));
      for (const [f, bytes] of files(path.join(dir, 'here/003')))
        expect(got.get(f)!.equals(bytes), `${out}/${f}`).toBe(true);
    }
  }, 120_000);

  it('a template MJML rejects is reported from the worker as from this thread, at the template line', async () => {
    const dir = copyProject();
    edit(dir, 'templates/partials/item.mjml', '<mj-text>', '<mj-text colour="red">');
    edit(dir, 'templates/partials/footer.mjml', '<mj-column>', '<mj-column><mj-bogus />');
    const worker = await loadedPackages(['build', '3'], dir);
    const here = await enews(['build', '3'], dir);
    expect([worker.result.code, here.code]).toEqual([1, 1]);
    expect(worker.result.stderr).toContain('The email template is not valid MJML (2 problems):');
    expect(worker.result.stderr).toContain('templates/partials/item.mjml:6:3: MJML: Attribute colour is illegal');
    expect(worker.result.stderr).toMatch(
      /footer\.mjml:2:\d+: MJML: Element mj-bogus doesn't exist or is not registered/,
    );
    expect(worker.result.stderr).toBe(here.stderr);
  });

  it('check 3 runs MJML in a worker thread too: the main thread loads none, and it says what it says here', async () => {
    const dir = copyProject();
    const worker = await loadedPackages(['check', '3'], dir);
    expect(worker.result.code, worker.result.stderr).toBe(0);
    expect(worker.packages.filter((p) => p === 'mjml' || p.startsWith('mjml-'))).toEqual([]);
    const here = await enews(['check', '3'], dir);
    expect([worker.result.stdout, worker.result.stderr]).toEqual([here.stdout, here.stderr]);
  }, 60_000);
});
