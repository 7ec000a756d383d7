import { copyFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyDir, REPO } from '../../tests/helpers/project.js';
import type { Mjml2Html } from './mjml-compile.js';
import { MJML_FILE } from './mjml-load.js';

/** MJML as npm run build packs it for the worker thread (scripts/bundle.js). */
const BUNDLE = path.join(REPO, 'lib', 'bundle');

/** An email with the usual parts, a style to inline, and one attribute MJML's validation reports. */
const EMAIL = `<mjml><mj-head><mj-attributes><mj-all font-family="Arial" /></mj-attributes>
<mj-style inline="inline">.note { color: #555; }</mj-style><mj-preview>Issue 3</mj-preview></mj-head>
<mj-body><mj-section><mj-column><mj-image src="https://example.org/logo.png" alt="Logo" width="160px" />
<mj-text css-class="note" colour="red">Cooperatives &amp; the future of work</mj-text>
<mj-button href="https://example.org/">Read more</mj-button></mj-column></mj-section></mj-body></mjml>`;
const OPTIONS = { validationLevel: 'soft', keepComments: false, filePath: REPO };

interface Loaded {
  cache: string;
  result: { html: string; errors: unknown[] };
  saved: boolean;
}

/**
 * Loads MJML from `dir` as the worker does, renders EMAIL, then writes the cache, in a thread of its own: V8 keeps
 * what one isolate compiled and would not look at the cache a second time in the same thread.
 */
function loadInThread(dir: string, save = true): Promise<Loaded> {
  const loader = pathToFileURL(path.join(REPO, 'lib', 'render', 'mjml-load.js')).href;
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(${JSON.stringify(loader)}).then(async ({ loadBundledMjml }) => {
      const m = loadBundledMjml(workerData.dir);
      const result = await m.mjml2html(workerData.email, workerData.options);
      parentPort.postMessage({ cache: m.cache, result, saved: workerData.save ? m.saveCache() : false });
    });`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { dir, email: EMAIL, options: OPTIONS, save } });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

let installed: { html: string; errors: unknown[] };
beforeAll(async () => {
  const mjml2html = (await import('mjml')).default as unknown as Mjml2Html;
  installed = await mjml2html(EMAIL, OPTIONS as never);
});

/** A folder with the bundled MJML alone in it, to play with its cache. */
function folder(): string {
  const dir = emptyDir();
  copyFileSync(path.join(BUNDLE, MJML_FILE), path.join(dir, MJML_FILE));
  return dir;
}

describe('MJML bundled for the worker, with its code cache', () => {
  it('is there after npm run build, with a cache V8 takes', async () => {
    expect(existsSync(path.join(BUNDLE, MJML_FILE))).toBe(true);
    expect((await loadInThread(BUNDLE, false)).cache).toBe('used');
  });

  it('renders what the installed mjml renders, byte for byte, with no cache, its own cache, or a damaged one', async () => {
    expect(installed.errors).toHaveLength(1);
    const dir = folder();
    const first = await loadInThread(dir);
    expect([first.cache, first.saved]).toEqual(['none', true]);
    expect(first.result).toEqual(installed);
    const second = await loadInThread(dir);
    expect(second.cache).toBe('used');
    expect(second.result).toEqual(installed);
    writeFileSync(path.join(dir, `${MJML_FILE}.cache`), 'not a code cache');
    const third = await loadInThread(dir);
    expect(third.cache).toBe('rejected');
    expect(third.result).toEqual(installed);
    // The refused cache was written again, and is taken.
    expect((await loadInThread(dir, false)).cache).toBe('used');
  });

  it('a cache that cannot be written only says so; a folder without the bundle has none', async () => {
    const { loadBundledMjml } = await import('./mjml-load.js');
    const dir = folder();
    const loaded = loadBundledMjml(dir)!;
    rmSync(dir, { recursive: true, force: true });
    expect(loaded.saveCache()).toBe(false);
    expect(loadBundledMjml(dir)).toBeNull();
  });
});
