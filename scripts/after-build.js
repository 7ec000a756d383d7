#!/usr/bin/env node
// Run by `npm run build` after tsc: (1) removes compiled files whose source is gone, so a package
// packed from a working copy never ships a module that no longer exists (deleting them cannot
// disturb anything running: nothing imports them); (2) writes the JSON Schemas of the content
// files into schemas/ from the zod schemas, for editors (src/project/json-schemas.ts). The bundle of the
// CLI (lib/bundle/, scripts/bundle.js) is left alone: this step runs beside tests that use it.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const lib = path.join(root, 'lib');
const src = path.join(root, 'src');
const bundle = path.join(lib, 'bundle');

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (file === bundle) continue; // scripts/bundle.js makes it whole
    if (entry.isDirectory()) {
      prune(file);
      if (readdirSync(file).length === 0) rmSync(file, { recursive: true });
      continue;
    }
    const base = path.relative(lib, file).replace(/\.js(\.map)?$/, '');
    if (base === path.relative(lib, file)) continue;
    const built = existsSync(path.join(src, `${base}.ts`)) && !/\.test$|(^|[\\/])testing[\\/]/.test(base);
    if (!built) rmSync(file);
  }
}

prune(lib);
const { writeJsonSchemas } = await import('../lib/project/json-schemas.js');
writeJsonSchemas(path.join(root, 'schemas'));
