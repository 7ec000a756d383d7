/**
 * enews as a team gets it: `npm pack`, the tarball installed into a fresh folder with npm, and the
 * first week there (`enews init`, `npm install`, `new`, `build`, `send --dry-run`, a footer of its
 * own), and the project cloned elsewhere installing the same enews. Slow (three npm installs, from
 * the npm cache where it can): one to three minutes.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Answers } from '../src/project/init-answers.js';
import { teamReadme } from '../src/project/scaffold-readme.js';
import { cleanEnv } from './helpers/cli.js';
import { emptyDir, REPO } from './helpers/project.js';

const VERSION: string = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).version;
const SECRET = 'v74bcO9uBjXhvIqoOpebty0tTF6oxOvj/z8wxwaYcrk=';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string): Run {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: cleanEnv({ npm_config_update_notifier: 'false' }),
    timeout: 240_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: Run, what: string): Run {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

/** From the npm cache alone when it holds everything; else the registry fills in what it lacks. What npm said. */
function npmInstall(cwd: string, ...args: string[]): string {
  const offline = run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...args], cwd);
  if (offline.code === 0) return offline.stderr;
  expect(offline.stderr, offline.stderr).toContain('ENOTCACHED');
  return ok(run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], cwd), 'npm install').stderr;
}

let tarball: string;
let files: string[];

beforeAll(() => {
  // lib/ is compiled (by `npm test`, or the global setup of a bare `vitest run`); packing without scripts
  // does not recompile it under the tests running beside this one. The build's last step (schemas/, and
  // no compiled module whose source is gone) is idempotent and touches nothing those tests read.
  ok(run(process.execPath, ['scripts/after-build.js'], REPO), 'scripts/after-build.js');
  const dest = emptyDir();
  const packed = ok(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], REPO), 'npm pack');
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(dest, info!.filename);
  files = info!.files.map((f) => f.path).sort();
}, 60_000);

