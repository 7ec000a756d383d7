#!/usr/bin/env node
// The compiled CLI lives in lib/ (built by `npm install` through the prepare script).
import { run } from '../lib/cli/main.js';

process.exitCode = await run(process.argv.slice(2));
