/**
 * A value as JSON.stringify(value, null, 2) writes it, byte for byte, in
 * chunks of whole lines: the long arrays named are written a few hundred
 * elements at a time. The result of `enews inbox --json` over 100,000 returns
 * is a text of tens of megabytes; built whole, with its copies on the way to
 * stdout, it more than doubled the run's peak memory (BENCHMARKS.md).
 */

/** Elements of a long array per chunk. */
const PER_CHUNK = 500;

/** The chunks, to be written each followed by a newline (Output.data). */
export function* jsonChunks<T extends object>(value: T, arrays: ReadonlyArray<keyof T & string>): Generator<string> {
  const marker = (k: string) => `\u0000${k}\u0000`;
  const long = new Map<string, unknown[]>();
  const shell: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k of arrays) {
    const a = value[k];
    if (Array.isArray(a) && a.length > 0) {
      long.set(JSON.stringify(k), a);
      shell[k] = marker(k);
    }
  }
  let lines: string[] = [];
  for (const line of JSON.stringify(shell, null, 2).split('\n')) {
    const m = /^ {2}("[^"]*"): ("\\u0000[^"]*\\u0000")(,?)$/.exec(line);
    const items = m && m[2] === JSON.stringify(marker(JSON.parse(m[1]!))) ? long.get(m[1]!) : undefined;
    if (!m || !items) {
      lines.push(line);
      continue;
    }
    lines.push(`  ${m[1]}: [`);
    yield lines.join('\n');
    lines = [];
    for (let i = 0; i < items.length; i++) {
      const text = JSON.stringify(items[i], null, 2) ?? 'null';
      lines.push(`    ${text.replace(/\n/g, '\n    ')}${i < items.length - 1 ? ',' : ''}`);
      if (lines.length === PER_CHUNK) {
        yield lines.join('\n');
        lines = [];
      }
    }
    lines.push(`  ]${m[3]}`);
  }
  yield lines.join('\n');
}
