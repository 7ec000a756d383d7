/**
 * The programs outside Node that the tests drive, and the one way a test asks
 * for one: requireTool() gives its path, or fails the test with one line that
 * names the Debian package to install. Never a silent skip (a suite that did
 * not run must not look green) and never a stack trace. `npm run test:fresh`
 * (scripts/test-fresh.sh) installs every package named here.
 *
 * The full-disk tests mount a small tmpfs, which only root may do: they fail
 * with one line saying so, unless ENEWS_TEST_NO_ROOT=1 skips them on purpose.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { it } from 'vitest';
import { findBrowser } from '../../src/browser/find-browser.js';
import { findSpamAssassin } from '../../src/checks/spam.js';
import { EnewsError } from '../../src/errors.js';
import { emptyDir } from './project.js';

/** A test that cannot run here: its message is all there is to say (no stack). */
export class ToolMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolMissing';
    this.stack = `${this.name}: ${message}`;
  }
}

export type ToolName = 'chromium' | 'dovecot' | 'spamassassin' | 'postgresql';

interface Tool {
  what: string;
  /** The Debian package that provides it. */
  package: string;
  /** The variable that names another place for it. */
  env: string;
  /** Its path (for PostgreSQL: the folder of its programs), or why it is not there and, if not apt-get, what to do. */
  find(): { found: string } | { missing: string; fix?: string };
}

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Debian's postgresql (any version) puts its server programs in /usr/lib/postgresql/<version>/bin. */
const PG_PROGRAMS = ['initdb', 'pg_ctl', 'postgres'];
const PG_ROOT = '/usr/lib/postgresql';

export const TOOLS: Record<ToolName, Tool> = {
  chromium: {
    what: 'Chromium',
    package: 'chromium',
    env: 'CHROMIUM_PATH',
    find: () => {
      const explicit = process.env.CHROMIUM_PATH;
      let found: string;
      try {
        found = findBrowser(explicit);
      } catch (err) {
        if (!(err instanceof EnewsError)) throw err;
        return {
          missing: explicit ? `is not at CHROMIUM_PATH=${explicit}` : 'is not installed (in none of the usual places)',
        };
      }
      try {
        createRequire(import.meta.url).resolve('playwright-core');
      } catch {
        return { missing: 'is driven through playwright-core, which is not installed', fix: 'npm ci' };
      }
      return { found };
    },
  },
  dovecot: {
    what: 'Dovecot',
    package: 'dovecot-imapd',
    env: 'DOVECOT_BIN',
    find: () => {
      const file = process.env.DOVECOT_BIN ?? '/usr/sbin/dovecot';
      return executable(file) ? { found: file } : { missing: `is not installed (no ${file})` };
    },
  },
  spamassassin: {
    what: 'SpamAssassin',
    package: 'spamassassin',
    env: 'SPAMASSASSIN_PATH',
    find: () => {
      try {
        return { found: findSpamAssassin(process.env.SPAMASSASSIN_PATH) };
      } catch {
        return { missing: `is not installed (no ${process.env.SPAMASSASSIN_PATH ?? '/usr/bin/spamassassin'})` };
      }
    },
  },
  postgresql: {
    what: 'PostgreSQL',
    package: 'postgresql',
    env: 'PG_BIN',
    find: () => {
      const dir = process.env.PG_BIN ?? newestPostgres();
      const lacking = dir ? PG_PROGRAMS.filter((p) => !executable(path.join(dir, p))) : PG_PROGRAMS;
      if (dir && lacking.length === 0) return { found: dir };
      return { missing: `is not installed (no ${lacking.join(', ')} in ${dir ?? `${PG_ROOT}/<version>/bin`})` };
    },
  },
};

function newestPostgres(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+$/.test(v) && existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(PG_ROOT, versions[0], 'bin');
}

const sudo = () => (process.getuid?.() === 0 ? '' : 'sudo ');

/** The one line a test fails with when `name` is not here; null when it is. */
export function toolMissing(name: ToolName): string | null {
  const tool = TOOLS[name];
  const where = tool.find();
  if ('found' in where) return null;
  const fix = where.fix ?? `${sudo()}apt-get install ${tool.package}, or set ${tool.env}`;
  return `${tool.what} ${where.missing}: ${fix} (or run npm run test:fresh)`;
}

/** The path of `name` (PostgreSQL: the folder of initdb, pg_ctl and postgres); fails the test when it is missing. */
export function requireTool(name: ToolName): string {
  const missing = toolMissing(name);
  if (missing) throw new ToolMissing(missing);
  return (TOOLS[name].find() as { found: string }).found;
}

const NO_ROOT = 'ENEWS_TEST_NO_ROOT';

/** A full-disk test: it runs as root; ENEWS_TEST_NO_ROOT=1 skips it, and vitest counts it as skipped. */
export const itNeedsRoot = it.skipIf(process.env[NO_ROOT] === '1');

/**
 * A small tmpfs mounted on a new folder, for a real full disk (unmount it with umount). Fails the test
 * with one line when it cannot be mounted: only root may, and a container only with CAP_SYS_ADMIN.
 */
export function mountTmpfs(size: string): string {
  const optOut = `, or set ${NO_ROOT}=1 to skip the full-disk tests`;
  if (process.getuid?.() !== 0) {
    throw new ToolMissing(
      `This test needs root (it mounts a small tmpfs to fill the disk): run the tests as root${optOut}`,
    );
  }
  const dir = path.join(emptyDir(), 'disk');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const why =
      String((err as { stderr?: Buffer }).stderr ?? '')
        .split('\n')[0]
        ?.trim() || 'mount failed';
    throw new ToolMissing(
      `This test mounts a small tmpfs, and root cannot mount here (${why}): run it where root may mount ` +
        `(a container needs --cap-add SYS_ADMIN)${optOut}`,
    );
  }
  return dir;
}
