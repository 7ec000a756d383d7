import { readFileSync } from 'node:fs';

// src/ and lib/ both sit next to package.json.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

export const VERSION: string = pkg.version;

/** The Node.js enews supports, in words, from package.json's engines (`>=20.19`): "Node.js 20.19 or later". */
export const SUPPORTED_NODE: string = `Node.js ${String(pkg.engines?.node ?? '').replace(/^>=\s*/, '')} or later`;
