/**
 * `enews subscriber show ADDRESS` (everything held about one person, as JSON) and `enews subscriber forget
 * ADDRESS` (erase it from the list state, keeping a keyed hash so it is never mailed again): how a team answers
 * an access or an erasure request.
 */
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { EnewsError, ExitCode } from '../../errors.js';
import type { CliContext } from '../context.js';
import { usage } from '../parse.js';
import { openState } from '../state.js';
import { plural } from '../words.js';

interface Flags {
  subscribers?: string[];
  events?: string;
  yes?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerSubscriber(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const sub = program
    .command('subscriber')
    .description('one person: everything held about them (show), or erase them (forget)');
  sub
    .command('show')
    .description('everything the list state and subscriber files hold about ADDRESS, as JSON')
    .argument('<ADDRESS>', 'the email address')
    .option('--subscribers <FILE>', "a subscriber file to look in too (repeatable; the sends' files are read)", collect)
    .option('--events <FILE>', 'subscriber events file (default: journal/events.jsonl)')
    .action(async (address: string, flags: Flags) => setExit(await show(ctx, address, flags)));
  sub
    .command('forget')
    .description('erase ADDRESS from the list state, keeping only a keyed hash so it is never mailed again')
    .argument('<ADDRESS>', 'the email address')
    .option(
      '--subscribers <FILE>',
      "a subscriber file to name its rows of (repeatable; the sends' files are read)",
      collect,
    )
    .option('--events <FILE>', 'subscriber events file (default: journal/events.jsonl)')
    .option('--yes', 'do not ask; required when stdin is not a terminal')
    .action(async (address: string, flags: Flags) => setExit(await forget(ctx, address, flags)));
}

async function target(ctx: CliContext, address: string, o: Flags) {
  const [{ checkEmailAddress, addressKey }, { hashKeys }] = await Promise.all([
    import('../../util/email-address.js'),
    import('../../config/unsubscribe-secret.js'),
  ]);
  const check = checkEmailAddress(address);
  if (!check.ok) throw usage(`"${address}" is not an email address enews could have mailed: it ${check.reason}.`);
  return {
    root: ctx.root,
    address: check.address,
    key: addressKey(check.address),
    secrets: hashKeys(ctx.env),
    subscribers: (o.subscribers ?? []).map((f) => path.resolve(ctx.cwd, f)),
  };
}

async function show(ctx: CliContext, address: string, o: Flags): Promise<number> {
  const { subjectAccess } = await import('../../subject/access.js');
  const request = await target(ctx, address, o);
  const state = await openState(ctx, o.events ? path.resolve(ctx.cwd, o.events) : null);
  try {
    const record = await subjectAccess(request, state);
    ctx.output.data(JSON.stringify({ ...record, filesRead: record.filesRead.map(ctx.display) }, null, 2));
    return ExitCode.ok;
  } finally {
    await state.close();
  }
}

async function forget(ctx: CliContext, address: string, o: Flags): Promise<number> {
  const { forgetAddress } = await import('../../subject/forget.js');
  const request = await target(ctx, address, o);
  if (!(await confirmed(request.address, Boolean(o.yes)))) {
    ctx.output.err('Nothing was erased.');
    return ExitCode.ok;
  }
  const state = await openState(ctx, o.events ? path.resolve(ctx.cwd, o.events) : null);
  let r: import('../../subject/forget.js').ForgetResult;
  try {
    r = await forgetAddress({ ...request, at: new Date().toISOString() }, state);
  } finally {
    await state.close();
  }
  const where = r.backend === 'files' ? 'the files under journal/' : 'the database';
  ctx.output.out(`Forgot ${request.address}: in ${where} it is now ${r.hash}.`);
  ctx.output.out(
    `  suppressed      ${r.suppressed ? 'now' : 'already (an earlier forget)'}: no send mails it again, ` +
      'whatever a subscriber file says',
  );
  ctx.output.out(`  events          ${plural(r.events, 'event')} rewritten (names and IP hashes dropped)`);
  for (const j of r.journals) ctx.output.out(`  journal         ${j.name}: ${plural(j.records, 'record')} rewritten`);
  if (r.journals.length === 0) ctx.output.out('  journals        none named it');
  for (const s of r.spools) ctx.output.out(`  spool           ${s} (left by a send that was killed) removed`);
  ctx.output.out('What enews could not erase:');
  for (const row of r.rows)
    ctx.output.out(`  ${ctx.display(row.file)}:${row.line}: its row in your subscriber file: delete the line yourself`);
  ctx.output.out(
    '  backups of ' +
      (r.backend === 'files' ? 'journal/' : 'the database') +
      ' made before now, and copies of them: restore none without running this forget again',
  );
  if (r.backend === 'postgres') {
    ctx.output.out('  recipient spools of sends killed on other machines (their journal/ folders)');
    // PostgreSQL keeps a rewritten row's old version in the table's files until a vacuum, and in its WAL.
    ctx.output.out(
      '  the old versions of the rewritten rows, in the database files until PostgreSQL vacuums them ' +
        '(VACUUM FULL enews_events, enews_journal_records: at once), and in its WAL archives',
    );
  }
  ctx.output.out(
    "  what left enews: messages in mailboxes and mail servers' logs, returned mail in the bounce mailbox, " +
      'dry-run folders, events exported with enews events, reports written with --with-addresses',
  );
  if (r.rows.length === 0) ctx.output.out('  (no subscriber file enews read names it)');
  return ExitCode.ok;
}

async function confirmed(address: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY)
    throw new EnewsError(
      'needs-confirmation',
      `Forgetting ${address} cannot be undone, and there is nobody to ask (stdin is not a terminal).`,
      { exitCode: ExitCode.usage, problems: [{ message: 'Add --yes to forget from a script.' }] },
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`Forget ${address}? It cannot be undone. [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
