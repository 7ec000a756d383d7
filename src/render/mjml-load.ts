/**
 * MJML as scripts/bundle.js packs it for the worker thread: one file (lib/bundle/mjml.cjs) compiled with V8's
 * code cache beside it (mjml.cjs.cache). Loading MJML from its ≈ 300 files was the largest part of a build's
 * critical path (resolving, reading and compiling them: ≈ 0.7 s in the worker on this machine); one file
 * compiled from its cache takes much less (BENCHMARKS.md, "build 3"). The cache is V8's own format: V8 checks
 * it against the source, its version and its flags, and rejects one that does not fit, which then costs only
 * the compile it would have saved; the worker writes a fresh one after its first render (saveCache).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { replaceFile } from '../util/replace-file.js';
import type { Mjml2Html } from './mjml-compile.js';

export const MJML_FILE = 'mjml.cjs';

export interface BundledMjml {
  mjml2html: Mjml2Html;
  /** Whether the code cache was there and taken ('used'), there and refused by V8 ('rejected'), or missing. */
  cache: 'used' | 'rejected' | 'none';
  /** Writes the code cache of what has run so far (after a render: the render's code too); false if it could not. */
  saveCache(): boolean;
}

/** MJML from `dir`/mjml.cjs, or null when the folder has none (enews run from lib/ or src/, as the tests do). */
export function loadBundledMjml(dir: string): BundledMjml | null {
  const file = path.join(dir, MJML_FILE);
  if (!existsSync(file)) return null;
  const cacheFile = `${file}.cache`;
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // CommonJS's own wrapper, on the first line so that line numbers in stack traces are the file's.
  const source = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'utf8')}\n})`;
  const script = new vm.Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {} as { default?: Mjml2Html } };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dir);
  const mjml2html = (module.exports.default ?? module.exports) as Mjml2Html;
  return {
    mjml2html,
    cache: !cachedData ? 'none' : script.cachedDataRejected ? 'rejected' : 'used',
    saveCache: () => {
      try {
        replaceFile(cacheFile, script.createCachedData());
        return true;
      } catch {
        // A folder this user may not write (an installation shared by several): MJML only loads slower.
        return false;
      }
    },
  };
}
