/**
 * The rights of the data subject, first: everything the list state and the
 * subscriber files hold about one address (`enews subscriber show`), for an
 * access request (GDPR Art. 15) or to see where a person stands. The rows of
 * the subscriber files that name it (the files the sends used, and those
 * given), its events, in clear and under its keyed hash (the sign-up
 * cooldown, an erasure), the consent records among them, and every delivery
 * the send journals record. A value: the CLI prints it as JSON.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Consent } from '../events/consent.js';
import type { SubscriberEvent } from '../events/events.js';
import { type AddressState, addressState } from '../events/roster.js';
import type { ListState } from '../state/open.js';
import { keyedHash } from '../personalize/address-hash.js';
import { openSubscriberFile, readSubscribers } from '../subscribers/read.js';
import type { Subscriber } from '../subscribers/subscriber.js';

export interface SubscriberRow {
  file: string;
  line: number;
  email: string;
  name: string;
  language: string;
  status: Subscriber['status'];
  fields: Readonly<Record<string, string>>;
}

export interface Delivery {
  journal: string;
  issue: number | null;
  type: 'sent' | 'failed' | 'uncertain';
  at: string;
  messageId?: string;
  providerId?: string;
  code?: number | null;
  response: string;
}

export interface SubjectRecord {
  address: string;
  /** The address as enews keys it (lower case, ASCII domain). */
  key: string;
  /** An erasure (enews subscriber forget) suppresses it: it is never mailed again. */
  erased: boolean;
  /** Where it stands by its events (opted out, signed up, the name and language it chose). */
  standing: AddressState;
  subscriberFiles: SubscriberRow[];
  /** Its events in the order recorded: those naming it, then those under its keyed hash. */
  events: SubscriberEvent[];
  /** The consent records of its sign-ups and returns; a row of a subscriber file was brought by the team (import). */
  consent: Array<{ at: string; event: SubscriberEvent['type'] } & Consent>;
  deliveries: Delivery[];
  /** The subscriber files read. */
  filesRead: string[];
}

export interface AccessRequest {
  root: string;
  address: string;
  key: string;
  /** The keys of the keyed hashes (UNSUBSCRIBE_SECRET, then the old ones). */
  secrets: readonly string[];
  /** Subscriber files to look in besides those the send journals name (absolute). */
  subscribers: string[];
}

export async function subjectAccess(r: AccessRequest, state: ListState): Promise<SubjectRecord> {
  const own = await state.events.about(r.key);
  const hashed: SubscriberEvent[] = [];
  for (const secret of r.secrets) hashed.push(...(await state.events.about(keyedHash(secret, state.listId, r.key))));
  const deliveries: Delivery[] = [];
  const named = new Set(r.subscribers);
  for (const ref of await state.journals.allJournals()) {
    let issue: number | null = null;
    await state.journals.read(
      ref,
      (rec) => {
        if (rec.type === 'run') {
          issue = rec.issue;
          named.add(path.resolve(r.root, rec.subscribers));
        } else if (rec.type !== 'end' && rec.key === r.key) {
          const { type, at, response } = rec;
          deliveries.push({
            journal: state.kind === 'files' ? path.relative(r.root, ref.name) : ref.name,
            issue,
            type,
            at,
            response,
            ...('messageId' in rec ? { messageId: rec.messageId } : {}),
            ...('providerId' in rec && rec.providerId ? { providerId: rec.providerId } : {}),
            ...('code' in rec ? { code: rec.code } : {}),
          });
        }
        return undefined;
      },
      'skip',
    );
  }
  const files = [...named].filter((f) => existsSync(f));
  const rows: SubscriberRow[] = [];
  for (const file of files) {
    for await (const row of readSubscribers(openSubscriberFile(file))) {
      if (!row.ok || row.subscriber.key !== r.key) continue;
      const { line, email, name, language, status, fields } = row.subscriber;
      rows.push({ file, line, email, name, language, status, fields });
    }
  }
  return {
    address: r.address,
    key: r.key,
    erased: hashed.some((e) => e.type === 'forgotten'),
    standing: addressState(own),
    subscriberFiles: rows,
    events: [...own, ...hashed],
    consent: own.flatMap((e) => (e.consent ? [{ at: e.at, event: e.type, ...e.consent }] : [])),
    deliveries,
    filesRead: files,
  };
}
