/**
 * Where the send loop gets its messages: from a worker thread when the
 * compiled worker is available (the CLI), else from the same generator in
 * this thread (the in-process tests, which run the TypeScript sources).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EnewsError, type ExitCodeValue, type Problem } from '../errors.js';
import { prepareMessages, type MessageJob, type OutgoingItem } from './messages.js';

const WORKER = new URL('./message-worker.js', import.meta.url);

export function messageSource(job: MessageJob): AsyncIterable<OutgoingItem> {
  return existsSync(fileURLToPath(WORKER)) ? fromWorker(job) : prepareMessages(job);
}

interface Reply {
  items?: OutgoingItem[];
  done?: boolean;
  error?: { code?: string; message: string; problems?: Problem[]; exitCode?: ExitCodeValue };
}

async function* fromWorker(job: MessageJob): AsyncGenerator<OutgoingItem> {
  const worker = new Worker(WORKER, { workerData: job });
  const replies: Reply[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (m: Reply) => {
    replies.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  const next = async (): Promise<Reply> => {
    while (replies.length === 0) {
      if (failure) throw failure;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
    return replies.shift()!;
  };
  try {
    // Keep one batch in reserve: the next is prepared while this one is sent.
    worker.postMessage({ more: true });
    worker.postMessage({ more: true });
    for (;;) {
      const r = await next();
      if (r.error) {
        const e = r.error;
        throw e.code ? new EnewsError(e.code, e.message, { problems: e.problems, exitCode: e.exitCode }) : new Error(e.message);
      }
      if (r.items) {
        worker.postMessage({ more: true });
        // Structured clone turns Buffers into Uint8Arrays; give them back their Buffer face (no copy).
        for (const item of r.items) yield { ...item, raw: Buffer.from(item.raw.buffer, item.raw.byteOffset, item.raw.byteLength) };
      }
      if (r.done) return;
    }
  } finally {
    await worker.terminate();
  }
}
