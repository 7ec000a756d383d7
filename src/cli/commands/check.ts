/**
 * `enews check`: validate an issue's content and templates, check the built
 * email (accessibility, contrast, dark mode, client support) and print the
 * findings; writes nothing. --axe, --spam and --links add the checks that
 * need Chromium, SpamAssassin or the network. Errors make it exit 1.
 */
import type { Command } from 'commander';
import { ExitCode, formatLocation, type Warning } from '../../errors.js';
import { languagePrefix, mergeFindings } from '../../build/findings.js';
import { languageName } from '../../content/languages.js';
import type { PreparedIssue, PreparedLanguage } from '../../build/prepare-issue.js';
import type { LinkResult } from '../../checks/links.js';
import type { CliContext } from '../context.js';
import { formatWarning } from '../output.js';
import { kb, plural } from '../words.js';

export interface ExtraCheckFlags {
  axe?: boolean;
  spam?: boolean;
  links?: boolean;
  browser?: string;
  /** Shared by the languages of one check (set by runExtraChecks). */
  linkCache?: Map<string, Promise<LinkResult>>;
}

export function registerCheck(program: Command, ctx: CliContext, setExit: (code: number) => void): void {
  const command = program
    .command('check')
    .description('validate content and templates of issue N, check the email and print findings; writes nothing')
    .argument('<number>', 'issue number');
  extraCheckOptions(command).action(async (number: string, flags: ExtraCheckFlags) =>
    setExit(await check(ctx, number, flags)),
  );
}

/** The options check and build share. */
export function extraCheckOptions(command: Command): Command {
  return command
    .option('--axe', 'also run axe-core in Chromium at 375 and 700 px, light and dark; fail on serious violations')
    .option('--spam', 'also score the sample message with SpamAssassin (local rules only)')
    .option('--links', 'also request every link and image once and report broken ones (needs the network)')
    .option(
      '--browser <PATH>',
      'Chrome/Chromium executable for --axe and --screenshots (default: $CHROMIUM_PATH, else the usual places)',
    );
}

async function check(ctx: CliContext, numberArg: string, flags: ExtraCheckFlags): Promise<number> {
  const [{ parseIssueNumber }, { prepareIssue }] = await Promise.all([
    import('../../content/issue-number.js'),
    import('../../build/prepare-issue.js'),
  ]);
  await preflight(ctx, flags);
  const prepared = await prepareIssue(ctx.root, parseIssueNumber(numberArg));
  const extra = await runExtraChecks(ctx, prepared, flags);
  const findings = [...prepared.warnings, ...extra];
  printFindings(ctx, findings);
  const errors = findings.filter((w) => w.severity === 'error').length;
  const size = kb(Buffer.byteLength(prepared.sample.html, 'utf8'));
  const counts =
    `${plural(prepared.items.length, 'item')}, HTML ${size}, ` +
    `${plural(findings.length - errors, 'warning')}${errors ? `, ${plural(errors, 'error')}` : ''}`;
  ctx.output.out(
    errors
      ? `Issue ${prepared.number} has problems to fix before it is sent: "${prepared.rendered.subject}", ${counts}.`
      : `Issue ${prepared.number} is valid: "${prepared.rendered.subject}", ${counts}.`,
  );
  printLanguages(ctx, prepared);
  printSupport(ctx, prepared);
  return errors ? ExitCode.badInput : ExitCode.ok;
}

/** Fail before the work when a tool a flag needs is missing, with the same words as --screenshots. */
export async function preflight(ctx: CliContext, flags: ExtraCheckFlags): Promise<void> {
  if (flags.axe) {
    const { findBrowser } = await import('../../browser/find-browser.js');
    findBrowser(flags.browser ?? ctx.env.CHROMIUM_PATH, '--axe');
  }
  if (flags.spam) {
    const { findSpamAssassin } = await import('../../checks/spam.js');
    findSpamAssassin(ctx.env.SPAMASSASSIN_PATH);
  }
}

/**
 * --axe, --spam, --links: their findings, after printing what each found, for each language's
 * email; with several languages each line names its language and the findings are merged.
 */
export async function runExtraChecks(
  ctx: CliContext,
  prepared: PreparedIssue,
  flags: ExtraCheckFlags,
): Promise<Warning[]> {
  if (!flags.spam && !flags.links && !flags.axe) return [];
  const several = prepared.languages.length > 1;
  const perLanguage: Array<{ language: string; findings: Warning[] }> = [];
  // Each address is requested once for every language (checks/links.ts).
  const linkCache = new Map<string, Promise<LinkResult>>();
  for (const l of prepared.languages) {
    const say = (line: string) => ctx.output.out(several ? `[${l.language}] ${line}` : line);
    perLanguage.push({ language: l.language, findings: await extraChecksOf(ctx, l, { ...flags, linkCache }, say) });
  }
  return mergeFindings(perLanguage);
}

