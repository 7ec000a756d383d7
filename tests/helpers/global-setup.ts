import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The CLI tests run the compiled bin/enews.js. `npm test` compiles (and
 * type-checks) before vitest starts and says so with ENEWS_TEST_BUILT=1;
 * a bare `npx vitest run` compiles here instead.
 */
export default function setup(): void {
  if (process.env.ENEWS_TEST_BUILT === '1') return;
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
