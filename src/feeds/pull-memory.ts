/**
 * What the last `enews items pull` saw, in `.enews/feeds.json` beside issues/ (commit it with the
 * catalog): for each source, the validators its server sent (ETag, Last-Modified), so the next pull
 * asks "changed since?" and a feed that has not changed costs one small answer; for each entry
 * pulled, the item it became and what the feed said of it then. That is how a pull knows an entry
 * whose address changed (by its guid), an item someone removed from the catalog (it is not added
 * again), and an entry the website changed since (reported; the catalog keeps its own). Losing the
 * file loses no item: entries are then matched by their address alone, and every feed is read whole.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { EnewsError } from '../errors.js';
import { replaceFile } from '../util/replace-file.js';

export const MEMORY_FILE = path.join('.enews', 'feeds.json');

/** An item as a feed gives it, without its id: what is compared from one pull to the next. */
const seenItem = z.record(z.string(), z.unknown());

const memorySchema = z.strictObject({
  version: z.literal(1),
  sources: z.record(
    z.string(),
    z.strictObject({
      etag: z.string().max(1000).optional(),
      last_modified: z.string().max(200).optional(),
      /** A hash of the feed's settings when it was read: changed settings read the feed whole. */
      settings: z.string().max(100),
    }),
  ),
  entries: z.record(z.string(), z.strictObject({ id: z.string().max(200), seen: seenItem })),
});

export type PullMemory = z.infer<typeof memorySchema>;
export type SeenItem = z.infer<typeof seenItem>;

export function memoryFile(root: string): string {
  return path.join(root, MEMORY_FILE);
}

export function readMemory(root: string): PullMemory {
  const file = memoryFile(root);
  if (!existsSync(file)) return { version: 1, sources: {}, entries: {} };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    value = undefined;
  }
  const parsed = memorySchema.safeParse(value);
  if (!parsed.success) {
    throw new EnewsError('feed-memory-damaged', `${file} is damaged: it is not what enews items pull writes.`, {
      problems: [
        {
          message:
            'Restore it from version control, or delete it: the next pull then reads every feed whole and ' +
            'knows catalog items by their address only (an item removed from the catalog may come back).',
        },
      ],
    });
  }
  return parsed.data;
}

/** Replaced in one step (a new file renamed over the old), so a crash leaves the old one or the new. */
export function writeMemory(root: string, memory: PullMemory): void {
  const file = memoryFile(root);
  mkdirSync(path.dirname(file), { recursive: true });
  replaceFile(file, `${JSON.stringify(memory, null, 2)}\n`);
}
