/**
 * Which sharp and libvips would make a picture, read from their packages' files so that a build
 * whose pictures are all in the cache (picture-cache.ts) never loads the native library. Where the
 * prebuilt libvips cannot be found (a libvips of the system's own), sharp is loaded and asked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let known: Promise<string> | undefined;

/** A string that changes whenever sharp or the libvips it uses does (once per process). */
export function sharpFingerprint(): Promise<string> {
  known ??= fingerprint();
  return known;
}

async function fingerprint(): Promise<string> {
  const fromFiles = fromPackages();
  if (fromFiles !== null) return fromFiles;
  const sharp = (await import('sharp')).default;
  return JSON.stringify({ loaded: sharp.versions });
}

function fromPackages(): string | null {
  try {
    const dir = packageDir(fileURLToPath(import.meta.resolve('sharp')), 'sharp');
    if (dir === null) return null;
    const sharp = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    // npm installs the prebuilt libvips for this platform beside sharp (or inside it), as @img/sharp-libvips-<platform>.
    const libvips = [path.join(path.dirname(dir), '@img'), path.join(dir, 'node_modules', '@img')].flatMap((scope) =>
      listed(scope)
        .filter((name) => name.startsWith('sharp-libvips-'))
        .sort()
        .map((name) => [name, readFileSync(path.join(scope, name, 'versions.json'), 'utf8')]),
    );
    if (typeof sharp.version !== 'string' || libvips.length === 0) return null;
    return JSON.stringify({ sharp: sharp.version, libvips, platform: `${process.platform}-${process.arch}` });
  } catch {
    return null;
  }
}

function listed(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The folder above `file` whose package.json names `name`. */
function packageDir(file: string, name: string): string | null {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown };
      if (pkg.name === name) return dir;
    } catch {
      // No package.json here (or not one to read): keep going up.
    }
  }
  return null;
}
