/**
 * Dark mode, without a browser: the email must say it supports it (the
 * color-scheme and supported-color-schemes meta tags, which Apple Mail and
 * others need before they apply its dark styles), carry dark styles for the
 * clients that honour `prefers-color-scheme`, and styles for Outlook.com and
 * the Outlook apps, which recolour mail themselves and mark what they changed
 * with data-ogsc (text) and data-ogsb (background). And the logo must stay
 * legible: a logo.dark_src, or a background behind it that dark mode leaves
 * alone. How it then looks is checked in Chromium (browser/dark.ts, --axe).
 */
import { parse as parseCss, type CssAtRuleAST, type CssRuleAST } from '@adobe/css-tools';
import { is } from 'css-select';
import type { Element } from 'domhandler';
import type { Location, Warning } from '../errors.js';
import type { CheckContext } from './context.js';
import { type EmailDoc, inlineStyle, textContent } from './email-doc.js';

export function checkDarkMode(doc: EmailDoc, ctx: CheckContext): Warning[] {
  const head = ctx.findTemplateLine((l) => /<mj-head\b/.test(l));
  const warn = (message: string, location: Location | undefined = head): Warning => ({
    code: 'dark-mode',
    message,
    location,
  });
  const out: Warning[] = [];
  const meta = (name: string) =>
    doc.elements.find((e) => e.name === 'meta' && e.attribs.name?.toLowerCase() === name)?.attribs.content ?? '';
  for (const name of ['color-scheme', 'supported-color-schemes']) {
    if (!/\bdark\b/.test(meta(name))) {
      out.push(
        warn(
          `no <meta name="${name}" content="light dark">: mail apps that honour it then apply their own dark ` +
            `colours instead of the email's; add it in an <mj-raw> in <mj-head>`,
        ),
      );
    }
  }
  const rules = styleRules(doc);
  if (!rules.some((r) => r.media?.includes('prefers-color-scheme: dark'))) {
    out.push(
      warn(
        'no @media (prefers-color-scheme: dark) styles: Apple Mail and others show the light colours in dark ' +
          'mode, or invert them; add dark styles in a <mj-style> (not inline)',
      ),
    );
  }
  for (const [attr, what] of [
    ['data-ogsc', 'text'],
    ['data-ogsb', 'background'],
  ] as const) {
    if (!rules.some((r) => r.selectors.some((s) => s.includes(`[${attr}]`)))) {
      out.push(
        warn(
          `no [${attr}] styles: Outlook.com and the Outlook apps pick their own dark ${what} colours; ` +
            `add rules such as [${attr}] .x { … } next to the dark styles`,
        ),
      );
    }
  }
  out.push(...logo(doc, ctx, rules));
  return out;
}

interface Rule {
  media: string | null;
  selectors: string[];
  properties: string[];
}

export function styleRules(doc: EmailDoc): Rule[] {
  const out: Rule[] = [];
  const add = (r: CssRuleAST | CssAtRuleAST, media: string | null) => {
    if (r.type === 'rule') {
      const rule = r as CssRuleAST;
      const properties = rule.declarations.flatMap((d) => (d.type === 'declaration' ? [d.property] : []));
      out.push({ media: media?.replace(/\s+/g, ' ') ?? null, selectors: rule.selectors, properties });
    } else if (r.type === 'media') {
      for (const inner of (r as { rules?: Array<CssRuleAST | CssAtRuleAST> }).rules ?? []) {
        add(inner, (r as { media?: string }).media ?? '');
      }
    }
  };
  for (const style of doc.elements.filter((e) => e.name === 'style')) {
    try {
      for (const r of parseCss(textContent(style), { silent: true }).stylesheet.rules) add(r, null);
    } catch {
      // Broken CSS is the client-support check's and the browsers' concern.
    }
  }
  return out;
}

/** A logo with no dark version must keep the background it was drawn for. */
function logo(doc: EmailDoc, ctx: CheckContext, rules: Rule[]): Warning[] {
  const nl = ctx.newsletter.logo;
  if (!nl || nl.dark_src) return [];
  const img = doc.elements.find((e) => e.name === 'img' && e.attribs.src === nl.src);
  if (!img) return [];
  const behind = paintedBehind(img);
  const repaints = rules.some(
    (r) =>
      r.media?.includes('prefers-color-scheme: dark') &&
      r.properties.some((p) => p.startsWith('background')) &&
      r.selectors.some((s) => behind.some((e) => matches(e, s))),
  );
  if (!repaints) return [];
  return [
    {
      code: 'dark-mode',
      message:
        'the dark styles change the background behind the logo, and there is no logo.dark_src: ' +
        'a logo drawn for the light background may vanish; add logo.dark_src (a version for dark ' +
        'backgrounds) or keep the background behind the logo in dark mode',
      location: ctx.newsletterAt(['logo']),
    },
  ];
}

/**
 * The elements from the image up to the first that paints a background, and the one around that
 * if it paints the same (MJML paints a section's <div> and its <table> alike).
 */
function paintedBehind(img: Element): Element[] {
  const chain: Element[] = [];
  const paint = (e: Element) => {
    const s = inlineStyle(e);
    return s.get('background-color') ?? s.get('background') ?? e.attribs.bgcolor;
  };
  for (let e: Element | null = img; e && e.type === 'tag'; e = e.parent as Element | null) {
    chain.push(e);
    const bg = paint(e);
    if (!bg) continue;
    const parent = e.parent as Element | null;
    if (parent?.type === 'tag' && paint(parent) === bg) chain.push(parent);
    break;
  }
  return chain;
}

function matches(el: Element, selector: string): boolean {
  try {
    return is(el, selector);
  } catch {
    // A selector css-select does not know cannot be judged here; the browser checks see the result.
    return false;
  }
}
