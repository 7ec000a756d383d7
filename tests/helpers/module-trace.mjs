/**
 * Loaded with `node --import` (through NODE_OPTIONS): at exit, writes every module file the process
 * loaded, ES modules through a load hook and CommonJS from require's cache, one a line, to the file
 * named by ENEWS_MODULE_TRACE.
 */
import { writeFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const out = process.env.ENEWS_MODULE_TRACE;
if (out) {
  const { port1, port2 } = new MessageChannel();
  const seen = [];
  port1.on('message', (url) => seen.push(url));
  port1.unref();
  register('./module-trace-hooks.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });
  process.on('exit', () => writeFileSync(out, [...seen, ...Object.keys(Module._cache)].join('\n')));
}
