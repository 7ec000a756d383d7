/**
 * Who got which message: the send journals, read once, line by line, for
 * only what the returns ask about (their Message-IDs, older VERP ids,
 * provider ids, and self-proving VERP ids whose address the return does not
 * name). A journal can hold a million lines; what is kept is the answers (a
 * few per return), so memory does not grow with the journals.
 */
import type { JournalRef, JournalStore } from '../journal/store.js';
import { verpId, verpMac } from '../personalize/return-path.js';

export interface Wanted {
  messageIds: Set<string>;
  legacyVerp: Set<string>;
  providerIds: Set<string>;
  /** Self-proving VERP ids to match against every recipient of their issue: issue → macs. */
  verpMacs: Map<number, Set<string>>;
}

export function emptyWanted(): Wanted {
  return { messageIds: new Set(), legacyVerp: new Set(), providerIds: new Set(), verpMacs: new Map() };
}

export interface SentMessage {
  /** The recipient's address key. */
  email: string;
  issue: number;
}

export interface SentIndex {
  byMessageId: Map<string, SentMessage>;
  byLegacyVerp: Map<string, SentMessage>;
  byProviderId: Map<string, SentMessage>;
  /** `${issue}-${mac}` → the recipient of that issue whose VERP id it is. */
  byVerp: Map<string, SentMessage>;
  /** The journals read. */
  files: string[];
}

export function emptyIndex(): SentIndex {
  return { byMessageId: new Map(), byLegacyVerp: new Map(), byProviderId: new Map(), byVerp: new Map(), files: [] };
}

/**
 * `secrets` (the current one first, then those it replaced) and `listId`: to compute the VERP ids of recipients
 * when `wanted.verpMacs` asks for some.
 */
export async function scanJournals(
  store: JournalStore,
  journals: JournalRef[],
  wanted: Wanted,
  verp: { secrets: readonly string[]; listId: string },
): Promise<SentIndex> {
  const index = emptyIndex();
  const nothingWanted =
    wanted.messageIds.size + wanted.legacyVerp.size + wanted.providerIds.size + wanted.verpMacs.size === 0;
  if (nothingWanted) {
    index.files = journals.map((j) => j.label);
    return index;
  }
  for (const ref of journals) {
    if (await scanOne(store, ref, wanted, verp, index)) index.files.push(ref.label);
  }
  return index;
}

/** Reads one journal; false when the file is not one (its first record is not a run). */
async function scanOne(
  store: JournalStore,
  ref: JournalRef,
  wanted: Wanted,
  verp: { secrets: readonly string[]; listId: string },
  index: SentIndex,
): Promise<boolean> {
  let issue: number | null = null;
  const wantLegacy = wanted.legacyVerp.size > 0;
  // Damage is passed over: `send` and `status` report it; this reader only looks things up. Checking each
  // record with the journal's schema costs little beside JSON.parse: 200,000 sent records scan in about
  // 0.8 s either way (2026-12-07, within the noise of that machine).
  await store.read(
    ref,
    (r) => {
      if (r.type === 'run') issue = r.issue;
      else if (issue === null) return 'stop';
      else if (r.type === 'sent' || r.type === 'uncertain') {
        const sent = { email: r.key, issue };
        const macs = wanted.verpMacs.get(issue);
        if (macs) {
          // The message was sent with one of the secrets, whichever was current then.
          for (const secret of verp.secrets) {
            const mac = verpMac(secret, verp.listId, issue, r.key);
            if (macs.has(mac)) index.byVerp.set(`${issue}-${mac}`, sent);
          }
        }
        if (r.type === 'sent' && r.providerId !== undefined && wanted.providerIds.has(r.providerId))
          index.byProviderId.set(r.providerId, sent);
        if (wanted.messageIds.has(r.messageId)) index.byMessageId.set(r.messageId, sent);
        if (wantLegacy) {
          const id = verpId(r.messageId);
          if (wanted.legacyVerp.has(id)) index.byLegacyVerp.set(id, sent);
        }
      }
      return undefined;
    },
    'skip',
  );
  return issue !== null;
}
