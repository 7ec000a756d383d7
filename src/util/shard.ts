/**
 * A shard of a send: --shard K/N splits one list between N machines, each
 * sending its K-th part with its own journal. The plan decides who is in
 * which (plan/audience.ts); the journal's name and run record carry the label.
 */
import { EnewsError, ExitCode } from '../errors.js';

export interface Shard {
  k: number;
  n: number;
}

export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const k = Number(m?.[1]);
  const n = Number(m?.[2]);
  if (!m || n < 1 || k < 1 || k > n) {
    throw new EnewsError('usage', `--shard "${value}" must be K/N with 1 ≤ K ≤ N, e.g. --shard 2/4.`, {
      exitCode: ExitCode.usage,
    });
  }
  return { k, n };
}

export function shardLabel(s: Shard | null): string | null {
  return s ? `${s.k}/${s.n}` : null;
}
