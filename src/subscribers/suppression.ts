/**
 * Suppression lists: addresses that must never receive mail, whatever the
 * subscriber file says (past hard bounces, complaints, legal requests).
 * A CSV with an email column, or a plain list with one address per line.
 */
import { EnewsError } from '../errors.js';
import { addressKey, checkEmailAddress } from '../util/email-address.js';
import { readCsvRows, sniffHeader } from './csv-rows.js';
import { KeySet } from '../util/key-set.js';

export async function loadSuppressions(files: string[]): Promise<KeySet> {
  const keys = new KeySet();
  for (const file of files) {
    const header = sniffHeader(file);
    let column = header.columns.findIndex((c) => c === 'email' || c === 'e-mail' || c === 'email address');
    let from = header;
    if (column < 0) {
      if (!header.columns.some((c) => c.includes('@'))) {
        throw new EnewsError(
          'suppress-header',
          `${file} has no "email" column; a suppression list needs one (or one address per line, no header).`,
        );
      }
      // Headerless list: the first line is already an address.
      column = header.columns.findIndex((c) => c.includes('@'));
      from = { ...header, line: header.line - 1 };
    }
    for await (const row of readCsvRows(file, from)) {
      const value = row.fields[column] ?? '';
      const check = checkEmailAddress(value);
      // A malformed suppression entry cannot match a valid subscriber, so it is skipped, not fatal.
      if (check.ok) keys.add(addressKey(check.address));
    }
  }
  return keys;
}
