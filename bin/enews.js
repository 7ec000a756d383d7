#!/usr/bin/env node
// The CLI, compiled into lib/ and bundled into lib/bundle/ (scripts/bundle.js) by `npm run build`,
// which `npm install` runs through the prepare script.
import { run } from '../lib/bundle/main.js';

process.exitCode = await run(process.argv.slice(2));
