/** `enews report`: who got an issue, from its send journals and the subscriber events. */
import { closeSync, fchmodSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { IssueReport } from '../../report/report.js';
import type { CliContext } from '../context.js';
import { openState } from '../state.js';
import { count, plural, skipReasons } from '../words.js';

interface ReportFlags {
  json?: boolean;
  html?: string;
  journal?: string[];
  events?: string;
  subscribers?: string;
  withAddresses?: boolean;
}

export function registerReport(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('report')
    .description('who got issue N: sent, failed by reply code, not sent yet, bounces, complaints, unsubscribes')
    .argument('<number>', 'issue number')
    .option('--json', 'print the report as JSON')
    .option('--html <FILE>', 'also write the report as one self-contained HTML page')
    .option('--with-addresses', 'list failed, bounced and complained addresses on the HTML page (and in --json)')
    .option(
      '--journal <FILE>',
      'a journal of the send (repeatable; default: journal/NNN.jsonl and every journal/NNN-shard-K-of-N.jsonl)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--events <FILE>', 'subscriber events (default: the file the send used, else journal/events.jsonl)')
    .option('--subscribers <FILE>', 'count "not sent yet" against this file (default: the one the send used)')
    .action(async (number: string, flags: ReportFlags) => setExit(await report(ctx, number, flags)));
}

async function report(ctx: CliContext, numberArg: string, o: ReportFlags): Promise<number> {
  const [{ parseIssueNumber }, { gatherReport }, { hashKeys }] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../report/report.js'),
    import('../../config/unsubscribe-secret.js'),
  ]);
  const number = parseIssueNumber(numberArg);
  const resolve = (p: string) => path.resolve(ctx.cwd, p);
  const events = o.events ? resolve(o.events) : null;
  const state = await openState(ctx, events);
  let r: import('../../report/report.js').IssueReport;
  try {
    r = await gatherReport(
      {
        root: ctx.root,
        number,
        journals: o.journal ? o.journal.map(resolve) : null,
        events,
        subscribers: o.subscribers ? resolve(o.subscribers) : null,
        withAddresses: Boolean(o.withAddresses),
        secrets: hashKeys(ctx.env),
      },
      state,
    );
  } finally {
    await state.close();
  }
  if (o.html) {
    const { reportPage } = await import('../../report/html.js');
    const file = resolve(o.html);
    // Redacted like everything enews prints, though the page holds no server reply that could echo a secret.
    const html = ctx.redact(reportPage(r, { generatedAt: new Date().toISOString() }));
    // A page with addresses is personal data: readable by its owner only, also when it replaces an older page.
    const fd = openSync(file, 'w', 0o600);
    try {
      fchmodSync(fd, o.withAddresses ? 0o600 : 0o644);
      writeFileSync(fd, html);
    } finally {
      closeSync(fd);
    }
    ctx.output.err(`Wrote ${ctx.display(file)}${o.withAddresses ? ' (with addresses: share it with care)' : ''}.`);
  }
  if (o.json) {
    const { addresses, ...counts } = r;
    ctx.output.data(JSON.stringify(o.withAddresses ? r : counts, null, 2));
    return ExitCode.ok;
  }
  await printReport(ctx, r);
  return ExitCode.ok;
}

