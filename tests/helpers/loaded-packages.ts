/**
 * What a command loads before it is done: the npm packages, by name, of every module the process read —
 * from node_modules, and those bundled into the files of lib/bundle/ it read (their lib/bundle/modules.json).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type CliResult, runCli } from './cli.js';
import { emptyDir, REPO } from './project.js';

const TRACE = pathToFileURL(path.join(import.meta.dirname, 'module-trace.mjs')).href;
const BUNDLE = path.join(REPO, 'lib', 'bundle');

export async function loadedPackages(args: string[], cwd: string): Promise<{ result: CliResult; packages: string[] }> {
  const out = path.join(emptyDir(), 'modules.txt');
  const result = await runCli(args, { cwd, env: { NODE_OPTIONS: `--import=${TRACE}`, ENEWS_MODULE_TRACE: out } });
  const bundled: Record<string, { packages: string[] }> = JSON.parse(
    readFileSync(path.join(BUNDLE, 'modules.json'), 'utf8'),
  );
  const names = readFileSync(out, 'utf8')
    .split('\n')
    .flatMap((m) => {
      const file = m.startsWith('file:') ? fileURLToPath(m) : m;
      if (path.dirname(file) === BUNDLE) return bundled[path.basename(file)]?.packages ?? [];
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1];
      return name === undefined ? [] : [name];
    });
  return { result, packages: [...new Set(names)].sort() };
}
