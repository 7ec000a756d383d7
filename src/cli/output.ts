/** How the CLI talks to people: results on stdout, diagnostics on stderr. */
import { formatLocation } from '../errors.js';
import type { Warning } from '../render/warnings.js';

export interface Output {
  out(line: string): void;
  err(line: string): void;
  /** True when stderr is a terminal (progress lines, prompts). */
  isTTY: boolean;
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
  isTTY: Boolean(process.stderr.isTTY),
};

export function formatWarning(w: Warning): string {
  return `warning: ${w.location ? formatLocation(w.location) + ': ' : ''}${w.message}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}
