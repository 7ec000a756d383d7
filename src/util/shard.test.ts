/** --shard's parsing and the label journals carry. */
import { describe, expect, it } from 'vitest';
import { EnewsError, ExitCode } from '../errors.js';
import { parseShard, shardLabel } from './shard.js';

describe('parseShard', () => {
  it('reads K/N', () => {
    expect(parseShard('2/4')).toEqual({ k: 2, n: 4 });
    expect(parseShard('1/1')).toEqual({ k: 1, n: 1 });
    expect(parseShard('4/4')).toEqual({ k: 4, n: 4 });
  });

  it.each(['0/4', '5/4', '1/0', '2', '2/', '/4', 'a/b', '1/4/2', ' 1/4', '-1/4', '1.5/4', ''])(
    'refuses %j as a usage error',
    (value) => {
      let error: unknown;
      try {
        parseShard(value);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(EnewsError);
      expect(error).toMatchObject({
        exitCode: ExitCode.usage,
        message: `--shard "${value}" must be K/N with 1 ≤ K ≤ N, e.g. --shard 2/4.`,
      });
    },
  );

  it('labels a shard for messages and journals', () => {
    expect(shardLabel({ k: 2, n: 4 })).toBe('2/4');
    expect(shardLabel(null)).toBeNull();
  });
});
