/**
 * The tests' own promise about the programs they drive (helpers/tools.ts): a missing one fails with
 * one line naming the Debian package, never a stack trace and never a silent skip; and every test
 * that drives one asks for it that way.
 */
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emptyDir, REPO } from './helpers/project.js';
import { mountTmpfs, requireTool, type ToolName, ToolMissing, toolMissing } from './helpers/tools.js';

const VARS = ['CHROMIUM_PATH', 'DOVECOT_BIN', 'SPAMASSASSIN_PATH', 'PG_BIN'];
const saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
afterEach(() => {
  for (const v of VARS) {
    if (saved[v] === undefined) delete process.env[v];
    else process.env[v] = saved[v];
  }
  vi.restoreAllMocks();
});

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';

/** Empty executable files named `names` in a new folder. */
function programs(...names: string[]): string {
  const dir = emptyDir();
  for (const name of names) {
    writeFileSync(path.join(dir, name), '#!/bin/sh\n');
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

describe('a program the tests drive', () => {
  it('missing: one line naming the package to install, the variable to point elsewhere, and test:fresh', () => {
    Object.assign(process.env, {
      CHROMIUM_PATH: '/nonexistent/chromium',
      DOVECOT_BIN: '/nonexistent/dovecot',
      SPAMASSASSIN_PATH: '/nonexistent/spamassassin',
      PG_BIN: '/nonexistent/pg',
    });
    const lines = (['chromium', 'dovecot', 'spamassassin', 'postgresql'] as ToolName[]).map(toolMissing);
    expect(lines).toEqual([
      `Chromium is not at CHROMIUM_PATH=/nonexistent/chromium: ${sudo}apt-get install chromium, or set CHROMIUM_PATH ` +
        '(or run npm run test:fresh)',
      `Dovecot is not installed (no /nonexistent/dovecot): ${sudo}apt-get install dovecot-imapd, or set DOVECOT_BIN ` +
        '(or run npm run test:fresh)',
      'SpamAssassin is not installed (no /nonexistent/spamassassin): ' +
        `${sudo}apt-get install spamassassin, or set SPAMASSASSIN_PATH (or run npm run test:fresh)`,
      'PostgreSQL is not installed (no initdb, pg_ctl, postgres in /nonexistent/pg): ' +
        `${sudo}apt-get install postgresql, or set PG_BIN (or run npm run test:fresh)`,
    ]);
    let thrown: unknown;
    try {
      requireTool('dovecot');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ToolMissing);
    // No stack: vitest prints the one line and nothing else.
    expect((thrown as Error).stack).toBe(`ToolMissing: ${lines[1]}`);
  });

  it('found: its path; PostgreSQL is the folder that holds initdb, pg_ctl and postgres', () => {
    process.env.DOVECOT_BIN = path.join(programs('dovecot'), 'dovecot');
    expect(requireTool('dovecot')).toBe(process.env.DOVECOT_BIN);
    const pg = programs('initdb', 'pg_ctl', 'postgres');
    process.env.PG_BIN = pg;
    expect(requireTool('postgresql')).toBe(pg);
    rmSync(path.join(pg, 'pg_ctl'));
    expect(toolMissing('postgresql')).toBe(
      `PostgreSQL is not installed (no pg_ctl in ${pg}): ${sudo}apt-get install postgresql, or set PG_BIN ` +
        '(or run npm run test:fresh)',
    );
  });

  it('a full-disk test not run as root fails with one line saying so, and how to skip it on purpose', () => {
    vi.spyOn(process, 'getuid').mockReturnValue(1000);
    expect(() => mountTmpfs('16k')).toThrow(
      new ToolMissing(
        'This test needs root (it mounts a small tmpfs to fill the disk): run the tests as root, ' +
          'or set ENEWS_TEST_NO_ROOT=1 to skip the full-disk tests',
      ),
    );
  });
});

describe('every test that drives a program asks for it through helpers/tools.ts', () => {
  const files = readdirSync(path.join(REPO, 'tests'), { recursive: true, encoding: 'utf8' })
    // tools.ts finds the programs; browser.ts defines launchBrowser, which its callers give requireTool's path.
    .filter((f) => f.endsWith('.ts') && !['helpers/tools.ts', 'helpers/browser.ts', 'tools.test.ts'].includes(f))
    .map((f) => ({ f, text: readFileSync(path.join(REPO, 'tests', f), 'utf8') }));

  it('no test skips itself: a suite that did not run must not look green', () => {
    const skips = files.filter(({ text }) => /\.(skipIf|runIf|skip|todo)\(|describe\.only|it\.only/.test(text));
    expect(skips.map(({ f }) => f)).toEqual([]);
  });

  it('each that launches Chromium, starts Dovecot or PostgreSQL, or mounts a disk asks first', () => {
    const unasked = files.filter(
      ({ text }) =>
        (/launchBrowser\(/.test(text) && !text.includes("requireTool('chromium')")) ||
        (/spawn\(dovecot|'\/usr\/sbin\/dovecot'/.test(text) && !text.includes("requireTool('dovecot')")) ||
        (/execFileSync\('mount'/.test(text) && !text.includes('mountTmpfs')) ||
        (/'initdb'|'pg_ctl'/.test(text) && !text.includes("requireTool('postgresql')")),
    );
    expect(unasked.map(({ f }) => f)).toEqual([]);
  });
});
