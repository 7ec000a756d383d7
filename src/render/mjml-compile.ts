/**
 * MJML → HTML. Loading MJML (and the libraries it loads) is the largest part of a build's start, so
 * `enews build` and `enews check` start a worker thread that loads it first thing (startMjmlWorker): on a
 * second core that runs while this thread loads the content, the templates and the checks. Without the
 * worker (every other command, the preview, tests that run the source) MJML runs here, loaded on first use.
 * Both give the same result: the same MJML is called with the same options, in another thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface MjmlError {
  line: number;
  message: string;
  tagName: string;
}

export interface MjmlOptions {
  validationLevel: 'strict';
  keepComments: boolean;
  filePath: string;
}

/** MJML's result, or what it threw: its message, and its errors when strict validation found some. */
export type MjmlOutcome =
  | { result: { html: string; errors: MjmlError[] } }
  | { thrown: { message: string; errors?: MjmlError[] } };

/** What the worker answers to the request `id`. */
export type MjmlReply = { id: number } & MjmlOutcome;

export type Mjml2Html = (mjml: string, options: MjmlOptions) => Promise<{ html: string; errors: MjmlError[] }>;

interface Pending {
  mjml: string;
  options: MjmlOptions;
  resolve: (r: MjmlOutcome) => void;
  reject: (e: unknown) => void;
}

interface Running {
  thread: Worker;
  pending: Map<number, Pending>;
  next: number;
}

let worker: Running | null = null;

/** Starts loading MJML in a worker thread, when the compiled worker is there; calls after the first do nothing. */
export function startMjmlWorker(): void {
  if (worker) return;
  const file = fileURLToPath(new URL('./mjml-worker.js', import.meta.url));
  if (!existsSync(file)) return;
  const w: Running = { thread: new Worker(file), pending: new Map(), next: 0 };
  worker = w;
  w.thread.on('message', ({ id, ...outcome }: MjmlReply) => {
    const p = w.pending.get(id);
    if (!p) return;
    settle(w, id);
    p.resolve(outcome);
  });
  // A worker that cannot run, or stops, hands its renders back to this thread.
  const fallBack = () => {
    if (worker === w) worker = null;
    for (const [id, p] of w.pending) {
      settle(w, id);
      compileHere(p.mjml, p.options).then(p.resolve, p.reject);
    }
  };
  w.thread.on('error', fallBack);
  w.thread.on('exit', fallBack);
  // Idle, the worker does not keep the process alive; a render waiting on it does (see compileMjml). After the
  // listeners: adding a 'message' listener refs the worker's port again.
  w.thread.unref();
}

/**
 * Stops the worker and frees what MJML holds in it (serve renders its confirmation message once, at its start, then
 * runs for days). A render still waiting on it is made in this thread instead; later ones too.
 */
export async function stopMjmlWorker(): Promise<void> {
  const w = worker;
  if (!w) return;
  worker = null;
  await w.thread.terminate();
}

function settle(w: Running, id: number): void {
  w.pending.delete(id);
  if (w.pending.size === 0) w.thread.unref();
}

/** What MJML makes of `mjml`, or what it threw; rejects only when MJML cannot be loaded. */
export function compileMjml(mjml: string, options: MjmlOptions): Promise<MjmlOutcome> {
  const w = worker;
  if (!w) return compileHere(mjml, options);
  return new Promise((resolve, reject) => {
    const id = w.next++;
    w.pending.set(id, { mjml, options, resolve, reject });
    w.thread.ref();
    w.thread.postMessage({ id, mjml, options });
  });
}

async function compileHere(mjml: string, options: MjmlOptions): Promise<MjmlOutcome> {
  const mjml2html = (await import('mjml')).default as unknown as Mjml2Html;
  return runMjml(mjml2html, mjml, options);
}

/** MJML called as enews calls it, in either thread; what it says as plain values that pass between threads. */
export async function runMjml(mjml2html: Mjml2Html, mjml: string, options: MjmlOptions): Promise<MjmlOutcome> {
  try {
    const { html, errors } = await mjml2html(mjml, options);
    return { result: { html, errors: plain(errors) } };
  } catch (err) {
    const errors = (err as { errors?: MjmlError[] }).errors;
    return {
      thrown: { message: (err as Error)?.message ?? String(err), ...(errors ? { errors: plain(errors) } : {}) },
    };
  }
}

/** What enews reads of MJML's errors (render-issue.ts). */
function plain(errors: readonly MjmlError[]): MjmlError[] {
  return errors.map(({ line, message, tagName }) => ({ line, message, tagName }));
}
