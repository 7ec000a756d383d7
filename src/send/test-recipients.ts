/**
 * Recipients of a `--test` send: the given addresses, with the name and
 * merge fields of their row in the subscriber file when they have one, so
 * the test mail looks like the real one.
 */
import { EnewsError, ExitCode } from '../errors.js';
import { addressKey, checkEmailAddress } from '../util/email-address.js';
import { readCsvRows } from '../subscribers/csv-rows.js';
import { parseRow, type Subscriber } from '../subscribers/subscriber.js';
import type { SubscriberFile } from '../plan/plan.js';

export async function testRecipients(addresses: string[], src: SubscriberFile): Promise<Subscriber[]> {
  const wanted = new Map<string, Subscriber>();
  for (const a of addresses) {
    const check = checkEmailAddress(a);
    if (!check.ok) throw new EnewsError('usage', `--test "${a}" is not a valid address: it ${check.reason}.`, { exitCode: ExitCode.usage });
    const key = addressKey(check.address);
    wanted.set(key, { line: 0, email: check.address, key, name: '', language: '', status: 'subscribed', fields: {} });
  }
  for await (const row of readCsvRows(src.file, src.header)) {
    const r = parseRow(row, src.columns, src.file);
    if (r.ok && wanted.get(r.subscriber.key)?.line === 0) wanted.set(r.subscriber.key, { ...r.subscriber, email: wanted.get(r.subscriber.key)!.email });
  }
  return [...wanted.values()];
}
