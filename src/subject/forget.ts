/**
 * The rights of the data subject, second: erasure (GDPR Art. 17, `enews
 * subscriber forget`). The list state keeps only the address's keyed hash:
 * the suppression that every plan applies (plan/rules.ts), so the address is
 * never mailed again, and in every event and journal record that named it
 * (ListState.erase). What enews cannot erase is said, not hidden: the rows of
 * the subscriber files (the team's own files: they are listed, by line, to be
 * removed by hand), and every copy outside the list state.
 */
import { EnewsError } from '../errors.js';
import { keyedHash } from '../personalize/address-hash.js';
import type { ErasureResult } from '../state/erase-files.js';
import type { ListState } from '../state/open.js';
import { subjectAccess, type SubscriberRow } from './access.js';

export interface ForgetRequest {
  root: string;
  address: string;
  key: string;
  /** UNSUBSCRIBE_SECRET first (it keys the hash), then the old ones. */
  secrets: readonly string[];
  subscribers: string[];
  at: string;
}

export interface ForgetResult extends ErasureResult {
  hash: string;
  /** Rows of the subscriber files that still name the address: the team's files, for the team to edit. */
  rows: SubscriberRow[];
  backend: ListState['kind'];
}

export async function forgetAddress(r: ForgetRequest, state: ListState): Promise<ForgetResult> {
  const secret = r.secrets[0];
  if (!secret)
    throw new EnewsError(
      'forget-no-secret',
      'enews subscriber forget keeps a hash of the address keyed with UNSUBSCRIBE_SECRET, which is not set.',
      { problems: [{ message: 'Set UNSUBSCRIBE_SECRET (the one enews send uses) in the environment or .env.' }] },
    );
  // The rows are found before the erasure: the journals' run records name the files.
  const { subscriberFiles } = await subjectAccess(r, state);
  const hash = keyedHash(secret, state.listId, r.key);
  const erased = await state.erase(r.key, hash, r.at);
  return { ...erased, hash, rows: subscriberFiles, backend: state.kind };
}
