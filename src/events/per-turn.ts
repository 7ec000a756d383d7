/**
 * One look at the list state for all the requests that ask during one turn of the event loop, instead of one
 * each: serve asks, for every POST, whether the state can record (problem) and which round the address is in
 * (has). The look is taken once the turn has read every request that was waiting (setImmediate), so it is
 * never older than any of the questions it answers: as current as a look of each request's own.
 */
import type { EventStore } from './store.js';

/** `f` called at most once per turn; every caller of that turn gets its answer (or its error). */
export function perTurn<T>(f: () => Promise<T>): () => Promise<T> {
  let next: Promise<T> | null = null;
  return () => {
    next ??= new Promise<T>((resolve, reject) =>
      setImmediate(() => {
        next = null;
        f().then(resolve, reject);
      }),
    );
    return next;
  };
}

/** `has` answered for all the keys asked during one turn by one `recorded` of the store. */
export function hasPerTurn(store: Pick<EventStore, 'recorded'>): (key: string) => Promise<boolean> {
  let keys = new Set<string>();
  const look = perTurn(async () => {
    const asked = [...keys];
    keys = new Set();
    return store.recorded(asked);
  });
  return async (key) => {
    keys.add(key);
    return (await look()).has(key);
  };
}
