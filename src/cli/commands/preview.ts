import path from 'node:path';
import { EnewsError, ExitCode } from '../../errors.js';
import { contentPaths, listIssueFiles, loadIssue, parseIssueNumber } from '../../content/load.js';
import { readPickerRows } from '../../preview/recipients.js';
import { startPreviewServer } from '../../preview/server.js';
import { watchIssue, type RenderState } from '../../preview/watch.js';
import { openInBrowser } from '../../preview/open.js';
import type { CliContext } from '../main.js';
import { formatWarning, plural } from '../output.js';

export interface PreviewOptions {
  port: string;
  subscribers?: string;
  open?: boolean;
}

export async function previewCommand(ctx: CliContext, numberArg: string, opts: PreviewOptions): Promise<number> {
  const number = parseIssueNumber(numberArg);
  const port = parsePort(opts.port);
  const paths = contentPaths(ctx.cwd);
  // A broken issue file is shown in the page while it is fixed, but a missing one is most likely a mistyped number.
  if (!listIssueFiles(paths).some((f) => f.number === number)) loadIssue(paths, number);
  const subscribers = opts.subscribers ? path.resolve(ctx.cwd, opts.subscribers) : null;
  const picker = subscribers ? await readPickerRows(subscribers, ctx.display(subscribers)) : null;
  const secret = ctx.env.UNSUBSCRIBE_SECRET?.trim() || null;

  const watch = await watchIssue(ctx.cwd, number, {
    onWatchError: (err) => ctx.output.err(`warning: watching for changes: ${err.message}`),
  });
  let server;
  try {
    server = await startPreviewServer(watch, { number, picker, secret, root: ctx.cwd }, port);
  } catch (err) {
    watch.close();
    throw err;
  }
  report(ctx, watch.state(), true);
  watch.subscribe((s) => report(ctx, s, false));
  ctx.output.out(`Preview of issue ${number}: ${server.url}`);
  ctx.output.err('Watching issues/ and templates/: the page updates each time you save. Press Ctrl-C to stop.');
  if (opts.open) {
    const url = server.url;
    openInBrowser(url).catch((err: Error) => ctx.output.err(`Could not open a browser: ${err.message}. Open ${url} yourself.`));
  }

  await untilStopped();
  await server.close();
  watch.close();
  ctx.output.err('Preview stopped.');
  return ExitCode.ok;
}

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new EnewsError('usage', `--port ${value} is not a port number; use a number from 1024 to 65535, or 0 for any free port.`, { exitCode: ExitCode.usage });
  }
  return port;
}

function report(ctx: CliContext, s: RenderState, first: boolean): void {
  const time = s.at.toTimeString().slice(0, 8);
  if (s.error) {
    ctx.output.err(`error: ${s.error}`);
    ctx.output.err(`(${time}; the preview keeps running: fix the file and save)`);
    return;
  }
  const warnings = s.prepared?.warnings ?? [];
  if (first) for (const w of warnings) ctx.output.err(formatWarning(w));
  else ctx.output.err(`${time} updated, ${plural(warnings.length, 'warning')}`);
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const stop = () => {
      for (const s of signals) process.off(s, stop);
      resolve();
    };
    for (const s of signals) process.on(s, stop);
  });
}
