/**
 * The contract every home of the subscriber events follows (the events file
 * today; a database shared by several machines next). Everything that
 * changes who may be mailed goes through `record`; everything that decides
 * who is mailed reads through `each`.
 *
 * The promises, on every implementation:
 * - `record` resolves only once its events are durable (on disk, or
 *   committed), so an answer "you are unsubscribed" is never untrue.
 * - Each event is recorded once (`eventKey`), decided under the store's own
 *   lock against what the store holds at that moment, however many
 *   processes, on however many machines, record at once.
 * - A store of another list, or a damaged one, is refused by name, never
 *   read as if it were this list's.
 */
import type { SubscriberEvent } from './events.js';

export interface EventStore {
  /** Where the events are, for people (a path; a database without its password). */
  readonly where: string;
  /** How many `record` calls may usefully run at once (a file's lock takes one writer; a database, several). */
  readonly lanes?: number;
  /** Every event, in the order recorded. */
  each(f: (e: SubscriberEvent) => void): Promise<void>;
  /** Whether an event with this key (eventKey) is recorded, as of now. */
  has(key: string): Promise<boolean>;
  /** Which of these keys are recorded, as of now: one look for many (serve asks for all its requests at once). */
  recorded(keys: readonly string[]): Promise<Set<string>>;
  /**
   * Records the events that are not recorded yet; resolves with those it recorded (the others were there).
   * Rejects with an EnewsError (exit 4) when they cannot all be recorded; those that were stay recorded, and
   * recording them again records nothing twice.
   */
  record(events: SubscriberEvent[]): Promise<SubscriberEvent[]>;
  /**
   * Records `event` unless an event of its type and address was recorded within `windowMs` before its `at`,
   * decided under the store's lock like `record`: a cooldown that holds across restarts, processes and machines.
   * Resolves true when this call recorded it.
   */
  claim(event: SubscriberEvent, windowMs: number): Promise<boolean>;
  /** The events of one address (its key, or its keyed hash), in the order recorded. */
  about(email: string): Promise<SubscriberEvent[]>;
  /** Why events cannot be recorded right now (damaged, not writable, no space, unreachable), or null. */
  problem(): Promise<string | null>;
  /**
   * For a process that will record for long (serve): does now what its first record would do on the way (the
   * files load their lock's native addon; a database opens the connections its batches use, and keeps them), so
   * that the first requests do not wait for it. Optional.
   */
  prepare?(): void;
  close(): Promise<void>;
}
