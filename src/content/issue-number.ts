/** Issue numbers as people type them (3, 003) and as files and folders name them (003). */
import { EnewsError, ExitCode } from '../errors.js';

/** 3 → "003": file names, build folders, journals and archive URLs all use this form. */
export function padded(n: number): string {
  return String(n).padStart(3, '0');
}

/** "3", "003" → 3; anything else is a usage error. */
export function parseIssueNumber(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) === 0) {
    throw new EnewsError('usage', `"${value}" is not an issue number; use a whole number such as 3 or 003.`, {
      exitCode: ExitCode.usage,
    });
  }
  return Number(value);
}

export function issueFileName(n: number): string {
  return `${padded(n)}.yaml`;
}
