/**
 * Per-recipient slots. Templates call {{slot "name"}}; the marker it leaves
 * survives Handlebars and MJML untouched, and the rendered issue is split at
 * the markers once. Personalising a message is then a string join of the
 * pre-split chunks with the recipient's values: no template engine per
 * recipient. The markers use private-use characters, which content and
 * templates are not allowed to contain, so content can never forge a slot.
 */

const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000([A-Za-z0-9_]+)\uE001/g;

export function slotMarker(name: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad slot name ${name}`);
  return OPEN + name + CLOSE;
}

/** A rendered part with holes: chunks[0] slot[0] chunks[1] … chunks[n]. */
export interface SlotTemplate {
  chunks: string[];
  slots: string[];
}

export function splitSlots(rendered: string): SlotTemplate {
  const chunks: string[] = [];
  const slots: string[] = [];
  let last = 0;
  for (const m of rendered.matchAll(MARKER)) {
    chunks.push(rendered.slice(last, m.index));
    slots.push(m[1]!);
    last = m.index + m[0].length;
  }
  chunks.push(rendered.slice(last));
  return { chunks, slots };
}

/** Fills every slot; `encode` adapts a value to the part (HTML or text, and quoted-printable for a MIME part). */
export function fillSlots(t: SlotTemplate, slot: (name: string) => string, encode: (s: string) => string): string {
  let out = t.chunks[0]!;
  for (let i = 0; i < t.slots.length; i++) out += encode(slot(t.slots[i]!)) + t.chunks[i + 1]!;
  return out;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** Plain text needs no escaping, but a value must never break a line or fake structure. */
export function escapeText(s: string): string {
  return s.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
