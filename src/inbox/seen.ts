/**
 * The messages `enews inbox` has dealt with, so a second run over the same
 * mailbox records nothing new: journal/inbox-seen.jsonl beside the events
 * file, one `{at, fp}` line per message, where fp is the SHA-256 of the
 * message's bytes (of its head and size for one too large to read). Only a
 * hash is kept: the file says nothing about anyone.
 *
 * The file only saves work. Losing it (or a damaged line in it) costs a
 * second reading of the mailbox, never a second event: events already in
 * the events file are not written again.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { EnewsError, ExitCode } from '../errors.js';
import { LogWriter, readTailOnly } from '../journal/jsonl-log.js';
import type { HeldLock } from '../journal/lock.js';
import { lockState } from './preflight.js';

export function statePathFor(eventsFile: string): string {
  return path.join(path.dirname(eventsFile), 'inbox-seen.jsonl');
}

function isRecord(v: unknown): v is { fp: string } {
  return typeof v === 'object' && v !== null && typeof (v as { fp?: unknown }).fp === 'string';
}

export async function readSeen(file: string): Promise<Set<string>> {
  const seen = new Set<string>();
  if (!existsSync(file)) return seen;
  if (!statSync(file).isFile())
    throw new EnewsError('inbox-state-not-file', `${file} is not a regular file; enews inbox keeps its state there.`, {
      exitCode: ExitCode.stopped,
    });
  const input = createReadStream(file, 'utf8');
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) seen.add(v.fp);
    } catch {
      // A torn or damaged line: that message is read again next time, and its events are already recorded.
    }
  }
  return seen;
}

/** Records processed messages durably (after their events). */
export async function appendSeen(file: string, fingerprints: string[], at: string): Promise<void> {
  if (fingerprints.length === 0) return;
  const w = LogWriter.open(file, readTailOnly(file, isRecord), {
    what: 'the list of processed messages',
    onWriteFailure: 'The events are recorded; the next run reads these messages again and records nothing twice.',
  });
  try {
    for (const fp of fingerprints) w.append({ at, fp });
  } finally {
    await w.close();
  }
}

/**
 * The inbox's memory wherever the list state lives (files beside the events file; the database): which
 * messages were dealt with, and one run at a time.
 */
export interface SeenStore {
  readonly where: string;
  load(): Promise<Set<string>>;
  add(fingerprints: string[], at: string): Promise<void>;
  /** One enews inbox at a time per list: two would both find an event missing and both write it. */
  lock(): Promise<HeldLock>;
}

/** The memory as journal/inbox-seen.jsonl beside the events file. */
export function fileSeen(eventsFile: string): SeenStore {
  const file = statePathFor(eventsFile);
  return {
    where: file,
    load: () => readSeen(file),
    add: (fps, at) => appendSeen(file, fps, at),
    async lock() {
      return lockState(file, eventsFile);
    },
  };
}
