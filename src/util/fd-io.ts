/** Small synchronous file steps shared by the append-only logs (journal, events) and the erasure that rewrites them. */
import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';

/** The file's last byte, or null when it is empty: whether a log ends in a newline. */
export function lastByte(file: string): number | null {
  const size = statSync(file).size;
  if (size === 0) return null;
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, size - 1);
    return b[0]!;
  } finally {
    closeSync(fd);
  }
}

/** Writes all of `buf` at the descriptor's position: a write may take fewer bytes than it was given. */
export function writeAll(fd: number, buf: Buffer): void {
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
}
