/**
 * The checks that need neither a browser nor the network, run by
 * prepareIssue for check, build and preview: plain-http links, accessibility,
 * contrast, dark mode and client support, on the email as the sample
 * subscriber gets it, each finding at the template or content line to change.
 * Loaded lazily (import()), so the send path never loads these libraries.
 */
import { EnewsError, type Warning } from '../errors.js';
import { type AcknowledgedFinding, applyAcknowledged, resolveAcknowledged } from './acknowledged.js';
import { checkAccessibility } from './accessibility.js';
import { checkClientSupport, resolveClients, type SupportFinding } from './client-support.js';
import { type CheckInput, checkContext } from './context.js';
import { checkContrast } from './contrast.js';
import { checkDarkMode } from './dark-mode.js';
import { emailDoc } from './email-doc.js';
import { insecureLinks } from './insecure-links.js';
import { type LinkTarget, linkTargets } from './links.js';
import type { MarkedEmail } from './marked.js';

export interface SupportReport {
  /** The caniemail client ids checked against. */
  clients: string[];
  /** The findings to list: those not acknowledged in newsletter.yaml. */
  findings: SupportFinding[];
  /** The findings newsletter.yaml acknowledges, with the reason it gives. */
  acknowledged: AcknowledgedFinding[];
  /** A warning for each acknowledgement that no finding needs. */
  unused: Warning[];
}

export interface StaticChecks {
  /** Plain-http links, accessibility, contrast and dark mode: errors stop a build, warnings are listed. */
  findings: Warning[];
  support: SupportReport;
  /** For --links: each distinct link and image, at its content or template line. */
  links: LinkTarget[];
  /** For --axe: the email rendered with its template markers, filled for the sample subscriber. */
  marked: MarkedEmail;
}

/**
 * `input` is one language's email (its newsletter, items and view in that language). Client support
 * depends on the templates' markup, not on the words, so it is worked out for one language only
 * (`clientSupport: false` for the others): it is the slowest of these checks.
 */
export async function runStaticChecks(
  input: CheckInput & { html: string; marked: Promise<MarkedEmail>; clientSupport?: boolean },
): Promise<StaticChecks> {
  const ctx = checkContext(input);
  const support = input.clientSupport !== false;
  const { clients, problems } = support ? resolveClients(ctx) : { clients: [], problems: [] };
  const acks = support ? resolveAcknowledged(ctx) : { acknowledged: [], problems: [] };
  problems.push(...acks.problems);
  if (problems.length > 0) {
    throw new EnewsError('invalid-content', `${input.newsletterFile} is not valid`, { problems });
  }
  const marked = await input.marked;
  const doc = emailDoc(input.html, marked.html, marked.sites);
  return {
    findings: [
      ...insecureLinks(doc, ctx),
      ...checkAccessibility(doc, ctx),
      ...checkContrast(doc, ctx),
      ...checkDarkMode(doc, ctx),
    ],
    support: { clients, ...applyAcknowledged(support ? checkClientSupport(doc, ctx, clients) : [], acks.acknowledged) },
    links: linkTargets(doc, ctx),
    marked,
  };
}
