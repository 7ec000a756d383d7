/**
 * A full garbage collection on request, for a command that reads a large
 * mailbox: parsing each returned message leaves a few hundred kilobytes of
 * garbage, much of it promoted, and V8 lets the old generation grow far above
 * what is alive before it collects (measured on a 10,000-message mailbox: under
 * 35 MB alive, 240 MB peak RSS; 160 MB with a collection every few thousand
 * messages, at no measurable cost in time: BENCHMARKS.md). The flag is set at
 * run time and the function taken from a new context, which is the only way to
 * reach it without starting Node with --expose-gc; where that fails, nothing
 * is collected early and nothing else changes.
 */
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

/** Collects garbage now when the runtime allows it; says whether it did. */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    gc = typeof globalThis.gc === 'function' ? (globalThis.gc as () => void) : null;
    if (!gc) {
      try {
        v8.setFlagsFromString('--expose-gc');
        const f: unknown = runInNewContext('gc');
        gc = typeof f === 'function' ? (f as () => void) : null;
      } catch {
        gc = null;
      }
    }
  }
  if (!gc) return false;
  gc();
  return true;
}
