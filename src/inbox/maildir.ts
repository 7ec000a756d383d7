/**
 * A Maildir folder: every file in cur/ and new/ is one message (tmp/ holds
 * deliveries still being written and is left alone). Files are read one at
 * a time; of a file over the size limit only the head is read.
 * The files are not renamed or moved: what is processed is remembered in
 * the state file.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { EnewsError } from '../errors.js';
import {
  HEAD_BYTES,
  largeFingerprint,
  mailboxMessage,
  MAX_MESSAGE_BYTES,
  type MailboxMessage,
  type MailSource,
} from './message.js';

export function maildirSource(dir: string, display: string): MailSource {
  const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
  if (!isDir(dir))
    throw new EnewsError('inbox-no-maildir', `There is no folder ${display}.`, {
      problems: [{ message: 'Give the Maildir folder (the one with cur/ and new/ inside) with --maildir DIR.' }],
    });
  if (!isDir(path.join(dir, 'cur')) && !isDir(path.join(dir, 'new')))
    throw new EnewsError('inbox-not-maildir', `${display} is not a Maildir: it has no cur/ or new/ folder.`, {
      problems: [
        { message: 'Point --maildir at the folder that holds cur/ and new/; for an mbox file use --mbox FILE.' },
      ],
    });
  return {
    kind: 'maildir',
    label: display,
    notices: [],
    messages: () => readMaildir(dir),
    markProcessed: async () => {},
    close: async () => {},
  };
}

async function* readMaildir(dir: string): AsyncGenerator<MailboxMessage> {
  for (const sub of ['new', 'cur']) {
    const folder = path.join(dir, sub);
    if (!existsSync(folder)) continue;
    // Sorted: Maildir names start with the delivery time, so this is (roughly) the order mail arrived in.
    const names = readdirSync(folder)
      .filter((n) => !n.startsWith('.'))
      .sort();
    for (const name of names) {
      const file = path.join(folder, name);
      let size: number;
      try {
        const st = statSync(file);
        if (!st.isFile()) continue;
        size = st.size;
      } catch {
        continue; // Moved or deleted by a mail client since the listing: it is read next time, wherever it is.
      }
      const ref = `${sub}/${name}`;
      if (size <= MAX_MESSAGE_BYTES) {
        try {
          yield mailboxMessage(ref, readFileSync(file));
        } catch {
          // Gone between stat and read: as above.
        }
      } else {
        const m = largeMessage(file, ref, size);
        if (m) yield m;
      }
    }
  }
}

function largeMessage(file: string, ref: string, size: number): MailboxMessage | null {
  const head = Buffer.alloc(HEAD_BYTES);
  let n: number;
  try {
    const fd = openSync(file, 'r');
    try {
      n = readSync(fd, head, 0, HEAD_BYTES, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  const h = head.subarray(0, n);
  return { ref, raw: null, head: h, size, fingerprint: largeFingerprint(h, size) };
}
