/** Content hashes that tie a build to its inputs and outputs. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { InputFile } from '../content/load.js';

/** sha256 over every input's path (relative to the project) and content. */
export function hashInputs(root: string, inputs: InputFile[]): string {
  const h = createHash('sha256');
  for (const f of [...inputs].sort((a, b) => a.file.localeCompare(b.file))) {
    h.update(`${relative(root, f.file)}\0${sha256(f.text)}\n`);
  }
  return h.digest('hex');
}

export function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
