/**
 * The list state: everything that says who may be mailed and who got what
 * (the subscriber events, the send journals, enews inbox's memory), behind
 * one choice. Without STATE_URL it is files under journal/, nothing to
 * install, for a team that runs everything in one folder. With
 * STATE_URL=postgres://… it is one PostgreSQL database, which `enews serve`
 * on a web host, sends from a laptop or CI and `enews inbox` from cron share.
 * Every command reaches the state through here, and through the contracts
 * (events/store.ts, journal/store.ts, inbox/seen.ts), never past them.
 */
import path from 'node:path';
import type { Env } from '../config/env.js';
import { defaultEventsPath } from '../events/events.js';
import { EventsFile } from '../events/events-file.js';
import type { EventStore } from '../events/store.js';
import { fileSeen, type SeenStore } from '../inbox/seen.js';
import { fileJournals } from '../journal/file-journals.js';
import type { JournalStore } from '../journal/store.js';
import { EnewsError, ExitCode } from '../errors.js';
import { eraseFiles, type ErasureResult } from './erase-files.js';
import { erasure } from './scrub.js';

export interface ListState {
  readonly kind: 'files' | 'postgres';
  /** The list whose state it is (newsletter.yaml's list_id). */
  readonly listId: string;
  /** Where it is, for people (the events file's folder, or the database without its password). */
  readonly where: string;
  events: EventStore;
  journals: JournalStore;
  seen: SeenStore;
  /**
   * Erases an address (enews subscriber forget): records its suppression (its keyed hash `hash`, so it is never
   * mailed again), then writes every event and journal record that holds it again with the hash in its place.
   * Refuses (exit 4) while a send of the list is running; crash-safe (erase-files.ts, postgres/erase.ts).
   */
  erase(key: string, hash: string, at: string): Promise<ErasureResult>;
  /** Ends connections and waits for locks to be released. */
  close(): Promise<void>;
}

export interface StateOptions {
  root: string;
  env: Env;
  listId: string;
  /** --events FILE (files only): the events file, instead of journal/events.jsonl. */
  eventsFile?: string | null;
}

export async function openListState(o: StateOptions): Promise<ListState> {
  const url = o.env.STATE_URL?.trim();
  if (!url) return fileState(o);
  if (o.eventsFile)
    throw new EnewsError('usage', '--events names a file, but STATE_URL keeps the events in the database.', {
      exitCode: ExitCode.usage,
      problems: [{ message: 'Leave out --events, or unset STATE_URL to use the files under journal/.' }],
    });
  // Loaded only here: a command on the files never loads the PostgreSQL client.
  const { pgState } = await import('./postgres/state.js');
  return pgState(url, o.listId, o.root);
}

/** The list state as files under the project's journal/ (the events file may be another, with --events). */
export function fileState(o: Omit<StateOptions, 'env'>): ListState {
  const eventsFile = o.eventsFile ?? defaultEventsPath(o.root);
  const events = new EventsFile(eventsFile, o.listId);
  return {
    kind: 'files',
    listId: o.listId,
    where: path.dirname(eventsFile),
    events,
    journals: fileJournals(o.root),
    seen: fileSeen(eventsFile),
    erase: (key, hash, at) =>
      eraseFiles({ root: o.root, eventsFile, events, listId: o.listId }, erasure(key, hash), at),
    async close() {},
  };
}
