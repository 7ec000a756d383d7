/**
 * Paths are data (absolute) everywhere in the core; only what people read
 * (the CLI's output, the preview page) is made relative: to the folder the
 * command runs in, or to the project, as staff would type them.
 */
import path from 'node:path';

/** One path as shown: relative when it is inside `cwd`, else as it is. */
export function displayPathFrom(cwd: string, file: string): string {
  const rel = path.relative(cwd, file);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

/** Rewrites every absolute path under `cwd` in a line of text to its relative form. */
export function relativizer(cwd: string): (text: string) => string {
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  if (prefix === path.sep) return (t) => t;
  return (text) => (text.includes(prefix) ? text.split(prefix).join('') : text);
}
