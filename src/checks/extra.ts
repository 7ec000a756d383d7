/**
 * The checks that need a tool or the network, which `check` and `build` run
 * when asked: --spam (SpamAssassin), --links (every address requested once),
 * --axe (axe-core in Chromium). They run on each language's email and give
 * their findings and what each measured, as values; the command line says
 * them. The decisions are made here: a spam score from 1.0 is a warning, and
 * from SpamAssassin's own threshold an error; a broken link is an error
 * (links.ts); a serious or critical axe violation is an error (axe.ts).
 */
import { findBrowser } from '../browser/find-browser.js';
import type { AxeRun } from '../browser/axe-runner.js';
import type { Newsletter } from '../content/schema.js';
import type { Warning } from '../errors.js';
import { returnPath } from '../personalize/return-path.js';
import { checkAxe } from './axe.js';
import { type BrowserSession, browserSession } from '../browser/session.js';
import { mergeFindings } from './findings.js';
import type { StaticChecks } from './index.js';
import { checkLinks, type LinkResult, linkFindings } from './links.js';
import { findSpamAssassin, type SpamResult, type SpamRule, spamScore } from './spam.js';

/** Below this score a message has no spam finding: a clean newsletter scores about 0. */
export const SPAM_WARNING_SCORE = 1.0;

export interface ExtraCheckRequest {
  spam?: boolean;
  links?: boolean;
  axe?: boolean;
  /** The Chromium for --axe; else the usual places (browser/find-browser.ts). */
  browser?: string;
  /** A Chromium the caller already has (build's screenshots use it too); else one is started for all languages. */
  session?: BrowserSession;
  /** The SpamAssassin for --spam; else the usual places (spam.ts). */
  spamassassin?: string;
}

/** One language's email as prepareIssue gives it (a PreparedLanguage is one). */
export interface ExtraCheckSubject {
  language: string;
  sample: { eml: string; recipient: { key: string } };
  /** For the envelope sender the message is delivered with (bounce_address, VERP). */
  newsletter: Newsletter;
  checks: Pick<StaticChecks, 'links' | 'marked'>;
}

/**
 * The sample as a receiving server scores it: with the Return-Path the delivery adds (the envelope sender a
 * send uses), so SpamAssassin compares it with From as it will on delivery (HEADER_FROM_DIFFERENT_DOMAINS).
 */
export function asDelivered(l: ExtraCheckSubject): string {
  const messageId = /^Message-ID: (<[^>\r\n]+>)/im.exec(l.sample.eml)?.[1] ?? '';
  const from = returnPath(l.newsletter, { secret: null, issue: 0, address: l.sample.recipient.key, messageId });
  return `Return-Path: <${from}>\r\n${l.sample.eml}`;
}

/** What one check measured in one language's email. */
export type ExtraMeasure = { language: string } & (
  | {
      check: 'spam';
      result: SpamResult;
      /** The rules that moved the score (SpamAssassin lists those that scored 0 too). */
      scored: SpamRule[];
    }
  | {
      check: 'links';
      /** Every distinct address of the email, as answered. */
      results: LinkResult[];
      broken: number;
      /** The addresses that answered with a redirect, each hop listed. */
      redirected: LinkResult[];
    }
  | {
      check: 'axe';
      /** The widths and colour schemes it ran at. */
      runs: Array<Pick<AxeRun, 'width' | 'scheme'>>;
      /** Serious and critical violations: the errors among its findings. */
      serious: number;
    }
);

export interface ExtraChecksResult {
  /** Every language's findings, merged as prepareIssue merges its own (checks/findings.ts). */
  findings: Warning[];
  /** In the order they ran: per language (the default first), spam, links, then axe. */
  measures: ExtraMeasure[];
}

/** Throws before any work when a tool a requested check needs is missing (the words --screenshots uses). */
export function requireExtraTools(req: ExtraCheckRequest): void {
  if (req.axe) findBrowser(req.browser, '--axe');
  if (req.spam) findSpamAssassin(req.spamassassin);
}

/**
 * Runs the requested checks on each language's email. `onMeasure` hears each measure as soon as
 * it is made, so a long run (--links, --axe in several languages) can show its progress.
 */
export async function runExtraChecks(
  languages: readonly ExtraCheckSubject[],
  req: ExtraCheckRequest,
  onMeasure: (m: ExtraMeasure) => void = () => {},
): Promise<ExtraChecksResult> {
  const measures: ExtraMeasure[] = [];
  if (!req.spam && !req.links && !req.axe) return { findings: [], measures };
  const measured = (m: ExtraMeasure) => {
    measures.push(m);
    onMeasure(m);
  };
  // An issue in several languages links to mostly the same addresses: each is requested once (links.ts).
  const linkCache = new Map<string, Promise<LinkResult>>();
  const perLanguage: Array<{ language: string; findings: Warning[] }> = [];
  const own = req.axe && !req.session ? browserSession(req.browser, '--axe') : null;
  const session = req.session ?? own ?? undefined;
  try {
    for (const l of languages) await checkLanguage(l);
  } finally {
    await own?.close();
  }
  return { findings: mergeFindings(perLanguage), measures };

  async function checkLanguage(l: ExtraCheckSubject): Promise<void> {
    const { language } = l;
    const findings: Warning[] = [];
    if (req.spam) {
      const result = await spamScore(asDelivered(l), findSpamAssassin(req.spamassassin));
      const scored = result.rules.filter((r) => r.score !== 0);
      measured({ language, check: 'spam', result, scored });
      const finding = spamFinding(result);
      if (finding) findings.push(finding);
    }
    if (req.links) {
      const results = await checkLinks(l.checks.links, { cache: linkCache });
      const broken = linkFindings(results);
      const redirected = results.filter((r) => r.redirects.length > 0);
      measured({ language, check: 'links', results, broken: broken.length, redirected });
      findings.push(...broken);
    }
    if (req.axe) {
      const { runs, findings: axe } = await checkAxe(l.checks.marked, { session });
      const serious = axe.filter((f) => f.severity === 'error').length;
      measured({ language, check: 'axe', runs: runs.map(({ width, scheme }) => ({ width, scheme })), serious });
      findings.push(...axe);
    }
    perLanguage.push({ language, findings });
  }
}

/** A score from SPAM_WARNING_SCORE is a warning; from SpamAssassin's threshold for spam, an error. */
export function spamFinding(r: SpamResult): Warning | null {
  if (r.score < SPAM_WARNING_SCORE) return null;
  const scored = r.rules.filter((x) => x.score !== 0).map((x) => x.name);
  return {
    code: 'spam-score',
    ...(r.score >= r.required ? { severity: 'error' as const } : {}),
    message:
      `SpamAssassin scores the message ${r.score.toFixed(1)} (${scored.join(', ')}); ` +
      `keep it below ${SPAM_WARNING_SCORE.toFixed(1)}: see the rules above`,
  };
}
