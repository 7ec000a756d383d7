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
    throw asInboxLocked(err, eventsFile);
  }
}

/** The refusal of a second enews inbox, whatever lock refused it (a file's, or the database's). */
export function asInboxLocked(err: unknown, where: string): unknown {
  if (!(err instanceof EnewsError) || err.code !== 'journal-locked') return err;
  return new EnewsError('inbox-locked', `Another enews inbox is recording into ${where}. Nothing was read.`, {
    exitCode: ExitCode.stopped,
    problems: [
      {
        message: 'Wait for it to finish, then run the same command again.',
        hint: 'The lock ends with the process that holds it, however it ends: there is nothing to delete.',
      },
    ],
  });
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
