/**
 * `enews inbox`: reads the mailbox where returned mail arrives (an mbox
 * file, a Maildir, or an IMAP folder) and records bounces, complaints and
 * unsubscribe requests as subscriber events. The core is imported when the
 * command runs.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { ExitCode } from '../../errors.js';
import type { InboxResult, Unmatched } from '../../inbox/run.js';
import type { CliContext } from '../context.js';
import { jsonChunks } from '../json-chunks.js';
import { stdoutDrained } from '../output.js';
import { openState } from '../state.js';
import { usage } from '../parse.js';
import { weakOldWarning } from '../secret-words.js';
import { count, plural } from '../words.js';
import { removingHeldOnSignal } from '../signals.js';

interface InboxFlags {
  imap?: string;
  mbox?: string;
  maildir?: string;
  dryRun?: boolean;
  events?: string;
  journal?: string[];
  insecureTls?: boolean;
  json?: boolean;
}

export function registerInbox(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  program
    .command('inbox')
    .description('read returned mail (bounces, complaints, unsubscribe requests) and record subscriber events')
    .option('--imap <URL>', 'IMAP folder: imaps://USER:PASSWORD@HOST:993/INBOX (default: $IMAP_URL)')
    .option('--mbox <FILE>', 'an mbox file (e.g. /var/mail/bounces)')
    .option('--maildir <DIR>', 'a Maildir folder (with cur/ and new/)')
    .option('--dry-run', 'print what would be recorded; record nothing, mark nothing')
    .option('--events <FILE>', 'the subscriber events file (default: journal/events.jsonl)')
    .option('--journal <FILE>', 'also look up sends in this journal (repeatable; journal/*.jsonl always)', collect)
    .option('--insecure-tls', 'accept any TLS certificate from the IMAP server (only for a server you trust)')
    .option('--json', 'print the result as JSON on stdout')
    .action(async (flags: InboxFlags) => setExit(await inbox(ctx, flags)));
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

async function inbox(ctx: CliContext, o: InboxFlags): Promise<number> {
  const given = [o.imap && '--imap', o.mbox && '--mbox', o.maildir && '--maildir'].filter(Boolean);
  if (given.length > 1) throw usage(`Give one mailbox at a time (got ${given.join(' and ')}).`);
  const imapUrl = o.imap ?? (given.length === 0 ? ctx.env.IMAP_URL?.trim() : undefined);
  if (given.length === 0 && !imapUrl)
    throw usage('Say where returned mail is: --mbox FILE, --maildir DIR or --imap URL (or set IMAP_URL).');
  const [{ runInbox }, { mboxSource }, { maildirSource }, imap, keys] = await Promise.all([
    import('../../inbox/run.js'),
    import('../../inbox/mbox.js'),
    import('../../inbox/maildir.js'),
    import('../../inbox/imap.js'),
    import('../../config/unsubscribe-secret.js'),
  ]);
  // A weak UNSUBSCRIBE_SECRET is refused before the mailbox is opened.
  const secrets = keys.unsubscribeSecrets(ctx.env);
  for (const line of weakOldWarning(secrets.weakOld)) ctx.output.err(line);
  const resolve = (p: string) => path.resolve(ctx.cwd, p);
  // The list state first: a database that cannot be reached stops the run before any mailbox is opened.
  const state = await openState(ctx, o.events ? resolve(o.events) : null);
  try {
    const reading = keys.readingKeys(secrets);
    // Ctrl-C mid-run: the run's spooled results are removed before the process dies.
    return await removingHeldOnSignal(() =>
      readInbox(ctx, o, imapUrl, state, reading, runInbox, mboxSource, maildirSource, imap),
    );
  } finally {
    await state.close();
  }
}

async function readInbox(
  ctx: CliContext,
  o: InboxFlags,
  imapUrl: string | undefined,
  state: import('../../state/open.js').ListState,
  secrets: ReturnType<typeof import('../../config/unsubscribe-secret.js').readingKeys>,
  runInbox: typeof import('../../inbox/run.js').runInbox,
  mboxSource: typeof import('../../inbox/mbox.js').mboxSource,
  maildirSource: typeof import('../../inbox/maildir.js').maildirSource,
  imap: typeof import('../../inbox/imap.js'),
): Promise<number> {
  const resolve = (p: string) => path.resolve(ctx.cwd, p);
  // A password given with --imap is not in the environment, so the CLI's redactor does not know it yet.
  let password = '';
  let source: import('../../inbox/message.js').MailSource;
  if (o.mbox) source = mboxSource(resolve(o.mbox), ctx.display(resolve(o.mbox)));
  else if (o.maildir) source = maildirSource(resolve(o.maildir), ctx.display(resolve(o.maildir)));
  else {
    const from = o.imap ? '--imap' : 'IMAP_URL';
    const target = imap.parseImapUrl(imapUrl!, from);
    password = target.pass;
    source = await withRedaction(password, () =>
      imap.imapSource(target, { insecureTls: Boolean(o.insecureTls), from }),
    );
  }
  let result: InboxResult;
  try {
    result = await withRedaction(password, () =>
      runInbox({
        root: ctx.root,
        source,
        state,
        journals: (o.journal ?? []).map(resolve),
        dryRun: Boolean(o.dryRun),
        secrets,
      }),
    );
  } finally {
    await source.close();
  }
  try {
    const blot = (s: string) => (password ? s.split(password).join('***') : s);
    if (o.json)
      for await (const chunk of jsonChunks(result, ['unmatched', 'unproved', 'matched', 'events'])) {
        ctx.output.data(blot(chunk));
        await stdoutDrained();
      }
    else for (const line of await report(result, ctx)) ctx.output.out(blot(line));
    for (const line of warnings(result)) ctx.output.err(blot(line));
    return ExitCode.ok;
  } finally {
    result.close();
  }
}

/** Runs `f`; an error it throws loses every trace of `password` on the way out. */
async function withRedaction<T>(password: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (password && err instanceof Error && err.message.includes(password))
      err.message = err.message.split(password).join('***');
    throw err;
  }
}

