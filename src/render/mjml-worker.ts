/**
 * The worker thread of mjml-compile.ts: loads MJML at once, then compiles what it is sent. In the bundled CLI
 * MJML is the one file beside this one, compiled from its code cache (mjml-load.ts); elsewhere (lib/, the
 * tests) the mjml package as installed. The same MJML either way.
 */
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { type Mjml2Html, type MjmlOptions, type MjmlReply, runMjml } from './mjml-compile.js';
import { loadBundledMjml } from './mjml-load.js';

const bundled = loadBundledMjml(fileURLToPath(new URL('.', import.meta.url)));
// Not a top-level await: with one, the bundler splits every dynamic import of the CLI into a chunk more.
const loaded: Promise<Mjml2Html> = bundled
  ? Promise.resolve(bundled.mjml2html)
  : import('mjml').then((m) => m.default as unknown as Mjml2Html);
// A cache that was missing or refused (another Node.js) is written after the first render, which it then holds too.
let toCache = bundled?.cache === 'used' ? null : bundled;

parentPort!.on('message', async ({ id, mjml, options }: { id: number; mjml: string; options: MjmlOptions }) => {
  const reply: MjmlReply = { id, ...(await runMjml(await loaded, mjml, options)) };
  parentPort!.postMessage(reply);
  toCache?.saveCache();
  toCache = null;
});
