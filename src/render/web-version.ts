/**
 * The web version of an issue: the email's own templates and items, rendered
 * once more with `web` set in the view, then filled for nobody. A second
 * render rather than a second filling of the email's slots, because the web
 * page differs in markup, not only in values: the footer offers "Subscribe"
 * and "All issues" instead of "Unsubscribe" and "View this issue online",
 * which a slot (an escaped value) cannot change. MJML thus runs twice per
 * issue, never per recipient, and the web page shows exactly the email's
 * header, intro and items.
 */
import type { LocalIssue, LocalItem, Newsletter } from '../content/schema.js';
import { signupPageUrl } from '../content/subscribe-schema.js';
import type { ImageTags } from './image-tags.js';
import { markdownToText } from './markdown.js';
import { renderHtml } from './render-issue.js';
import { INDEX_FROM_ISSUE, issuePageUrl } from './site-urls.js';
import { escapeHtml, fillSlots } from './slots.js';
import type { Translator } from './strings.js';
import type { TemplateSet } from './templates.js';
import type { Warning } from '../errors.js';
import { buildViewModel, defaultSubject } from './view-model.js';
import { metaTags, pageMeta } from './web-meta.js';

export interface WebVersion {
  /** The complete page (web.html): no name, no address, no token. */
  html: string;
  /** The intro's first paragraph as plain text: the archive's listing and the feeds show it. */
  summary: string;
  /** Warnings about the web version: a template that leaves a subscriber's slot in it. */
  warnings: Warning[];
}

/**
 * `newsletter`, `issue` and `items` in the language of `tr` (content/translations.ts); `images`, the
 * pictures enews made, get their 1×/2× and WebP versions here (render/image-tags.ts).
 */
export async function renderWebVersion(
  newsletter: Newsletter,
  issue: LocalIssue,
  items: LocalItem[],
  templates: TemplateSet,
  tr: Translator,
  images?: ImageTags,
): Promise<WebVersion> {
  const view = buildViewModel(newsletter, issue, items, tr, templates.partials, {
    archive_url: INDEX_FROM_ISSUE,
    subscribe_url: newsletter.site?.subscribe_url ?? signupPageUrl(newsletter),
    page_url: issuePageUrl(newsletter, issue.number),
  });
  const rendered = await renderHtml(view, templates, images);
  const html = fillSlots(rendered, forNobody(newsletter), escapeHtml);
  const summary = issueSummary(issue);
  const meta = pageMeta(newsletter, {
    number: issue.number,
    date: issue.date,
    subject: defaultSubject(newsletter, issue, tr),
    preheader: issue.preheader ?? null,
    summary,
  });
  return { html: withHead(html, metaTags(meta)), summary, warnings: personalSlots(rendered.slots, templates) };
}

/**
 * A slot other than the greeting in the web version comes from a template that does not know the
 * web version (a footer without its {{#if web}} branch): the slot is left empty there, so the page shows, say, an
 * "Unsubscribe" link that leads nowhere. Say which template and how to fix it.
 */
function personalSlots(slots: string[], templates: TemplateSet): Warning[] {
  return [...new Set(slots.filter((s) => s !== 'name'))].map((name) => {
    const call = new RegExp(`\\{\\{\\s*slot\\s+["']${name}["']`);
    const files = [templates.html, ...templates.partials.values()];
    const t = files.find((f) => call.test(f.source));
    const line = t ? t.source.slice(0, t.source.search(call)).split('\n').length : undefined;
    return {
      code: 'web-personal-slot',
      message:
        `the web version has the slot "${name}", which it leaves empty (it is filled for nobody): ` +
        'show that part to subscribers only, inside {{#unless web}}…{{/unless}}',
      ...(t ? { location: { file: t.file, line } } : {}),
    };
  });
}

/** The intro's first paragraph, as text: a link is its words, without its address. */
export function issueSummary(issue: LocalIssue): string {
  return (markdownToText(issue.intro, { urls: false }).split('\n\n')[0] ?? '').replace(/\s+/g, ' ').trim();
}

/**
 * Slots filled for nobody: the greeting gets fallback_name ("Dear reader,"); the address, the
 * unsubscribe link and every merge field stay empty, so nothing personal can reach the page.
 */
function forNobody(newsletter: Newsletter): (name: string) => string {
  return (name) => (name === 'name' ? newsletter.fallback_name : '');
}

/** MJML writes the <head>; the page's description and cards go at its end. */
function withHead(html: string, tags: string): string {
  const end = html.indexOf('</head>');
  if (end < 0) throw new Error('the rendered web version has no </head>');
  return `${html.slice(0, end).trimEnd()}\n${tags}  ${html.slice(end)}`;
}
