/**
 * The built email as a tree the checks can walk, each element knowing the
 * template line (or content line) that made it: see source-map.ts.
 */
import { type Element, isTag, isText, type AnyNode, type Document } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Location } from '../errors.js';
import { MARK_ATTR, MARK_CLASS } from './source-map.js';

export interface Site {
  location: Location;
  /** True when the element's own tag is written there; false when it is inside what that tag made (MJML's markup). */
  own: boolean;
}

export interface EmailDoc {
  html: string;
  doc: Document;
  /** Every element, in document order. */
  elements: Element[];
  site(el: Element): Site | undefined;
}

export function parseHtml(html: string): Document {
  return parseDocument(html, { decodeEntities: true });
}

/**
 * `html` is the email as sent; `marked` the same email rendered from the marked templates, whose
 * markers index `sites`. Elements are paired in order; if the two ever differ (they should not),
 * the rest keeps no site rather than a wrong one.
 */
export function emailDoc(html: string, marked: string, sites: Location[]): EmailDoc {
  const doc = parseHtml(html);
  const elements = DomUtils.findAll(() => true, doc.children);
  const markedElements = DomUtils.findAll(() => true, parseHtml(marked).children);
  const own = new Map<Element, Location>();
  for (let i = 0; i < elements.length; i++) {
    const m = markedElements[i];
    if (!m || m.name !== elements[i]!.name) break;
    const n = markerOf(m);
    if (n !== null && sites[n]) own.set(elements[i]!, sites[n]);
  }
  const site = (el: Element): Site | undefined => {
    const mine = own.get(el);
    if (mine) return { location: mine, own: true };
    for (let p = el.parent; p && isTag(p); p = p.parent) {
      const up = own.get(p);
      if (up) return { location: up, own: false };
    }
    return undefined;
  };
  return { html, doc, elements, site };
}

function markerOf(el: Element): number | null {
  const attr = el.attribs[MARK_ATTR];
  if (attr !== undefined) return Number(attr);
  for (const c of (el.attribs.class ?? '').split(/\s+/)) {
    const m = MARK_CLASS.exec(c);
    if (m) return Number(m[1]);
  }
  return null;
}

/** The element's own text, not its children's elements' text. */
export function ownText(el: Element): string {
  return el.children
    .filter(isText)
    .map((t) => t.data)
    .join('')
    .trim();
}

/** All text inside, as a screen reader would read it without ARIA: text and image alts. */
export function textContent(node: AnyNode): string {
  if (isText(node)) return node.data;
  if (!isTag(node)) return '';
  if (node.name === 'img') return node.attribs.alt ?? '';
  return node.children.map(textContent).join('');
}

export function inlineStyle(el: Element): ReadonlyMap<string, string> {
  // Asked again and again of the same element (every check, and isHidden for each descendant): read once.
  let out = styles.get(el);
  if (out) return out;
  out = new Map<string, string>();
  styles.set(el, out);
  for (const part of (el.attribs.style ?? '').split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) continue;
    const prop = part.slice(0, colon).trim().toLowerCase();
    const value = part
      .slice(colon + 1)
      .replace(/!important/i, '')
      .trim();
    if (prop && value) out.set(prop, value);
  }
  return out;
}

const styles = new WeakMap<Element, Map<string, string>>();

/** Hidden from everyone: display:none on it or an ancestor (the preheader, MSO-only parts), or aria-hidden. */
export function isHidden(el: Element): boolean {
  for (let e: AnyNode | null = el; e && isTag(e); e = e.parent) {
    if (inlineStyle(e).get('display') === 'none' || e.attribs['aria-hidden'] === 'true') return true;
  }
  return false;
}
