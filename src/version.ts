import { PACKAGE_JSON as pkg } from './project/package.js';

export const VERSION: string = pkg.version;

/** The Node.js enews supports, in words, from package.json's engines (`>=20.19`): "Node.js 20.19 or later". */
export const SUPPORTED_NODE: string = `Node.js ${String(pkg.engines?.node ?? '').replace(/^>=\s*/, '')} or later`;
