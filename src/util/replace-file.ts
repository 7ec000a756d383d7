/**
 * Writes a file in one step: the bytes go to a file of their own beside it, which is then renamed over it, so
 * whoever reads it (another run, the same run after a crash) finds the old content or the new, never a part.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Replaces `file` with `data` (created with `mode` when given). The temporary name is this process's and random:
 * two runs writing the same file at once never write into each other's. Throws as writeFileSync does, with no
 * temporary file left behind.
 */
export function replaceFile(file: string, data: string | Uint8Array, mode?: number): void {
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, mode === undefined ? {} : { mode });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
