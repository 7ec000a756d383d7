/** Finds where a file stops being UTF-8, for an error message that names the line. */
import { closeSync, openSync, readSync } from 'node:fs';

/** Line (1-based) of the first byte sequence that is not valid UTF-8, or 1 if none is found. */
export function firstInvalidUtf8Line(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    let line = 1;
    let need = 0; // continuation bytes still expected
    let afterCr = false; // counts CRLF as one line end, like CR alone and LF alone (as readCsvRows does)
    let n: number;
    while ((n = readSync(fd, buf, 0, buf.length, null)) > 0) {
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        if (need > 0) {
          if ((b & 0xc0) !== 0x80) return line;
          need--;
          continue;
        }
        if (b === 0x0d || (b === 0x0a && !afterCr)) line++;
        afterCr = b === 0x0d;
        if (b < 0x80) continue;
        if (b >= 0xc2 && b <= 0xdf) need = 1;
        else if (b >= 0xe0 && b <= 0xef) need = 2;
        else if (b >= 0xf0 && b <= 0xf4) need = 3;
        else return line;
      }
    }
    return line;
  } finally {
    closeSync(fd);
  }
}
