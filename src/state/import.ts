/**
 * `enews state import`: a project's files under journal/ copied into the
 * database a team moves to (STATE_URL), so nothing it knew is forgotten:
 * the events (each fact once: what the database has is not written again),
 * the send journals (a journal the database holds a part of gets the rest;
 * one it holds differently is left alone and named), and enews inbox's
 * memory. Running it again copies nothing twice.
 */
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { EventsFile } from '../events/events-file.js';
import type { SubscriberEvent } from '../events/events.js';
import { readSeen, statePathFor } from '../inbox/seen.js';
import { readJournalRecords, type JournalRecord } from '../journal/journal.js';
import type { ListState } from './open.js';

export interface ImportResult {
  from: string;
  events: { copied: number; already: number };
  journals: Array<{ name: string; copied: number; already: number; differs: boolean }>;
  seen: { copied: number; already: number };
}

const BATCH = 1000;

export async function importFiles(root: string, into: ListState): Promise<ImportResult> {
  const dir = path.join(root, 'journal');
  const result: ImportResult = {
    from: dir,
    events: { copied: 0, already: 0 },
    journals: [],
    seen: { copied: 0, already: 0 },
  };
  const eventsFile = path.join(dir, 'events.jsonl');
  if (existsSync(eventsFile)) {
    let batch: SubscriberEvent[] = [];
    const flush = async () => {
      const recorded = await into.events.record(batch);
      result.events.copied += recorded.length;
      result.events.already += batch.length - recorded.length;
      batch = [];
    };
    const pending: SubscriberEvent[][] = [];
    await new EventsFile(eventsFile, into.listId).each((e) => {
      batch.push(e);
      if (batch.length >= BATCH) {
        pending.push(batch);
        batch = [];
      }
    });
    for (const b of pending) {
      batch = b;
      await flush();
    }
    if (batch.length) await flush();
  }
  for (const file of existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => n.endsWith('.jsonl'))
        .sort()
    : []) {
    const records: JournalRecord[] = [];
    let isJournal = false;
    await readJournalRecords(
      path.join(dir, file),
      (r) => {
        if (records.length === 0 && r.type !== 'run') return 'stop';
        isJournal = true;
        records.push(portable(root, r));
        return undefined;
      },
      'skip',
    );
    if (!isJournal) continue;
    result.journals.push(await importJournal(into, path.basename(file, '.jsonl'), records));
  }
  const seenFile = statePathFor(eventsFile);
  if (existsSync(seenFile)) {
    const fps = [...(await readSeen(seenFile))];
    const before = (await into.seen.load()).size;
    await into.seen.add(fps, new Date().toISOString());
    const after = (await into.seen.load()).size;
    result.seen = { copied: after - before, already: fps.length - (after - before) };
  }
  return result;
}

async function importJournal(into: ListState, name: string, records: JournalRecord[]) {
  const ref = into.journals.journalOf(0, null, `${name}.jsonl`);
  const held: JournalRecord[] = [];
  if (await into.journals.exists(ref))
    await into.journals.read(ref, (r) => {
      held.push(r);
      return undefined;
    });
  // The database holds the start of it (an earlier import stopped half-way) or all of it: copy only the rest.
  const differs = held.some((r, i) => JSON.stringify(r) !== JSON.stringify(records[i]));
  if (differs) return { name, copied: 0, already: 0, differs: true };
  const rest = records.slice(held.length);
  if (rest.length) {
    const lock = await into.journals.lock(ref, 'enews state import');
    try {
      const w = await into.journals.appender(ref, { tornBytes: 0, missingNewline: false });
      await Promise.all(rest.map((r) => w.append(r)));
      await w.close();
    } finally {
      lock.release();
    }
  }
  return { name, copied: rest.length, already: held.length, differs: false };
}

/**
 * A run record as the database keeps it: the subscriber file by its path in the project (send/prepare.ts,
 * listIdentity), so a send resumed from another folder finds its list; no events file (the database has them).
 */
function portable(root: string, r: JournalRecord): JournalRecord {
  if (r.type !== 'run') return r;
  const { events: _events, ...rest } = r;
  let subscribers = r.subscribers;
  try {
    const rel = path.relative(realpathSync(root), r.subscribers);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) subscribers = rel.split(path.sep).join('/');
  } catch {
    // A project folder that cannot be resolved keeps the path as written.
  }
  return { ...rest, subscribers };
}
