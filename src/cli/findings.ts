/**
 * What `check` and `build` share: the options that add the checks needing a
 * tool or the network, and how findings and measures are printed.
 */
import type { Command } from 'commander';
import type { PreparedIssue } from '../build/prepare-issue.js';
import type { ExtraCheckRequest, ExtraMeasure } from '../checks/extra.js';
import { languagePrefix } from '../checks/findings.js';
import { languageName } from '../content/languages.js';
import { PACKAGE_TEMPLATE_PREFIX } from '../project/package.js';
import { formatLocation, type Warning } from '../errors.js';
import type { BrowserSession } from '../browser/session.js';
import type { CliContext } from './context.js';
import { formatWarning } from './output.js';
import { kb, plural } from './words.js';

export interface ExtraCheckFlags {
  axe?: boolean;
  spam?: boolean;
  links?: boolean;
  browser?: string;
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

/** Fails before the work when a tool a flag needs is missing, with the same words as --screenshots. */
export async function requireTools(ctx: CliContext, flags: ExtraCheckFlags): Promise<void> {
  if (!flags.axe && !flags.spam) return;
  const { requireExtraTools } = await import('../checks/extra.js');
  requireExtraTools(extraCheckRequest(ctx, flags));
}

/**
 * --axe: the command's Chromium (`session`, else a new one) starts and loads axe now, while the caller prepares
 * the issue, which runs on the other core. Returns the session to pass to extraChecks and close; without --axe,
 * `session` as given.
 */
export async function startBrowserChecks(
  ctx: CliContext,
  flags: ExtraCheckFlags,
  session?: BrowserSession,
): Promise<BrowserSession | undefined> {
  if (!flags.axe) return session;
  const [{ browserSession }, { startAxe }] = await Promise.all([
    import('../browser/session.js'),
    import('../checks/axe.js'),
  ]);
  const s = session ?? browserSession(flags.browser ?? ctx.env.CHROMIUM_PATH, '--axe');
  await startAxe(s);
  return s;
}

/** The flags as the core takes them, with the tools the environment names. */
function extraCheckRequest(ctx: CliContext, flags: ExtraCheckFlags, session?: BrowserSession): ExtraCheckRequest {
  return {
    ...(session ? { session } : {}),
    spam: flags.spam,
    links: flags.links,
    axe: flags.axe,
    browser: flags.browser ?? ctx.env.CHROMIUM_PATH,
    spamassassin: ctx.env.SPAMASSASSIN_PATH,
  };
}

/**
 * --axe, --spam, --links on each language's email: what each measured is printed as it comes
 * (with several languages each line names its language); their findings are returned.
 */
export async function extraChecks(
  ctx: CliContext,
  prepared: PreparedIssue,
  flags: ExtraCheckFlags,
  /** The command's Chromium, when it has one for more than --axe (build --screenshots). */
  session?: BrowserSession,
): Promise<Warning[]> {
  if (!flags.spam && !flags.links && !flags.axe) return [];
  const { runExtraChecks } = await import('../checks/extra.js');
  const several = prepared.languages.length > 1;
  const { findings } = await runExtraChecks(prepared.languages, extraCheckRequest(ctx, flags, session), (m) => {
    for (const line of measureLines(ctx, m)) ctx.output.out(several ? `[${m.language}] ${line}` : line);
  });
  return findings;
}

function measureLines(ctx: CliContext, m: ExtraMeasure): string[] {
  switch (m.check) {
    case 'spam':
      return [
        `Spam score (SpamAssassin ${m.result.version}, local rules, no credit for trusted relays): ` +
          `${m.result.score.toFixed(1)} of ${m.result.required.toFixed(1)}` +
          `${m.scored.length ? `; rules that scored:` : '; no rule scored'}`,
        ...m.scored.map((x) => `  ${x.score.toFixed(1).padStart(5)} ${x.name}: ${x.description}`),
      ];
    case 'links':
      return [
        `Links: ${plural(m.results.length, 'address', 'addresses')} requested, ${m.broken} broken, ` +
          `${m.redirected.length} redirected${m.redirected.length ? ':' : ''}`,
        ...m.redirected.map((r) => {
          const where = r.location ? `${ctx.display(formatLocation(r.location))}: ` : '';
          return `  ${where}${r.url} → ${r.redirects.join(' → ')}`;
        }),
      ];
    case 'axe': {
      const where = m.runs.map((r) => `${r.width} px ${r.scheme}`).join(', ');
      return [`axe-core (${where}): ${plural(m.serious, 'serious or critical violation')}.`];
    }
  }
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

/**
 * The features some of the newsletter's mail clients ignore: for the reviewer to know, not to fix.
 * Those newsletter.yaml acknowledges are counted, not listed.
 */
export function printSupport(ctx: CliContext, prepared: PreparedIssue, brief = false): void {
  // Worked out for the default language only: it depends on the templates' markup, not the words.
  const { findings, clients, acknowledged } = prepared.languages[0]!.checks.support;
  const acks = acknowledged.length ? `${acknowledged.length} acknowledged` : '';
  if (findings.length === 0) {
    ctx.output.out(
      acks
        ? `Client support (caniemail data, ${clients.length} clients): every feature some of them ignore is ` +
            `acknowledged in newsletter.yaml (${acks}).`
        : `Client support: every feature the templates use works in all ${clients.length} checked clients.`,
    );
    return;
  }
  ctx.output.out(
    `Client support (caniemail data, ${clients.length} clients): ` +
      `${plural(findings.length, 'feature')} the templates use ${findings.length === 1 ? 'is' : 'are'} ignored by some` +
      (acks ? `, ${acks}` : '') +
      (brief ? `; enews check ${prepared.number} lists them.` : ':'),
  );
  if (brief) return;
  let defaults = false;
  for (const f of findings) {
    const where = f.location ? ctx.display(formatLocation(f.location)) : '';
    defaults ||= where.startsWith(PACKAGE_TEMPLATE_PREFIX);
    ctx.output.out(`  ${where ? `${where}: ` : ''}${f.message}`);
  }
  if (defaults) {
    ctx.output.out(
      `(${PACKAGE_TEMPLATE_PREFIX}… is enews's default template; enews templates eject NAME copies it to change it.)`,
    );
  }
  ctx.output.out(
    'To accept a finding as it is, acknowledge it in newsletter.yaml with why: ' +
      `checks: { acknowledged: [{ feature: "${findings[0]!.feature}", reason: "…" }] }`,
  );
}
