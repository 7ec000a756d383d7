/**
 * Recipients of a `--test` send: the given addresses, each rendered as a
 * subscriber of the list would get it: as the `--as` subscriber when given,
 * else as the address's own row when it is in the list, else (or without a
 * list) as someone without a name.
 */
import { EnewsError, ExitCode } from '../errors.js';
import { addressKey, checkEmailAddress } from '../util/email-address.js';
import { readSubscribers, type SubscriberFile } from '../subscribers/read.js';
import type { Subscriber } from '../subscribers/subscriber.js';

export async function testRecipients(
  addresses: string[],
  as: string | null,
  /** The list; null when none was given (then there is no --as either). */
  src: SubscriberFile | null,
  /** --language: every test message in this language (a tag of the build), whatever the row says. */
  language: string | null = null,
): Promise<Subscriber[]> {
  const tests = addresses.map((a) => {
    const check = checkEmailAddress(a);
    if (!check.ok)
      throw new EnewsError('usage', `--test "${a}" is not a valid address: it ${check.reason}.`, {
        exitCode: ExitCode.usage,
      });
    return { email: check.address, key: addressKey(check.address) };
  });
  let asKey: string | null = null;
  if (as !== null) {
    const check = checkEmailAddress(as);
    if (!check.ok)
      throw new EnewsError('usage', `--as "${as}" is not a valid address: it ${check.reason}.`, {
        exitCode: ExitCode.usage,
      });
    asKey = addressKey(check.address);
  }
  if (asKey && src === null)
    throw new EnewsError('usage', '--as needs --subscribers: the list that holds the row the test message reads as.', {
      exitCode: ExitCode.usage,
    });
  const rows = new Map<string, Subscriber>();
  const wanted = new Set(asKey ? [asKey] : tests.map((t) => t.key));
  if (src) {
    for await (const r of readSubscribers(src)) {
      if (r.ok && wanted.has(r.subscriber.key) && !rows.has(r.subscriber.key)) rows.set(r.subscriber.key, r.subscriber);
    }
    if (asKey && !rows.has(asKey)) {
      throw new EnewsError('test-as-unknown', `--as ${as}: there is no valid row for that address in ${src.file}.`, {
        problems: [
          {
            message:
              'Give the address of a subscriber in the list, exactly as in its email column (case does not matter).',
          },
        ],
      });
    }
  }
  // Each message goes to the test address, but reads as the chosen subscriber's: name, merge fields, unsubscribe link.
  return tests.map((t) => {
    const row = rows.get(asKey ?? t.key);
    const base: Subscriber = row ?? {
      line: 0,
      email: t.email,
      key: t.key,
      name: '',
      language: '',
      status: 'subscribed',
      fields: {},
    };
    return { ...base, email: t.email, key: t.key, ...(language ? { language } : {}) };
  });
}
