/**
 * A value as JSON.stringify(value, null, 2) writes it, byte for byte, in
 * chunks of whole lines: the long arrays named are written a few hundred
 * elements at a time. The result of `enews inbox --json` over 100,000 returns
 * is a text of tens of megabytes; built whole, with its copies on the way to
 * stdout, it more than doubled the run's peak memory (BENCHMARKS.md).
 */

/** Elements of a long array per chunk. */
const PER_CHUNK = 500;

/** A long array held elsewhere (a spool on disk): its length, and its elements read back in order. */
export interface LongList {
  count: number;
  all(): AsyncIterable<unknown>;
}

/**
 * The chunks, to be written each followed by a newline (Output.data). The properties named are arrays or LongLists,
 * written as the array of their elements.
 */
export async function* jsonChunks<T extends object>(
  value: T,
  arrays: ReadonlyArray<keyof T & string>,
): AsyncGenerator<string> {
  const marker = (k: string) => `\u0000${k}\u0000`;
  const long = new Map<string, AsyncIterable<unknown> | unknown[]>();
  const shell: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k of arrays) {
    const a = value[k] as unknown;
    if (Array.isArray(a) ? a.length > 0 : isLongList(a) && a.count > 0) {
      long.set(JSON.stringify(k), Array.isArray(a) ? a : (a as LongList).all());
      shell[k] = marker(k);
    } else if (isLongList(a)) shell[k] = [];
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
    // Each element is written once the next is known: the last one has no comma.
    let previous: string | null = null;
    for await (const item of items) {
      if (previous !== null) lines.push(`${previous},`);
      if (lines.length === PER_CHUNK) {
        yield lines.join('\n');
        lines = [];
      }
      const text = JSON.stringify(item, null, 2) ?? 'null';
      previous = `    ${text.replace(/\n/g, '\n    ')}`;
    }
    if (previous !== null) lines.push(previous);
    lines.push(`  ]${m[3]}`);
  }
  yield lines.join('\n');
}

function isLongList(v: unknown): v is LongList {
  return typeof v === 'object' && v !== null && typeof (v as LongList).all === 'function';
}