const IGNORED: Record<string, [string, string]> = {
  'auto-reply': ['auto-reply', 'auto-replies'],
  'challenge-response': ['challenge-response', 'challenge-responses'],
  reply: ['reply or other mail', 'replies or other mail'],
  delivered: ['delivery confirmation', 'delivery confirmations'],
  delayed: ['delay notice (still being tried)', 'delay notices (still being tried)'],
  'other-feedback': ['feedback report that is no complaint', 'feedback reports that are no complaint'],
  'other-report': ['other report (read receipt…)', 'other reports (read receipts…)'],
};

async function report(r: InboxResult, ctx: CliContext): Promise<string[]> {
  const out: string[] = [];
  const line = (label: string, n: number, note = '') =>
    out.push(`  ${label.padEnd(18)}${count(n).padStart(8)}${note ? `   ${note}` : ''}`);
  out.push(`Read ${plural(r.messages, 'message')} from ${r.source}:`);
  line('bounced', r.outcomes.bounced);
  line('soft-bounced', r.outcomes['soft-bounced']);
  line('complained', r.outcomes.complained);
  line('unsubscribed', r.outcomes.unsubscribed);
  const why = Object.entries(r.ignoredBy).map(([k, n]) => `${count(n)} ${IGNORED[k]![n === 1 ? 0 : 1]}`);
  line('ignored', r.ignored, why.join(', '));
  line('unproved', r.unproved.count, r.unproved.count ? 'they do not prove whom they are about: nothing recorded' : '');
  line('unreadable', r.unmatched.count);
  line('already processed', r.alreadyProcessed);
  const file = ctx.display(r.eventsFile);
  const extra = [
    r.alreadyRecorded ? `${count(r.alreadyRecorded)} already there` : '',
    r.fromSoftBounces ? `${plural(r.fromSoftBounces, 'bounce')} from soft bounces in 3 issues` : '',
  ].filter(Boolean);
  const note = extra.length ? ` (${extra.join('; ')})` : '';
  if (r.dryRun)
    out.push(`Dry run: would record ${plural(r.events.count, 'event')} in ${file}${note}; nothing was recorded.`);
  else out.push(`Recorded ${plural(r.events.count, 'event')} in ${file}${note}.`);
  const shown = r.events.first.slice(0, 100);
  for (const e of shown)
    out.push(
      `  ${e.type.padEnd(13)} ${e.email}${e.issue ? ` (issue ${e.issue})` : ''}${e.detail ? ` — ${e.detail}` : ''}`,
    );
  if (r.events.count > shown.length)
    out.push(`  … and ${count(r.events.count - shown.length)} more (--json lists all)`);
  if (r.unproved.count) {
    out.push('Unproved (listed once, never applied: look at them, and record by hand what a person can confirm):');
    for (const u of r.unproved.first.slice(0, 100)) {
      const id = u.messageId ? ` ${u.messageId}` : '';
      const names = u.names.length ? `, naming ${u.names.join(', ')}` : '';
      out.push(`  - ${u.message}${id} "${u.subject}": claims ${u.type}${names}`);
    }
    if (r.unproved.count > 100) out.push(`  … and ${count(r.unproved.count - 100)} more (--json lists all)`);
  }
  if (r.unmatched.count) {
    out.push('Unreadable (listed once; look at them in the mailbox):');
    for await (const u of r.unmatched.all()) {
      const id = u.messageId ? ` ${u.messageId}` : '';
      out.push(`  - ${u.message}${id} "${u.subject}": ${unmatchedWhy(u)}`);
    }
  }
  return out;
}

function unmatchedWhy(u: Unmatched): string {
  switch (u.why) {
    case 'too-large':
      return `${(Number(u.detail) / 1048576).toFixed(1)} MB, larger than returned mail ever is (10 MB): not read`;
    case 'unreadable':
      return `cannot be read as a mail message (${u.detail})`;
    case 'no-delivery-status':
      return 'a delivery report without its delivery-status part: it does not say whether the failure is permanent';
    case 'no-recipient-fields':
      return 'a delivery report without per-recipient fields (cut short?)';
    case 'no-status':
      return 'a delivery report without a Status the failure can be read from';
    case 'no-feedback-report':
      return 'a complaint report without its feedback-report part';
    case 'nonstandard-bounce':
      return 'looks like returned mail, but is not a standard delivery report (RFC 3464)';
    case 'token-other-list':
      return `an unsubscribe request for another list (${u.detail})`;
  }
}

function warnings(r: InboxResult): string[] {
  const out = r.notices.map((n) => `note: ${n}`);
  if (!r.secret && r.unproved.count > 0)
    out.push(
      `warning: UNSUBSCRIBE_SECRET is not set, so tokens and VERP ids cannot be checked: ` +
        `${plural(r.unproved.count, 'return')} stayed unproved. Set it as for enews send.`,
    );
  if (r.journals.length === 0 && r.unproved.count > 0)
    out.push('note: no send journal was found (journal/*.jsonl) to look up the Message-IDs returns quote.');
  return out;
}
