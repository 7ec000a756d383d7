/**
 * Dry run: every message is written to DIR/<n>.eml, byte for byte what the
 * SMTP transport would put after DATA (DKIM signature included), and no
 * server is contacted.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, ExitCode } from '../../errors.js';
import { signedBytes, type Signer } from '../dkim.js';
import type { Transport } from '../transport.js';
import { bytesOf } from './wire.js';

export interface FileOptions {
  dir: string;
  sign: Signer | null;
}

export function fileTransport(o: FileOptions): Transport {
  return {
    name: 'file',
    target: o.dir,
    async open() {
      try {
        mkdirSync(o.dir, { recursive: true });
        // Messages of an earlier dry run would mix with this one's.
        for (const f of readdirSync(o.dir)) if (/^\d+\.eml$/.test(f)) rmSync(path.join(o.dir, f));
      } catch (err) {
        throw new EnewsError(
          'dry-run-dir',
          `Cannot write the dry run into ${o.dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`,
          {
            exitCode: ExitCode.stopped,
            problems: [{ message: 'Give --dry-run a folder you can write to.' }],
          },
        );
      }
    },
    async send(msg, before) {
      const bytes = o.sign ? await signedBytes(o.sign, msg) : bytesOf(msg);
      await before;
      writeFileSync(path.join(o.dir, `${msg.seq}.eml`), bytes);
      return { response: `written ${msg.seq}.eml` };
    },
    // A folder that stops taking files (disk full) will not start taking them again: stop the run.
    classify: (err) => ({
      kind: 'fatal',
      code: null,
      response: String((err as Error)?.message ?? err),
      uncertain: false,
    }),
    async close() {},
  };
}