describe('the package', () => {
  it('holds the compiled code, bin, default templates, schemas, README, LICENSE and CHANGELOG, nothing else', () => {
    const top = [...new Set(files.map((f) => f.split('/')[0]))].sort();
    expect(top).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'bin', 'lib', 'package.json', 'schemas', 'templates']);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/enews.js',
        'lib/cli/main.js',
        'lib/project/root.js',
        'schemas/newsletter.schema.json',
        'schemas/items.schema.json',
        'schemas/issue.schema.json',
        'templates/email.mjml',
        'templates/partials/footer.mjml',
        'templates/site/index.hbs',
      ]),
    );
    // No tests, fixtures, benchmarks, test helpers or source maps (they point at src/, which is not shipped).
    expect(files.filter((f) => /(^|\/)(tests?|fixtures|testing|bench)\/|\.test\.|\.map$|^src\//.test(f))).toEqual([]);
    // The bundled CLI bin/enews.js runs (scripts/bundle.js): its entry, MJML's worker and MJML in one file, what
    // each file holds; not MJML's code cache, which is for the Node.js that made it (the worker makes its own).
    expect(files).toEqual(
      expect.arrayContaining([
        'lib/bundle/main.js',
        'lib/bundle/mjml-compile.js',
        'lib/bundle/mjml-worker.js',
        'lib/bundle/mjml.cjs',
        'lib/bundle/modules.json',
      ]),
    );
    expect(files.filter((f) => f.endsWith('.cache'))).toEqual([]);
    // Every compiled module has its source: nothing left over from a module that was removed.
    const stale = files
      .filter((f) => f.startsWith('lib/') && !f.startsWith('lib/bundle/'))
      .filter((f) => !existsSync(path.join(REPO, 'src', f.slice(4).replace(/\.js$/, '.ts'))));
    expect(stale).toEqual([]);
    expect(readFileSync(path.join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n/);
  });

  it("README opens with a quickstart for a team that installed the package, then this repository's", () => {
    const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const quickstarts = [...readme.matchAll(/^## (.+)\n[^#]*?```sh\n([^`]*)```/gm)].slice(0, 2);
    expect(quickstarts.map((q) => q[1])).toEqual(['Quickstart: your own newsletter', 'Quickstart: this repository']);
    const [team, repo] = quickstarts.map((q) => q[2]!.split('\n').map((l) => l.replace(/\s+#.*$/, '')));
    expect(team).toEqual([
      'npm install /path/to/enews-0.1.0.tgz',
      'npx enews init my-newsletter',
      'cd my-newsletter && npm install',
      'npx enews check 1',
      'npx enews build 1',
      '',
    ]);
    expect(repo).toContain('npx enews build 3');
    // Both on the first screen: before anything else the README explains.
    expect(readme.indexOf('\n## ', readme.indexOf('## Quickstart: this repository') + 1)).toBeLessThan(
      readme.indexOf('## Using enews for your own newsletter') + 1,
    );
    expect(readme.slice(0, readme.indexOf('## Quickstart: this repository')).split('\n').length).toBeLessThan(30);
  });

  it('says one supported Node everywhere: engines, the README, the README init writes, the changelog', () => {
    const engines = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).engines.node;
    expect(engines).toMatch(/^>=\d+\.\d+$/);
    const supported = `Node.js ${engines.slice(2)} or later`;
    const team = teamReadme({ title: 'Demo News' } as Answers);
    for (const [name, text] of [
      ['README.md', readFileSync(path.join(REPO, 'README.md'), 'utf8')],
      ["init's README.md", team],
    ] as const) {
      expect(text.match(/Node\.js \d[\d.]*(?: or (?:later|newer|\d[\d.]*))?/g), name).toEqual([supported]);
    }
    expect(readFileSync(path.join(REPO, 'CHANGELOG.md'), 'utf8')).toContain(supported);
  });

  it('installs into a fresh folder, where npx enews init, npm install, new, build and send --dry-run work', () => {
    const home = emptyDir();
    writeFileSync(path.join(home, 'package.json'), '{ "name": "team", "private": true }\n');
    const installed = npmInstall(home, tarball);
    expect(ok(run('npx', ['enews', '--version'], home), 'enews --version').stdout).toBe(`${VERSION}\n`);

    const init = ok(run('npx', ['enews', 'init', 'demo', '--yes', '--title', 'Demo News'], home), 'enews init');
    const demo = path.join(home, 'demo');
    // The project holds the enews it was made with and names it relative to itself, so a clone elsewhere
    // (a colleague's, CI's) installs the same one; init says so.
    const spec = JSON.parse(readFileSync(path.join(demo, 'package.json'), 'utf8')).dependencies.enews;
    expect(spec).toBe(`file:vendor/enews-${VERSION}.tgz`);
    expect(readFileSync(path.join(demo, `vendor/enews-${VERSION}.tgz`))).toEqual(readFileSync(tarball));
    expect(init.stdout).toContain(`  vendor/enews-${VERSION}.tgz\n`);
    expect(init.stdout).toContain(`package.json names enews as "${spec}", a copy of ${tarball}:\n`);
    const clone = path.join(emptyDir(), 'elsewhere', 'team-newsletter');
    cpSync(demo, clone, { recursive: true });
    const cloned = npmInstall(clone);
    expect(ok(run('npx', ['enews', 'build', '1'], clone), 'enews build 1 in a clone').stdout).toContain(
      'Built issue 1 "Demo News No. 1" into dist/001/',
    );
    // Its node_modules goes now, within this test's time, not in the cleanup after all tests.
    rmSync(clone, { recursive: true, force: true });
    npmInstall(demo);
    // The schema each content file names is there once the project is installed.
    const line = readFileSync(path.join(demo, 'issues/newsletter.yaml'), 'utf8').split('\n')[0]!;
    expect(existsSync(path.join(demo, 'issues', line.replace(/^.*\$schema=/, '')))).toBe(true);

    ok(run('npx', ['enews', 'new', '--date', '2999-01-01'], demo), 'enews new');
    expect(existsSync(path.join(demo, 'issues/002.yaml'))).toBe(true);
    const built = ok(run('npx', ['enews', 'build', '1'], demo), 'enews build 1');
    expect(built.stdout).toContain('Built issue 1 "Demo News No. 1" into dist/001/');
    expect(manifestInputs(demo)).toContain('enews:templates/partials/footer.mjml');

    // From a subfolder, with the secret in the project's .env: the same project, the same list.
    writeFileSync(path.join(demo, '.env'), `UNSUBSCRIBE_SECRET=${SECRET}\n`);
    const sent = run(
      'npx',
      ['enews', 'send', '1', '--subscribers', '../subscribers.example.csv', '--dry-run'],
      path.join(demo, 'issues'),
    );
    ok(sent, 'enews send --dry-run');
    expect(readdirSync(path.join(demo, 'out')).sort()).toEqual(['1.eml', '2.eml']);

    // A footer of the team's own wins over the default; the rest stays enews's.
    const footer = readFileSync(path.join(demo, 'node_modules/enews/templates/partials/footer.mjml'), 'utf8');
    mkdirSync(path.join(demo, 'templates/partials'), { recursive: true });
    writeFileSync(
      path.join(demo, 'templates/partials/footer.mjml'),
      footer.replace('</mj-column>', '<mj-text>Made by the Demo team.</mj-text></mj-column>'),
    );
    ok(run('npx', ['enews', 'build', '1'], demo), 'enews build 1 with a footer of its own');
    expect(readFileSync(path.join(demo, 'dist/001/email.html'), 'utf8')).toContain('Made by the Demo team.');
    const inputs = manifestInputs(demo);
    expect(inputs).toContain('templates/partials/footer.mjml');
    expect(inputs).toContain('enews:templates/email.mjml');
    expect(inputs).not.toContain('enews:templates/partials/footer.mjml');

    // On a supported Node (package.json's engines), no dependency of enews says it wants another one.
    expect(installed).not.toContain('EBADENGINE');
    expect(cloned).not.toContain('EBADENGINE');
  }, 300_000);
});

function manifestInputs(dir: string): string[] {
  return Object.keys(JSON.parse(readFileSync(path.join(dir, 'dist/001/manifest.json'), 'utf8')).inputs);
}