async function printReport(ctx: CliContext, r: IssueReport): Promise<void> {
  const [{ codeLabel, codeMeaning }, w] = await Promise.all([
    import('../../report/codes.js'),
    import('../../report/words.js'),
  ]);
  const out = ctx.output.out;
  const line = (label: string, n: number | string, note = '', indent = 2) =>
    out(
      `${' '.repeat(indent)}${label.padEnd(26 - indent)}${(typeof n === 'number' ? count(n) : n).padStart(9)}` +
        (note ? `   ${note}` : ''),
    );
  const runs = r.journals.reduce((a, j) => a + j.runs, 0);
  const names = r.journals.map((j) => ctx.display(j.file)).join(', ');
  out(`Issue ${r.issue}${r.subject ? ` (${r.subject})` : ''}: ${plural(runs, 'run')}, journal ${names}`);
  out('Delivery');
  const twice = r.possibleDuplicates ? `; ${count(r.possibleDuplicates)} of them possibly twice` : '';
  line('sent', r.sent, w.ROW_MEANINGS.sent + twice);
  line('failed', r.failed, r.failed ? w.ROW_MEANINGS.failed : 'refused for good by the receiving server');
  for (const f of r.failedByCode) line(codeLabel(f.code), f.count, codeMeaning(f.code), 4);
  if (r.list.known) {
    const l = r.list;
    line('not sent yet', l.notSentYet, w.ROW_MEANINGS.notSentYet);
    if (r.deferred) line('of them deferred', r.deferred, w.ROW_MEANINGS.deferred, 4);
    const skipped = Object.values(l.skipped).reduce((a, b) => a + b, 0);
    const why = skipReasons({ ...l.skipped, 'already-sent': 0, 'already-failed': 0 });
    line('skipped', skipped, w.ROW_MEANINGS.skipped + (why ? `: ${why}` : ''));
    const gone = r.sent + r.failed - l.sent - l.failed;
    if (gone) line('no longer in the list', -gone, w.ROW_MEANINGS.notInList);
    line(
      'rows in the list',
      l.rows,
      `${ctx.display(l.file)}${l.shard ? ` (shard ${l.shard})` : ''}: ${w.ROW_MEANINGS.rows}`,
    );
  } else {
    line('deferred', r.deferred, 'put off at the last run by temporary refusals (4xx, timeouts); the next run retries');
    line('not sent yet', 'unknown', unknownWhy(ctx, r.list));
  }

  out(`After delivery: addresses with events for issue ${r.issue} (rates over the ${count(r.sent)} sent)`);
  for (const t of w.REPORT_EVENT_ORDER) {
    const rate = w.formatPercent(r.events.ratePercent[t]).padStart(8);
    line(t, r.events.attributed[t], `${rate}   ${w.EVENT_MEANINGS[t]}`);
  }
  const unattributed = w.REPORT_EVENT_ORDER.filter((t) => r.events.notAttributed[t] > 0);
  if (unattributed.length) {
    out(`Not attributed (no issue number; addresses that got issue ${r.issue}, since its send began)`);
    for (const t of unattributed) line(t, r.events.notAttributed[t]);
  }

  const s = r.subscriptions;
  if (s.joined || s.preferences || s.resubscribed) {
    out(`Subscriptions: joining with issue ${r.issue}, and changes made from its links`);
    line('signed up', s.joined, 'confirmed since the previous issue went out; this issue was their first');
    line('changed preferences', s.preferences, 'a new name or language, on the preferences page');
    line('came back', s.resubscribed, 'subscribed again after unsubscribing');
  }
  for (const a of r.alerts)
    ctx.output.err(`warning: ${w.alertText(a.type, w.formatPercent(a.ratePercent), w.formatPercent(a.limitPercent))}`);
  if (r.missingShards.length)
    ctx.output.err(
      `note: no journal here for shard ${r.missingShards.join(', ')}; its subscribers count as not sent yet ` +
        '(if another machine sent it, give its journal with --journal).',
    );
  for (const f of r.missingSuppressions)
    ctx.output.err(
      `warning: the suppression list ${f} that the send used is gone; its addresses count as not sent yet.`,
    );
  for (const j of r.journals) {
    if (!j.finished && j.runs > 0)
      ctx.output.err(`note: the last run of ${ctx.display(j.file)} did not finish (killed, or still running).`);
  }
}

function unknownWhy(ctx: CliContext, l: Extract<IssueReport['list'], { known: false }>): string {
  if (l.reason === 'missing')
    return `the subscriber file ${ctx.display(l.files[0]!)} is not there; give --subscribers FILE`;
  if (l.reason === 'several')
    return `the journals name different subscriber files (${l.files.map(ctx.display).join(', ')}); give --subscribers`;
  return 'the journal names no subscriber file; give --subscribers FILE';
}
