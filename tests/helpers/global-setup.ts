import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * The CLI tests run the compiled bin/enews.js (lib/bundle/). `npm test`
 * compiles, bundles and type-checks before vitest starts and says so with
 * ENEWS_TEST_BUILT=1; a bare `npx vitest run` compiles and bundles here instead.
 */
export default function setup(): void {
  if (process.env.ENEWS_TEST_BUILT === '1') return;
  const root = path.resolve(import.meta.dirname, '../..');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, ['scripts/bundle.js'], { cwd: root, stdio: 'inherit' });
}
