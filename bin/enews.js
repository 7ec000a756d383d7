#!/usr/bin/env node
// The CLI, compiled into lib/ and bundled into lib/bundle/ (scripts/bundle.js) by `npm run build`,
// which `npm install` runs through the prepare script.
//
// build and check render with MJML in a worker thread (lib/render/mjml-compile.js), whose load is the
// longest part of their start: it is started here, before the CLI's own code loads (BENCHMARKS.md, "build 3").
// serve renders its sign-up confirmation message with it, then stops it. The command starts it itself when this
// did not (a global option before the command's name).
const RENDERING = ['build', 'check', 'serve'];
if (RENDERING.includes(process.argv[2])) (await import('../lib/bundle/mjml-compile.js')).startMjmlWorker();
const { run } = await import('../lib/bundle/main.js');

process.exitCode = await run(process.argv.slice(2));
