/**
 * Text/background contrast of every colour pair the built email uses, at
 * WCAG 2.2 AA (1.4.3): 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
 * Colours come from the inline styles MJML and juice write (the templates'
 * mj-style is inlined), inherited the way a browser would: text colour from
 * the nearest ancestor that sets one, background from the nearest that paints
 * one. A pair that fails names the place to change it: brand.color or
 * brand.text_color in newsletter.yaml when it is one of those, else the
 * template line that writes the colour.
 */
import type { Element } from 'domhandler';
import { rgb as contrastOf } from 'wcag-contrast';
import type { Location, Warning } from '../errors.js';
import { type EmailDoc, inlineStyle, isHidden, ownText } from './email-doc.js';
import type { CheckContext } from './context.js';

export type Rgb = [number, number, number];

const NAMED: Record<string, Rgb> = { white: [255, 255, 255], black: [0, 0, 0] };

export function parseColour(value: string): Rgb | null {
  const v = value.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(v)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as Rgb;
  }
  const fn = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/.exec(v);
  // A translucent colour depends on what is under it; such a pair is left to the browser checks (--axe).
  if (fn && (fn[4] === undefined || parseFloat(fn[4]) >= (fn[4].endsWith('%') ? 100 : 1))) {
    return [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  }
  return NAMED[v] ?? null;
}

export function hexOf(c: Rgb): string {
  return `#${c.map((n) => n.toString(16).padStart(2, '0')).join('')}`;
}

export function ratio(a: Rgb, b: Rgb): number {
  return contrastOf(a, b);
}

/** "4.48:1", never rounded up past a limit it does not reach. */
export function formatRatio(r: number): string {
  return `${(Math.floor(r * 100) / 100).toFixed(2)}:1`;
}

/**
 * The nearest colour to `colour` that reaches `target` against `against`: mixed towards black on
 * a light counterpart, towards white on a dark one. A suggestion, so the fix is one edit.
 */
export function suggest(colour: Rgb, against: Rgb, target: number): Rgb {
  const towards = ratio(against, [0, 0, 0]) >= ratio(against, [255, 255, 255]) ? 0 : 255;
  for (let t = 0.02; t <= 1; t += 0.02) {
    const mixed = colour.map((c) => Math.round(c + (towards - c) * t)) as Rgb;
    if (ratio(mixed, against) >= target) return mixed;
  }
  return [towards, towards, towards];
}

export interface TextStyle {
  colour: Rgb;
  background: Rgb;
  sizePx: number;
  bold: boolean;
}

const BOLD_TAGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'b', 'th']);
const HEADING_PX: Record<string, number> = { h1: 32, h2: 24, h3: 18.72, h4: 16, h5: 13.28, h6: 10.72 };

/** The styles a text element ends up with, from its own and its ancestors' inline styles. */
export function textStyle(el: Element): TextStyle {
  const chain: Element[] = [];
  for (let e: Element | null = el; e && e.type === 'tag'; e = e.parent as Element | null) chain.push(e);
  let colour: Rgb | null = null;
  let background: Rgb | null = null;
  let bold: boolean | null = null;
  for (const e of chain) {
    const s = inlineStyle(e);
    colour ??= s.has('color') ? parseColour(s.get('color')!) : null;
    const bg = s.get('background-color') ?? s.get('background')?.split(/\s+/)[0] ?? e.attribs.bgcolor;
    background ??= bg ? parseColour(bg) : null;
    const weight = s.get('font-weight');
    if (bold === null && weight) bold = weight === 'bold' || weight === 'bolder' || Number(weight) >= 600;
    if (bold === null && BOLD_TAGS.has(e.name)) bold = true;
  }
  return {
    colour: colour ?? [0, 0, 0],
    background: background ?? [255, 255, 255],
    sizePx: fontSizePx(chain),
    bold: bold ?? false,
  };
}

/** px from the nearest font-size, with em and % of the parent's; headings' defaults when nothing sets one. */
export function fontSizePx(chain: Element[]): number {
  const own = chain.findIndex((e) => inlineStyle(e).has('font-size') || HEADING_PX[e.name] !== undefined);
  if (own < 0) return 16;
  const e = chain[own]!;
  const v = inlineStyle(e).get('font-size');
  if (v === undefined) return HEADING_PX[e.name]!;
  const m = /^([\d.]+)(px|pt|em|rem|%)?$/.exec(v);
  if (!m) return 16;
  const n = Number(m[1]);
  const parent = () => fontSizePx(chain.slice(own + 1));
  switch (m[2]) {
    case 'pt':
      return (n * 4) / 3;
    case 'em':
      return n * parent();
    case 'rem':
      return n * 16;
    case '%':
      return (n / 100) * parent();
    default:
      return n;
  }
}

export function isLarge(s: TextStyle): boolean {
  return s.sizePx >= 24 || (s.bold && s.sizePx >= 18.66);
}

/** Every visible element with text of its own. */
export function textElements(doc: EmailDoc): Element[] {
  return doc.elements.filter((el) => ownText(el).replace(/[\s\u200c\u00a0]/g, '') !== '' && !isHidden(el));
}

export function checkContrast(doc: EmailDoc, ctx: CheckContext): Warning[] {
  const out = new Map<string, Warning>();
  for (const el of textElements(doc)) {
    const s = textStyle(el);
    const need = isLarge(s) ? 3 : 4.5;
    const r = ratio(s.colour, s.background);
    if (r >= need) continue;
    const fg = hexOf(s.colour);
    const bg = hexOf(s.background);
    const brand = brandField(ctx, fg, bg);
    const location = brand?.location ?? colourLine(ctx, doc, el, [fg, bg]);
    const key = `${fg}|${bg}|${need}`;
    if (out.has(key)) continue;
    const [change, against] = brand && !brand.isText ? [s.background, s.colour] : [s.colour, s.background];
    const shade = ratio(against, [0, 0, 0]) >= ratio(against, [255, 255, 255]) ? 'darker' : 'lighter';
    const fix = brand
      ? `use a ${shade} colour such as ${hexOf(suggest(change, against, need))}`
      : `change the text colour to ${hexOf(suggest(change, against, need))} or the background`;
    const what = brand ? `${brand.field} ${brand.value}: ` : '';
    out.set(key, {
      code: 'contrast',
      severity: 'error',
      message:
        `${what}text ${fg} on ${bg} ("${ownText(el).slice(0, 40)}") has a contrast of ${formatRatio(r)}; ` +
        `WCAG 2.2 AA needs ${need}:1 for ${need === 3 ? 'large' : 'normal'} text. To fix it, ${fix}.`,
      location,
    });
  }
  return [...out.values()];
}

function brandField(
  ctx: CheckContext,
  fg: string,
  bg: string,
): { field: string; value: string; location: Location; isText: boolean } | null {
  const { color, text_color } = ctx.newsletter.brand;
  for (const [field, value] of [
    ['brand.color', color],
    ['brand.text_color', text_color],
  ] as const) {
    const v = value.toLowerCase();
    if (v === fg || v === bg) {
      return { field, value, location: ctx.newsletterAt(field.split('.')), isText: v === fg };
    }
  }
  return null;
}

/** The line that writes one of these colours: the element's own template line if it does, else the first that does. */
function colourLine(ctx: CheckContext, doc: EmailDoc, el: Element, colours: string[]): Location | undefined {
  const site = doc.site(el)?.location;
  const has = (text: string) => colours.some((c) => text.toLowerCase().includes(c));
  if (site?.line && has(ctx.templateLine(site) ?? '')) return site;
  return ctx.findTemplateLine(has) ?? site;
}
