/**
 * Accessibility checks on the built email that need no browser: what a screen
 * reader and a reader with low vision get. Each finding names the template
 * (or content) line that made the element. Contrast is in contrast.ts; the
 * full rendering check is `enews check --axe` (axe.ts).
 */
import type { Element } from 'domhandler';
import type { Location, Warning } from '../errors.js';
import type { CheckContext } from './context.js';
import { fontSizePx, textElements } from './contrast.js';
import { type EmailDoc, isHidden, textContent } from './email-doc.js';

/** Below this, text is hard to read for many, and iOS Mail enlarges it and breaks the layout. */
export const MIN_FONT_PX = 12;

/**
 * Link texts that say nothing alone, in the languages enews ships strings for (English, French,
 * Spanish) and Arabic, so a template that loses its aria-label is caught in every version.
 */
const VAGUE = new RegExp(
  '^(' +
    [
      'read more|more|click here|here|learn more|continue reading|details|link|this|go|view|see more',
      'lire la suite|en savoir plus|plus|cliquez ici|ici|voir plus|détails|lien',
      'leer más|más|más información|haga clic aquí|haz clic aquí|aquí|ver más|seguir leyendo|detalles|enlace',
      'اقرأ المزيد|المزيد|اضغط هنا|هنا',
    ].join('|') +
    ')[\\s.!…:>»«]*$',
  'iu',
);

export function checkAccessibility(doc: EmailDoc, ctx: CheckContext): Warning[] {
  return [
    ...documentLanguage(doc, ctx),
    ...layoutTables(doc),
    ...images(doc, ctx),
    ...headings(doc),
    ...links(doc),
    ...fontSizes(doc),
  ];
}

function error(code: string, message: string, location: Location | undefined): Warning {
  return { code, severity: 'error', message, location };
}

function at(doc: EmailDoc, el: Element): Location | undefined {
  return doc.site(el)?.location;
}

function documentLanguage(doc: EmailDoc, ctx: CheckContext): Warning[] {
  const html = doc.elements.find((e) => e.name === 'html');
  const where = ctx.findTemplateLine((l) => /<mjml\b/.test(l));
  const out: Warning[] = [];
  const lang = html?.attribs.lang?.trim();
  if (!lang) {
    out.push(
      error(
        'a11y-lang',
        'the email does not say its language (<html lang>), so screen readers read it with the wrong voice; ' +
          'write <mjml lang="{{newsletter.language}}">',
        where,
      ),
    );
  } else if (lang.toLowerCase() !== ctx.newsletter.language.toLowerCase()) {
    out.push(
      error(
        'a11y-lang',
        `the email says its language is "${lang}", but newsletter.yaml says "${ctx.newsletter.language}"; ` +
          'write <mjml lang="{{newsletter.language}}">',
        where,
      ),
    );
  }
  if (!['ltr', 'rtl', 'auto'].includes(html?.attribs.dir?.trim().toLowerCase() ?? '')) {
    out.push(
      error(
        'a11y-dir',
        'the email does not say its text direction (<html dir>); write <mjml dir="ltr"> (or rtl, or auto)',
        where,
      ),
    );
  }
  return out;
}

function layoutTables(doc: EmailDoc): Warning[] {
  const seen = new Set<string>();
  const out: Warning[] = [];
  for (const t of doc.elements.filter((e) => e.name === 'table')) {
    const role = t.attribs.role?.toLowerCase();
    if (role === 'presentation' || role === 'none') continue;
    // A table with header cells holds data and is right to be read as a table.
    if (doc.elements.some((e) => e.name === 'th' && contains(t, e))) continue;
    const loc = at(doc, t);
    const key = loc ? `${loc.file}:${loc.line}` : '';
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(
      error(
        'a11y-layout-table',
        'a layout table without role="presentation": screen readers announce its rows and columns; ' +
          'add role="presentation" to the <table>',
        loc,
      ),
    );
  }
  return out;
}

function contains(outer: Element, inner: Element): boolean {
  for (let p = inner.parent; p; p = p.parent) if (p === outer) return true;
  return false;
}

