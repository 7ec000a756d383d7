/**
 * What must hold before `enews inbox` reads anything: an events file it can
 * write, and no other run recording into it.
 */
import { EnewsError, ExitCode } from '../errors.js';
import type { EventStore } from '../events/store.js';
import { acquireLock, type HeldLock } from '../journal/lock.js';

/** One run at a time per events file: two would both find an event missing and both write it. */
export function lockState(stateFile: string, eventsFile: string): HeldLock {
  try {
    return acquireLock(stateFile, 'enews inbox');
  } catch (err) {
    if (!(err instanceof EnewsError) || err.code !== 'journal-locked') throw err;
    throw new EnewsError('inbox-locked', `Another enews inbox is recording into ${eventsFile}. Nothing was read.`, {
      exitCode: ExitCode.stopped,
      problems: [
        {
          message: 'Wait for it to finish, then run the same command again.',
          hint: `If you are certain no other enews inbox is running, delete ${stateFile}.lock.`,
        },
      ],
    });
  }
}

/** Before anything is read: events must be recordable, or the run would read the mailbox for nothing. */
export async function checkEvents(store: EventStore): Promise<void> {
  const why = await store.problem();
  if (why === null) return;
  throw new EnewsError(
    'inbox-events-unwritable',
    `Cannot record events in ${store.where}: ${why}. Nothing was read or recorded.`,
    {
      exitCode: ExitCode.stopped,
      problems: [{ message: 'Fix the path or its permissions (or give another file with --events), then run again.' }],
    },
  );
}
