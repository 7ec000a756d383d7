/**
 * Which template line made each element of the built email. MJML reports no
 * positions for its output, so the checks render the email a second time from
 * copies of the templates in which every tag carries its own file and line: an
 * `mj-*` component gets an extra class (`css-class`, which MJML puts on the
 * element it generates), an HTML tag a data attribute. The second render has
 * the same elements in the same order as the real one, so the n-th element of
 * the real email comes from the marker on the n-th element of the marked one,
 * or from its nearest marked ancestor (MJML's own tables inside an
 * `mj-section` belong to that section's line).
 */
import type { Location } from '../errors.js';
import type { TemplateFile, TemplateSet } from '../render/templates.js';

/** MJML components that accept css-class; the others (mj-raw, mj-head's children) only get their contents marked. */
const CLASSABLE = new Set([
  'mj-body',
  'mj-section',
  'mj-column',
  'mj-text',
  'mj-image',
  'mj-button',
  'mj-divider',
  'mj-spacer',
  'mj-table',
  'mj-wrapper',
  'mj-group',
  'mj-hero',
  'mj-social',
  'mj-navbar',
]);

export const MARK_ATTR = 'data-enews-src';
export const MARK_CLASS = /^enews-src-(\d+)$/;

export interface MarkedTemplates {
  templates: TemplateSet;
  /** Marker number → where that tag is written. */
  sites: Location[];
}

export function markTemplates(set: TemplateSet): MarkedTemplates {
  const sites: Location[] = [];
  const mark = (t: TemplateFile): TemplateFile =>
    t.file.endsWith('.mjml') ? { file: t.file, source: markSource(t, sites) } : t;
  const partials = new Map([...set.partials].map(([name, t]) => [name, mark(t)]));
  return { templates: { ...set, html: mark(set.html), partials }, sites };
}

/** Marks the start tags of trusted HTML (the intro's Markdown output) as coming from one place. */
export function markHtml(html: string, site: number): string {
  return html.replace(/<([a-zA-Z][a-zA-Z0-9]*)(?=[\s/>])/g, `<$1 ${MARK_ATTR}="${site}"`);
}

function markSource(t: TemplateFile, sites: Location[]): string {
  const src = t.source;
  let out = '';
  let i = 0;
  let line = 1;
  let lineStart = 0;
  while (i < src.length) {
    const c = src[i]!;
    // Handlebars expressions and comments are copied as they are: a "<" in them is not a tag.
    const stop = skipEnd(src, i);
    if (stop > i) {
      for (let k = i; k < stop; k++) if (src[k] === '\n') [line, lineStart] = [line + 1, k + 1];
      out += src.slice(i, stop);
      i = stop;
      continue;
    }
    const tag = c === '<' ? /^<([a-zA-Z][\w-]*)/.exec(src.slice(i, i + 64)) : null;
    if (tag) {
      const name = tag[1]!.toLowerCase();
      const n = sites.push({ file: t.file, line, column: i - lineStart + 1 }) - 1;
      const head = src.slice(i, tagEnd(src, i));
      out += name.startsWith('mj-')
        ? markComponent(head, name, n)
        : `<${tag[1]} ${MARK_ATTR}="${n}"${head.slice(tag[0].length)}`;
      for (const ch of head) if (ch === '\n') line++;
      if (head.includes('\n')) lineStart = i + head.lastIndexOf('\n') + 1;
      i += head.length;
      continue;
    }
    if (c === '\n') [line, lineStart] = [line + 1, i + 1];
    out += c;
    i++;
  }
  return out;
}

function markComponent(head: string, name: string, n: number): string {
  if (!CLASSABLE.has(name)) return head;
  const existing = /\scss-class="/.exec(head);
  if (existing)
    return (
      head.slice(0, existing.index + existing[0].length) +
      `enews-src-${n} ` +
      head.slice(existing.index + existing[0].length)
    );
  return `<${head.slice(1, 1 + name.length)} css-class="enews-src-${n}"${head.slice(1 + name.length)}`;
}

/** Index just past a Handlebars expression or comment, or an HTML comment, that starts at i; else -1. */
function skipEnd(src: string, i: number): number {
  const after = (at: number, len: number) => (at < 0 ? src.length : at + len);
  if (src.startsWith('{{!--', i)) return after(src.indexOf('--}}', i + 5), 4);
  if (src.startsWith('{{', i)) return after(src.indexOf('}}', i + 2), 2);
  if (src.startsWith('<!--', i)) return after(src.indexOf('-->', i + 4), 3);
  return -1;
}

/** Index just past the tag's closing ">", skipping quoted values and {{ }}. */
function tagEnd(src: string, start: number): number {
  let quote: string | null = null;
  for (let i = start + 1; i < src.length; i++) {
    if (src.startsWith('{{', i)) {
      const end = src.indexOf('}}', i + 2);
      if (end < 0) return src.length;
      i = end + 1;
      continue;
    }
    const c = src[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i + 1;
  }
  return src.length;
}
