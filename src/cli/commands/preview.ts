/** `enews preview`: the local review server, with live reload. */
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { RenderState } from '../../preview/watch.js';
import type { CliContext } from '../context.js';
import { formatWarning } from '../output.js';
import { plural } from '../words.js';

interface PreviewFlags {
  port: string;
  subscribers?: string;
  events?: string;
  open?: boolean;
}

export function registerPreview(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('preview')
    .description('review server on 127.0.0.1: desktop and phone frames, text part, headers; reloads on edits')
    .argument('<number>', 'issue number')
    .option('--port <P>', 'port (default 4280; 0 picks a free one)', '4280')
    .option('--subscribers <FILE>', 'CSV whose rows the subscriber picker offers')
    .option(
      '--events <FILE>',
      'subscriber events: who unsubscribed, bounced or complained (default: journal/events.jsonl)',
    )
    .option('--open', 'open the page in the default browser')
    .action(async (number: string, flags: PreviewFlags) => setExit(await preview(ctx, number, flags)));
}

async function preview(ctx: CliContext, numberArg: string, opts: PreviewFlags): Promise<number> {
  const [
    { contentPaths, listIssueFiles, loadIssue, loadNewsletter },
    { parseIssueNumber },
    { readPickerRows },
    { startPreviewServer },
    { watchIssue },
    { openInBrowser },
  ] = await Promise.all([
    import('../../content/load.js'),
    import('../../content/issue-number.js'),
    import('../../preview/recipients.js'),
    import('../../preview/server.js'),
    import('../../preview/watch.js'),
    import('../../preview/open.js'),
  ]);
  const number = parseIssueNumber(numberArg);
  const port = parsePort(opts.port);
  const paths = contentPaths(ctx.root);
  // A broken issue file is shown in the page while it is fixed, but a missing one is most likely a mistyped number.
  if (!listIssueFiles(paths).some((f) => f.number === number)) loadIssue(paths, number);
  const subscribers = opts.subscribers ? path.resolve(ctx.cwd, opts.subscribers) : null;
  const optOuts = await optOutsForPicker(ctx, opts.events ? path.resolve(ctx.cwd, opts.events) : null, () =>
    loadNewsletter(paths),
  );
  const picker = subscribers ? await readPickerRows(subscribers, ctx.display(subscribers), optOuts) : null;
  const secret = ctx.env.UNSUBSCRIBE_SECRET?.trim() || null;

  const watch = await watchIssue(ctx.root, number, {
    onWatchError: (err) => ctx.output.err(`warning: watching for changes: ${err.message}`),
  });
  let server;
  try {
    server = await startPreviewServer(watch, { number, picker, secret, root: ctx.root }, port);
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
    openInBrowser(url).catch((err: Error) =>
      ctx.output.err(`Could not open a browser: ${err.message}. Open ${url} yourself.`),
    );
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
    throw new EnewsError(
      'usage',
      `--port ${value} is not a port number; use a number from 1024 to 65535, or 0 for any free port.`,
      { exitCode: ExitCode.usage },
    );
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

/**
 * Who the picker marks as opted out, from the list state (files, or the database). While newsletter.yaml has a
 * problem (the page shows it while it is fixed) the list id is unknown: the events file is read unchecked.
 */
async function optOutsForPicker(
  ctx: CliContext,
  eventsFile: string | null,
  load: () => { newsletter: { list_id: string } },
) {
  const [{ readOptOuts }, { defaultEventsPath }, { EventsFile }, { openListState }] = await Promise.all([
    import('../../events/roster.js'),
    import('../../events/events.js'),
    import('../../events/events-file.js'),
    import('../../state/open.js'),
  ]);
  let listId: string;
  try {
    listId = load().newsletter.list_id;
  } catch {
    return readOptOuts(new EventsFile(eventsFile ?? defaultEventsPath(ctx.root), null));
  }
  const state = await openListState({ root: ctx.root, env: ctx.env, listId, eventsFile });
  try {
    return await readOptOuts(state.events);
  } finally {
    await state.close();
  }
}