function images(doc: EmailDoc, ctx: CheckContext): Warning[] {
  const out: Warning[] = [];
  const content = new Set([
    ...ctx.items.flatMap((i) => (i.image ? [i.image.src] : [])),
    ...(ctx.newsletter.logo
      ? [ctx.newsletter.logo.src, ...(ctx.newsletter.logo.dark_src ? [ctx.newsletter.logo.dark_src] : [])]
      : []),
  ]);
  for (const img of doc.elements.filter((e) => e.name === 'img')) {
    // Item images and the logo get their alt text from the content files, checked there (warnings.ts).
    if (content.has(img.attribs.src ?? '')) continue;
    const loc = at(doc, img);
    const line = loc ? (ctx.templateLine(loc) ?? '') : '';
    if (img.attribs.alt === undefined) {
      out.push(error('a11y-alt', 'an image without alt text; write alt="what it shows", or alt="" if decorative', loc));
    } else if (img.attribs.alt.trim() === '' && !/\salt=""/.test(line)) {
      out.push(
        error(
          'a11y-alt',
          'an image with empty alt text that the template does not mark as decorative; ' +
            'write alt="what it shows", or alt="" in the template if it is only decoration',
          loc,
        ),
      );
    }
  }
  return out;
}

function headings(doc: EmailDoc): Warning[] {
  const out: Warning[] = [];
  let previous = 0;
  for (const h of doc.elements.filter((e) => /^h[1-6]$/.test(e.name) && !isHidden(e))) {
    const level = Number(h.name[1]);
    const text = textContent(h).trim().slice(0, 50).trim();
    if (previous === 0 && level !== 1) {
      out.push(error('a11y-headings', `the first heading is <${h.name}> "${text}"; start with <h1>`, at(doc, h)));
    } else if (level > previous + 1 && previous > 0) {
      out.push(
        error(
          'a11y-headings',
          `heading <${h.name}> "${text}" follows <h${previous}>: a level is skipped, so screen-reader users ` +
            `lose the outline; use <h${previous + 1}>`,
          at(doc, h),
        ),
      );
    }
    previous = level;
  }
  return out;
}

function links(doc: EmailDoc): Warning[] {
  const out = new Map<string, Warning>();
  for (const a of doc.elements.filter((e) => e.name === 'a' && e.attribs.href !== undefined && !isHidden(e))) {
    const visible = textContent(a).replace(/\s+/g, ' ').trim();
    const label = a.attribs['aria-label']?.replace(/\s+/g, ' ').trim();
    const loc = at(doc, a);
    const key = `${loc?.file}:${loc?.line}:${visible}`;
    let problem: string | null = null;
    if (!label && !visible) {
      problem = 'a link with no text: screen readers read out its address; give it text or an aria-label';
    } else if (!label && VAGUE.test(visible)) {
      problem =
        `a link reads "${visible}", which says nothing out of context (screen readers list links alone); ` +
        `add aria-label="${visible}: <what it leads to>" or write what it leads to`;
    } else if (label && visible && !label.toLowerCase().includes(visible.toLowerCase())) {
      problem =
        `a link shows "${visible}" but is named "${label}": speech users say what they see, so the name ` +
        `must contain "${visible}" (WCAG 2.5.3)`;
    }
    if (problem && !out.has(key)) out.set(key, error('a11y-link-name', problem, loc));
  }
  return [...out.values()];
}

function fontSizes(doc: EmailDoc): Warning[] {
  const out = new Map<string, Warning>();
  for (const el of textElements(doc)) {
    const chain: Element[] = [];
    for (let e: Element | null = el; e && e.type === 'tag'; e = e.parent as Element | null) chain.push(e);
    const px = fontSizePx(chain);
    if (px >= MIN_FONT_PX) continue;
    const loc = at(doc, el);
    const key = `${loc?.file}:${loc?.line}:${px}`;
    if (out.has(key)) continue;
    out.set(
      key,
      error(
        'a11y-font-size',
        `text "${textContent(el).trim().slice(0, 40)}" is ${+px.toFixed(1)} px; make it at least ${MIN_FONT_PX} px`,
        loc,
      ),
    );
  }
  return [...out.values()];
}
