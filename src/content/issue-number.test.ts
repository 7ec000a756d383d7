import { describe, expect, it } from 'vitest';
import { EnewsError, ExitCode } from '../errors.js';
import { issueFileName, padded, parseIssueNumber } from './issue-number.js';

describe('issue numbers', () => {
  it('are written with three digits in file and folder names, more when they need more', () => {
    expect([1, 3, 42, 999, 1000, 123456].map(padded)).toEqual(['001', '003', '042', '999', '1000', '123456']);
    expect(issueFileName(3)).toBe('003.yaml');
    expect(issueFileName(1234)).toBe('1234.yaml');
  });

  it('are read as people type them: 3, 003, 0003', () => {
    expect(['3', '003', '0003', '42', '999999'].map(parseIssueNumber)).toEqual([3, 3, 3, 42, 999999]);
  });

  it('refuse anything else as a usage error (exit 2) that quotes what was typed', () => {
    for (const typed of ['0', '000', '', '-1', '+3', '3.0', '1e3', ' 3', '3 ', 'three', '0x3', '1234567']) {
      let err: unknown;
      try {
        parseIssueNumber(typed);
      } catch (e) {
        err = e;
      }
      expect(err, typed).toBeInstanceOf(EnewsError);
      expect((err as EnewsError).exitCode, typed).toBe(ExitCode.usage);
      expect((err as EnewsError).message).toBe(
        `"${typed}" is not an issue number; use a whole number such as 3 or 003.`,
      );
    }
  });
});
