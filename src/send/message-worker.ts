/**
 * Worker thread that prepares messages (CSV, validation, personalisation)
 * ahead of the main thread, which only talks SMTP and writes the journal.
 * On a two-core machine this keeps the SMTP side from waiting on CPU.
 * Protocol: the parent sends the job as workerData, then { more: true } each
 * time it wants the next batch; the worker answers { items } or { done } or
 * { error }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EnewsError } from '../errors.js';
import { prepareMessages, type MessageJob, type OutgoingItem } from './messages.js';

const BATCH = 32;

async function main(): Promise<void> {
  const port = parentPort!;
  const it = prepareMessages(workerData as MessageJob);
  const next = async () => {
    try {
      const items: OutgoingItem[] = [];
      const transfer: ArrayBuffer[] = [];
      while (items.length < BATCH) {
        const r = await it.next();
        if (r.done) break;
        const raw = r.value.raw;
        // Hand the bytes over instead of copying them, when the Buffer owns its memory.
        if (raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength) transfer.push(raw.buffer as ArrayBuffer);
        items.push(r.value);
      }
      if (items.length) port.postMessage({ items }, transfer);
      if (items.length < BATCH) port.postMessage({ done: true });
    } catch (err) {
      const e = err as EnewsError;
      port.postMessage({
        error: err instanceof EnewsError ? { code: e.code, message: e.message, problems: e.problems, exitCode: e.exitCode } : { message: String((err as Error)?.stack ?? err) },
      });
    }
  };
  // One batch at a time: concurrent pulls from the generator would interleave the batches.
  let chain = Promise.resolve();
  port.on('message', (m: { more?: boolean }) => {
    if (m.more) chain = chain.then(next);
  });
}

void main();
