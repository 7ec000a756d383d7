/** Parsing of option values; a bad value is a usage error (exit 2) that names the option. */
import { EnewsError, ExitCode } from '../errors.js';

export function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw usage(`${name} must be a whole number of at least 1 (got "${v}")`);
  return n;
}

export function nonNegativeInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw usage(`${name} must be a whole number (got "${v}")`);
  return n;
}

export function positiveNumber(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw usage(`${name} must be a positive number (got "${v}")`);
  return n;
}

export function usage(message: string): EnewsError {
  return new EnewsError('usage', message, { exitCode: ExitCode.usage });
}