async function extraChecksOf(
  ctx: CliContext,
  prepared: PreparedLanguage,
  flags: ExtraCheckFlags,
  say: (line: string) => void,
): Promise<Warning[]> {
  const out: Warning[] = [];
  if (flags.spam) {
    const { findSpamAssassin, spamScore } = await import('../../checks/spam.js');
    const r = await spamScore(prepared.sample.eml, findSpamAssassin(ctx.env.SPAMASSASSIN_PATH));
    const hit = r.rules.filter((x) => x.score !== 0);
    say(
      `Spam score (SpamAssassin ${r.version}, local rules, no credit for trusted relays): ` +
        `${r.score.toFixed(1)} of ${r.required.toFixed(1)}` +
        `${hit.length ? `; rules that scored:` : '; no rule scored'}`,
    );
    for (const x of hit) say(`  ${x.score.toFixed(1).padStart(5)} ${x.name}: ${x.description}`);
    if (r.score >= 1) {
      out.push({
        code: 'spam-score',
        ...(r.score >= r.required ? { severity: 'error' as const } : {}),
        message:
          `SpamAssassin scores the message ${r.score.toFixed(1)} (${hit.map((x) => x.name).join(', ')}); ` +
          `keep it below 1.0: see the rules above`,
      });
    }
  }
  if (flags.links) {
    const { checkLinks, linkFindings } = await import('../../checks/links.js');
    const results = await checkLinks(prepared.checks.links, { cache: flags.linkCache });
    const broken = linkFindings(results);
    const moved = results.filter((r) => r.redirects.length > 0);
    say(
      `Links: ${plural(results.length, 'address', 'addresses')} requested, ${broken.length} broken, ` +
        `${moved.length} redirected${moved.length ? ':' : ''}`,
    );
    for (const r of moved) {
      const where = r.location ? `${ctx.display(formatLocation(r.location))}: ` : '';
      say(`  ${where}${r.url} → ${r.redirects.join(' → ')}`);
    }
    out.push(...broken);
  }
  if (flags.axe) {
    const { checkAxe } = await import('../../checks/axe.js');
    const { runs, findings } = await checkAxe(prepared.checks.marked, {
      executablePath: flags.browser ?? ctx.env.CHROMIUM_PATH,
    });
    const serious = findings.filter((f) => f.severity === 'error').length;
    const where = runs.map((r) => `${r.width} px ${r.scheme}`).join(', ');
    say(`axe-core (${where}): ${plural(serious, 'serious or critical violation')}.`);
    out.push(...findings);
  }
  return out;
}

/** Each finding on its line; one that is about some of the languages only starts with them: [fr]. */
export function printFindings(ctx: CliContext, findings: Warning[]): void {
  for (const w of findings) {
    if (w.severity === 'error') {
      const where = w.location ? `${ctx.display(formatLocation(w.location))}: ` : '';
      ctx.output.err(`error: ${languagePrefix(w)}${where}${w.message}`);
    } else {
      ctx.output.err(
        w.language ? formatWarning(w).replace(/^warning: /, `warning: ${languagePrefix(w)}`) : formatWarning(w),
      );
    }
  }
}

/** With several languages: each other one's subject and size (the verdict above is the default's). */
export function printLanguages(ctx: CliContext, prepared: PreparedIssue): void {
  for (const l of prepared.languages.slice(1)) {
    const size = kb(Buffer.byteLength(l.sample.html, 'utf8'));
    const rtl = l.dir === 'rtl' ? ', right to left' : '';
    ctx.output.out(`${languageName(l.language)} (${l.language}): "${l.rendered.subject}", HTML ${size}${rtl}.`);
  }
}

/** The features some of the newsletter's mail clients ignore: for the reviewer to know, not to fix. */
export function printSupport(ctx: CliContext, prepared: PreparedIssue, brief = false): void {
  const { findings, clients } = prepared.checks.support;
  if (findings.length === 0) {
    ctx.output.out(`Client support: every feature the templates use works in all ${clients.length} checked clients.`);
    return;
  }
  ctx.output.out(
    `Client support (caniemail data, ${clients.length} clients): ` +
      `${plural(findings.length, 'feature')} the templates use ${findings.length === 1 ? 'is' : 'are'} ignored by some` +
      (brief ? `; enews check ${prepared.number} lists them.` : ':'),
  );
  if (brief) return;
  for (const f of findings) {
    const where = f.location ? `${ctx.display(formatLocation(f.location))}: ` : '';
    ctx.output.out(`  ${where}${f.message}`);
  }
}
