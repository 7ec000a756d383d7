/**
 * The checks that need neither a browser nor the network, run by
 * prepareIssue for check, build and preview: plain-http links, accessibility,
 * contrast, dark mode and client support, on the email as the sample
 * subscriber gets it, each finding at the template or content line to change.
 * Loaded lazily (import()), so the send path never loads these libraries.
 */
import { EnewsError, type Location, type Warning } from '../errors.js';
import { locate } from '../content/yaml-file.js';
import { renderHtml } from '../render/render-issue.js';
import { escapeHtml, fillSlots } from '../render/slots.js';
import type { TemplateSet } from '../render/templates.js';
import type { ViewModel } from '../render/view-model.js';
import { type AcknowledgedFinding, applyAcknowledged, resolveAcknowledged } from './acknowledged.js';
import { checkAccessibility } from './accessibility.js';
import { checkClientSupport, resolveClients, type SupportFinding } from './client-support.js';
import { type CheckInput, checkContext } from './context.js';
import { checkContrast } from './contrast.js';
import { checkDarkMode } from './dark-mode.js';
import { emailDoc } from './email-doc.js';
import { insecureLinks } from './insecure-links.js';
import { type LinkTarget, linkTargets } from './links.js';
import { markHtml, markTemplates } from './source-map.js';

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
  marked: { html: string; sites: Location[] };
}

/**
 * `input` is one language's email (its newsletter, items and view in that language). Client support
 * depends on the templates' markup, not on the words, so it is worked out for one language only
 * (`clientSupport: false` for the others): it is the slowest of these checks.
 */
export async function runStaticChecks(
  input: CheckInput & { view: ViewModel; html: string; clientSupport?: boolean },
): Promise<StaticChecks> {
  const ctx = checkContext(input);
  const support = input.clientSupport !== false;
  const { clients, problems } = support ? resolveClients(ctx) : { clients: [], problems: [] };
  const acks = support ? resolveAcknowledged(ctx) : { acknowledged: [], problems: [] };
  problems.push(...acks.problems);
  if (problems.length > 0) {
    throw new EnewsError('invalid-content', `${input.newsletterFile} is not valid`, { problems });
  }
  const shared = markedTemplates(input.templates);
  // Each language adds its own intro's place; the marked templates themselves are shared.
  const marked = { templates: shared.templates, sites: [...shared.sites] };
  const intro = marked.sites.push(locate(input.loaded.src, ['intro'])) - 1;
  const view: ViewModel = {
    ...input.view,
    issue: { ...input.view.issue, intro_html: markHtml(input.view.issue.intro_html, intro) },
  };
  const markedHtml = fillSlots(await renderHtml(view, marked.templates), sampleSlots(input), escapeHtml);
  const doc = emailDoc(input.html, markedHtml, marked.sites);
  return {
    findings: [
      ...insecureLinks(doc, ctx),
      ...checkAccessibility(doc, ctx),
      ...checkContrast(doc, ctx),
      ...checkDarkMode(doc, ctx),
    ],
    support: { clients, ...applyAcknowledged(support ? checkClientSupport(doc, ctx, clients) : [], acks.acknowledged) },
    links: linkTargets(doc, ctx),
    marked: { html: markedHtml, sites: marked.sites },
  };
}

/** The templates with their markers, made once per loaded set: every language of a build renders them. */
const marks = new WeakMap<TemplateSet, ReturnType<typeof markTemplates>>();
function markedTemplates(set: TemplateSet): ReturnType<typeof markTemplates> {
  let m = marks.get(set);
  if (!m) {
    m = markTemplates(set);
    marks.set(set, m);
  }
  return m;
}

/** Roughly the sample's values: the marked render only needs text of the right kind in each slot. */
function sampleSlots(input: CheckInput): (name: string) => string {
  const { sample_recipient, unsubscribe } = input.newsletter;
  return (name) =>
    name === 'name'
      ? sample_recipient.name
      : name === 'email'
        ? sample_recipient.email
        : name === 'unsubscribe_url'
          ? (unsubscribe.url ?? `mailto:${unsubscribe.mailto}`)
          : '';
}
