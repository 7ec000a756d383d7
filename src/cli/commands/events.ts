/** `enews events`: the subscriber events, filtered, as a table, CSV, a JSON array or JSON lines (for a CRM). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { openState } from '../state.js';
import { usage } from '../parse.js';
import { count } from '../words.js';

interface EventsFlags {
  since?: string;
  type?: string[];
  issue?: string;
  csv?: boolean;
  json?: boolean;
  jsonl?: boolean;
  events?: string;
}

export function registerEvents(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('events')
    .description('export the subscriber events (unsubscribes, bounces, complaints): a table, CSV or JSON')
    .option('--since <DATE>', 'only events from this day (YYYY-MM-DD, UTC) or time (ISO 8601, UTC unless a zone)')
    .option(
      '--type <TYPE>',
      'only events of this type: unsubscribed, bounced, soft-bounced or complained (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--issue <N>', 'only events that name issue N')
    .option('--csv', 'CSV with the header at,type,email,source,issue,detail')
    .option('--json', 'a JSON array')
    .option('--jsonl', 'JSON lines: one event per line')
    .option('--events <FILE>', 'the events file (default: journal/events.jsonl)')
    .action(async (flags: EventsFlags) => setExit(await events(ctx, flags)));
}

async function events(ctx: CliContext, flags: EventsFlags): Promise<number> {
  const o = { ...flags, type: flags.type ?? [] };
  const [{ parseIssueNumber }, { ALL_EVENT_TYPES }, ex] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../events/events.js'),
    import('../../events/export.js'),
  ]);
  const formats = (['csv', 'json', 'jsonl'] as const).filter((f) => o[f]);
  if (formats.length > 1) throw usage(`Choose one output format: ${formats.map((f) => `--${f}`).join(' or ')}.`);
  const known = new Set<string>(ALL_EVENT_TYPES);
  const unknown = o.type.filter((t) => !known.has(t));
  if (unknown.length) {
    throw usage(
      `Unknown event type ${unknown.map((t) => `"${t}"`).join(', ')} in --type: ` +
        `use one of ${ALL_EVENT_TYPES.join(', ')}.`,
    );
  }
  const since = o.since === undefined ? null : ex.parseSince(o.since);
  if (since === null && o.since !== undefined) {
    throw usage(
      `--since "${o.since}" is not a date: give YYYY-MM-DD (a day, from midnight UTC) ` +
        'or an ISO time such as 2026-05-30T09:00Z.',
    );
  }
  const filter = {
    since,
    types: o.type.length ? new Set(o.type as Array<(typeof ALL_EVENT_TYPES)[number]>) : null,
    issue: o.issue === undefined ? null : parseIssueNumber(o.issue),
  };
  const state = await eventsToExport(ctx, o.events);
  try {
    return await exportFrom(ctx, state.events, formats[0], filter, ex);
  } finally {
    await state.close();
  }
}

/**
 * The events to export: the project's list state (files, or the database), an events file given with --events;
 * the one command that also works outside a project, where an events file is exported as it is (no list to
 * check it against).
 */
async function eventsToExport(ctx: CliContext, given: string | undefined) {
  const [{ defaultEventsPath }, { EventsFile }] = await Promise.all([
    import('../../events/events.js'),
    import('../../events/events-file.js'),
  ]);
  const file = given ? path.resolve(ctx.cwd, given) : null;
  if (file && !existsSync(file))
    // A mistyped --events must not hand a CRM an empty export as if nothing had happened.
    throw new EnewsError('no-events-file', `No events file at ${file}.`);
  if (ctx.inProject) {
    const state = await openState(ctx, file);
    const where = state.kind === 'files' ? state.events.where : null;
    if (where && !existsSync(where))
      ctx.output.err(`note: no events recorded yet (${ctx.display(where)} does not exist).`);
    return state;
  }
  const outside = file ?? defaultEventsPath(ctx.cwd);
  if (!existsSync(outside)) ctx.output.err(`note: no events recorded yet (${ctx.display(outside)} does not exist).`);
  return { events: new EventsFile(outside, null), close: async () => {} };
}

async function exportFrom(
  ctx: CliContext,
  store: import('../../events/store.js').EventStore,
  format: 'csv' | 'json' | 'jsonl' | undefined,
  filter: import('../../events/export.js').EventFilter,
  ex: typeof import('../../events/export.js'),
): Promise<number> {
  if (format) {
    await ex.exportEvents(store, filter, format, ctx.output.data);
    return ExitCode.ok;
  }
  const out = ex.chunker(ctx.output.out);
  let n = 0;
  out.push(tableRow('at', 'type', 'issue', 'source', 'email', 'detail'));
  await ex.eachEvent(store, filter, (e) => {
    n++;
    out.push(tableRow(e.at, e.type, e.issue === undefined ? '' : String(e.issue), e.source, e.email, e.detail ?? ''));
  });
  out.flush();
  ctx.output.out(n === 0 ? 'No events match.' : `${count(n)} ${n === 1 ? 'event' : 'events'}`);
  return ExitCode.ok;
}

// Fixed widths: the table streams, so it cannot measure its columns first. Addresses and details run on.
function tableRow(at: string, type: string, issue: string, source: string, email: string, detail: string): string {
  const line = `${at.padEnd(24)}  ${type.padEnd(12)}  ${issue.padStart(5)}  ${source.padEnd(9)}  ${email}`;
  return detail ? `${line.padEnd(90)}  ${oneLine(detail)}` : line;
}

/** A detail with line breaks would break the table. */
function oneLine(s: string): string {
  return s.replace(/[\r\n\t]+/g, ' ');
}
