#!/usr/bin/env node
// Run by `npm run build` after tsc: bundles the compiled CLI (lib/) into a few files in lib/bundle/,
// which bin/enews.js runs. Why: a command's start was mostly Node resolving, reading and compiling
// ~300 small module files (enews's own, zod, YAML, commander…) — `enews status 3` took 0.40 s
// against 0.29 s bundled on the same machine (issue 28, BENCHMARKS.md "Start-up"). The code is the
// same: lib/ stays the library the tests import; only how it is packed into files changes.
//
// Each command's dynamic imports stay chunk boundaries, so a command still loads only what it
// runs. Left outside (loaded from node_modules as before): native addons and what finds files or
// modules at run time by name, which a bundler cannot see (listed in EXTERNAL with the reason).
// lib/bundle/modules.json says which packages each file holds (the start-up tests read it).
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { rolldown } from 'rolldown';
import { loadBundledMjml, MJML_FILE } from '../lib/render/mjml-load.js';

const root = path.resolve(import.meta.dirname, '..');
const lib = path.join(root, 'lib');
const dest = path.join(lib, 'bundle');
// Written beside and swapped in whole: a command started from this checkout meanwhile finds the old files or the new.
const out = `${dest}.new`;
const old = `${dest}.old`;

/** What the code cache is made on: a section, a column, text, a picture and a button, as an issue has. */
const SAMPLE = `<mjml><mj-head><mj-attributes><mj-all font-family="Arial" /></mj-attributes>
<mj-style>.x { color: #333; }</mj-style></mj-head><mj-body><mj-section><mj-column>
<mj-image src="https://example.org/a.png" alt="a" width="160px" /><mj-text css-class="x">Text</mj-text>
<mj-button href="https://example.org/">Read more</mj-button><mj-divider /></mj-column></mj-section></mj-body></mjml>`;

const EXTERNAL = [
  'sharp', // native addon (libvips), found through its platform packages
  'pg', // optionally requires pg-native by name
  'axe-core', // its file is read and put into the page, not imported
  'fs-native-extensions', // native addon (file locks) through require-addon
  'mjml', // bundled on its own for the worker (mjml.cjs, below); lib/ and the tests load it as installed
  'nodemailer', // reads its well-known services and its own package.json at run time
  'imapflow',
  'mailparser',
  'libmime', // character set tables loaded on demand
  'htmlnano', // loads its modules and optional minifiers by name
  'handlebars', // its package entry for require() differs from its browser build
  'hono',
  '@hono/node-server',
];

function packageOf(id) {
  const m = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id);
  return m ? m[1].replace('\\', '/') : null;
}

function isExternal(id) {
  if (isBuiltin(id)) return true;
  if (id.startsWith('.') || path.isAbsolute(id)) return false;
  const name = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0];
  return EXTERNAL.includes(name);
}

/**
 * caniemail's data, which doiuse-email holds as one object literal of ≈ 800 KB, becomes a JSON.parse of the same
 * data: V8 parses JSON much faster than an object literal in code (the checks' chunk compiled ≈ 40 ms faster, on
 * the main thread of build and check). Done only when every value is one JSON holds as it is; else left alone.
 */
const dataAsJson = {
  name: 'caniemail-data-as-json',
  transform(code, id) {
    if (!/@jsx-email[\\/]doiuse-email[\\/]dist[\\/]index\.mjs$/.test(id)) return null;
    const head = 'var can_i_email_default = ';
    const start = code.indexOf(`${head}{`);
    const end = start < 0 ? -1 : code.indexOf('\n};\n', start);
    if (end < 0) return null;
    const data = vm.runInNewContext(`(${code.slice(start + head.length, end + 2)})`);
    if (!plainData(data)) return null;
    return `${code.slice(0, start)}${head}JSON.parse(${JSON.stringify(JSON.stringify(data))});${code.slice(end + 3)}`;
  },
};

/** Strings, finite numbers, booleans, null, arrays and plain objects of them: what JSON gives back the same. */
function plainData(v) {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every(plainData);
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === null || proto.constructor?.name === 'Object') && Object.values(v).every(plainData);
}

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({
  plugins: [dataAsJson],
  input: {
    main: path.join(lib, 'cli/main.js'),
    'mjml-worker': path.join(lib, 'render/mjml-worker.js'),
    // bin/enews.js starts MJML's worker through it before main.js loads (build, check).
    'mjml-compile': path.join(lib, 'render/mjml-compile.js'),
  },
  platform: 'node',
  external: (id) => isExternal(id),
  // The libraries' own notices (direct eval in a dependency's dead branch, and the like) are not ours to fix.
  logLevel: 'silent',
});
const { output } = await bundle.write({
  dir: out,
  format: 'esm',
  // The worker is found beside the chunk that starts it: new URL('./mjml-worker.js', import.meta.url).
  entryFileNames: '[name].js',
  chunkFileNames: '[name]-[hash].js',
});
await bundle.close();

/** What modules.json says of a file: how many of enews's own modules it holds, and which packages. */
function holds(moduleIds) {
  const packages = new Set(moduleIds.map(packageOf).filter(Boolean));
  return { own: moduleIds.filter((id) => !packageOf(id) && id.startsWith(lib)).length, packages: [...packages].sort() };
}

const modules = {};
for (const chunk of output) if (chunk.type === 'chunk') modules[chunk.fileName] = holds(chunk.moduleIds);

// MJML for the worker thread as one CommonJS file, loaded with V8's code cache (lib/render/mjml-load.js): from
// its ≈ 300 files MJML took ≈ 0.7 s of a build's critical path. Its own bundle, not a chunk of the CLI's: the
// CLI never loads it in its main thread.
const mjmlBundle = await rolldown({ input: 'mjml', cwd: root, platform: 'node', logLevel: 'silent' });
const { output: mjmlOutput } = await mjmlBundle.write({
  file: path.join(out, MJML_FILE),
  format: 'cjs',
  exports: 'auto',
  codeSplitting: false,
});
await mjmlBundle.close();
modules[MJML_FILE] = holds(mjmlOutput.flatMap((c) => (c.type === 'chunk' ? c.moduleIds : [])));

writeFileSync(path.join(out, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);
rmSync(old, { recursive: true, force: true });
try {
  renameSync(dest, old);
} catch (err) {
  if (err.code !== 'ENOENT') throw err;
}
renameSync(out, dest);
rmSync(old, { recursive: true, force: true });

// MJML's code cache, made here by the Node.js that built it (the one that will run it, as a rule): MJML loaded
// and one email rendered, so the cache holds the render's code too. Made in its final folder: V8 keeps the
// file's name with the code. Not in the package (it is this Node.js's); the worker writes one where it is
// missing or refused.
const made = loadBundledMjml(dest);
await made.mjml2html(SAMPLE, { validationLevel: 'strict', keepComments: false, filePath: dest });
if (!made.saveCache()) throw new Error(`could not write ${path.join(dest, `${MJML_FILE}.cache`)}`);
const size = output.reduce((n, c) => n + (c.type === 'chunk' ? c.code.length : 0), 0);
const version = JSON.parse(readFileSync(path.join(root, 'node_modules/rolldown/package.json'), 'utf8')).version;
console.log(`lib/bundle: ${Object.keys(modules).length} files, ${(size / 1e6).toFixed(1)} MB (rolldown ${version})`);
