/** The list state in PostgreSQL (state/open.ts chooses it when STATE_URL is set). */
import type { ListState } from '../open.js';
import { erasure } from '../scrub.js';
import { connect } from './db.js';
import { erasePostgres } from './erase.js';
import { pgEvents } from './events.js';
import { pgJournals } from './journals.js';
import { pgSeen } from './seen.js';

export function pgState(url: string, listId: string, root: string): ListState {
  // Connected and migrated on first use (db.ts, ready): enews serve starts while the database is away.
  const db = connect(url);
  // Locks being released when the command ends: closing waits for them (see postgres/lock.ts).
  const pending = new Set<Promise<unknown>>();
  return {
    kind: 'postgres',
    listId,
    where: db.where,
    events: pgEvents(db, listId),
    journals: pgJournals(db, listId, pending),
    seen: pgSeen(db, listId, pending),
    erase: (key, hash, at) => erasePostgres(db, listId, erasure(key, hash), at, root),
    async close() {
      await Promise.allSettled([...pending]);
      await db.close();
    },
  };
}
