/**
 * Keeps a fresh render of one issue while staff edit: watches issues/ and
 * templates/, and after a burst of changes runs prepareIssue() again, the
 * same path `enews build` takes. A broken edit becomes an error message next
 * to the last good render instead of stopping the preview.
 */
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { prepareIssue, type PreparedIssue } from '../build/prepare-issue.js';
import { EnewsError, formatError } from '../errors.js';
import { relativizerFrom } from '../project/root.js';

export interface RenderState {
  /** Goes up by one after every render, good or broken. */
  version: number;
  /** The latest render that succeeded; kept while an edit is broken. */
  prepared: PreparedIssue | null;
  /** What is wrong with the files as they are now (file:line and message), or null. */
  error: string | null;
  at: Date;
}

export interface IssueWatch {
  state(): RenderState;
  /** Calls `listener` after every render; returns the function that stops it. */
  subscribe(listener: (s: RenderState) => void): () => void;
  close(): void;
}

export interface WatchOptions {
  /** Editors save in several steps (temp file, rename, chmod); wait for quiet. */
  debounceMs?: number;
  /** Trouble with the file watchers themselves; rendering goes on. */
  onWatchError?: (err: Error) => void;
}

const WATCHED = ['issues', 'templates'];
const MAX_DEPTH = 4;

export async function watchIssue(root: string, number: number, opts: WatchOptions = {}): Promise<IssueWatch> {
  // The page names files as staff know them: relative to the project.
  const relative = relativizerFrom(root, root);
  const debounceMs = opts.debounceMs ?? 100;
  const listeners = new Set<(s: RenderState) => void>();
  const watchers = new Map<string, FSWatcher>();
  let state: RenderState = { version: 0, prepared: null, error: null, at: new Date() };
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let closed = false;

  async function render(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    do {
      again = false;
      syncWatchers();
      let next: RenderState;
      try {
        const prepared = await prepareIssue(root, number);
        next = { version: state.version + 1, prepared, error: null, at: new Date() };
      } catch (err) {
        next = { version: state.version + 1, prepared: state.prepared, error: relative(describe(err)), at: new Date() };
      }
      if (closed) break;
      state = next;
      for (const l of listeners) l(state);
    } while (again && !closed);
    running = false;
  }

  function schedule(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void render();
    }, debounceMs);
  }

  /**
   * One non-recursive watcher per folder, re-synced on every render: works
   * the same on every platform and picks up folders created or removed since
   * (items/, a new partials folder, an issues/ folder restored from a backup).
   */
  function syncWatchers(): void {
    const wanted = new Set<string>([root]);
    for (const name of WATCHED) collectDirs(path.join(root, name), 0, wanted);
    for (const [dir, w] of watchers) {
      if (!wanted.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: true }, (_event, file) => {
          // In the project folder itself only the two content folders matter (created, renamed, restored).
          if (dir === root && file !== null && !WATCHED.includes(String(file))) return;
          schedule();
        });
        w.on('error', (err) => {
          w.close();
          watchers.delete(dir);
          if (!closed) opts.onWatchError?.(err);
          schedule();
        });
        watchers.set(dir, w);
      } catch (err) {
        opts.onWatchError?.(err as Error);
      }
    }
  }

  await render();
  return {
    state: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
      listeners.clear();
    },
  };
}

function collectDirs(dir: string, depth: number, into: Set<string>): void {
  if (depth > MAX_DEPTH || !existsSync(dir)) return;
  into.add(dir);
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      collectDirs(path.join(dir, e.name), depth + 1, into);
  }
}

function describe(err: unknown): string {
  if (err instanceof EnewsError) return formatError(err);
  // Anything else is a bug in enews or a library, but the preview keeps running so the edit can be undone.
  return `Unexpected failure while rendering: ${(err as Error)?.message ?? String(err)}`;
}
