/** Content hashes that tie a build to its inputs and outputs. */
import { createHash } from 'node:crypto';
import path from 'node:path';

export function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
