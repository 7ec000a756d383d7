/** What a command loads before it is done: the npm packages, by name, of every module the process read. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliResult, runCli } from './cli.js';
import { emptyDir } from './project.js';

const TRACE = pathToFileURL(path.join(import.meta.dirname, 'module-trace.mjs')).href;

export async function loadedPackages(args: string[], cwd: string): Promise<{ result: CliResult; packages: string[] }> {
  const out = path.join(emptyDir(), 'modules.txt');
  const result = await runCli(args, { cwd, env: { NODE_OPTIONS: `--import=${TRACE}`, ENEWS_MODULE_TRACE: out } });
  const names = readFileSync(out, 'utf8')
    .split('\n')
    .map((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1])
    .filter((n): n is string => n !== undefined);
  return { result, packages: [...new Set(names)].sort() };
}
