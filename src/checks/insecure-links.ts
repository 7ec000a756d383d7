/**
 * Plain-http links and images in the email, each named at the line that writes
 * its address: the catalog item's url or image.src (or the rewording of
 * it), the line of the issue file (the intro's Markdown) or of newsletter.yaml
 * (the logo, the unsubscribe address) that holds it, else the template line
 * whose element makes it (source-map.ts), else a template line that spells it
 * out (an Outlook-only block, which the parsed document does not see).
 */
import type { Location, Warning } from '../errors.js';
import type { CheckContext } from './context.js';
import { type EmailDoc, parseHtml } from './email-doc.js';

export function insecureLinks(doc: EmailDoc, ctx: CheckContext): Warning[] {
  // The raw HTML, not the parsed elements: conditional comments for Outlook hold markup too.
  const insecure = new Set<string>();
  for (const m of doc.html.matchAll(/\shref="(http:\/\/[^"]*)"/gi)) insecure.add(m[1]!);
  for (const m of doc.html.matchAll(/\ssrc="(http:\/\/[^"]*)"/gi)) insecure.add(m[1]!);
  return [...insecure].map((url) => {
    const location = whereWritten(url, doc, ctx);
    return {
      code: 'insecure-link',
      message: `link without https: ${url}; use https:// so mail clients do not flag it`,
      ...(location ? { location } : {}),
    };
  });
}

function whereWritten(raw: string, doc: EmailDoc, ctx: CheckContext): Location | undefined {
  const url = decodeAttribute(raw);
  const element = doc.elements.find(
    (el) => (el.name === 'a' && el.attribs.href === url) || (el.name === 'img' && el.attribs.src === url),
  );
  const withoutQuery = url.replace(/[?#].*$/, '');
  return (
    ctx.itemAt(url) ??
    textAt(ctx.loaded.src.file, ctx.loaded.src.text, url) ??
    textAt(ctx.newsletterFile, ctx.newsletterText, url) ??
    // An address enews completes per subscriber (the unsubscribe link's ?t=…) is written without it.
    (withoutQuery !== url ? textAt(ctx.newsletterFile, ctx.newsletterText, withoutQuery) : undefined) ??
    (element ? doc.site(element)?.location : undefined) ??
    ctx.findTemplateLine((line) => line.includes(url) || line.includes(raw))
  );
}

/** The attribute's value as written before escaping (Handlebars writes = as &#x3D;, & as &amp;). */
function decodeAttribute(raw: string): string {
  const el = parseHtml(`<a href="${raw}"></a>`).children[0] as { attribs?: Record<string, string> } | undefined;
  return el?.attribs?.href ?? raw;
}

/** Where `text` holds `url` as a whole address (not the start of a longer one). */
function textAt(file: string, text: string, url: string): Location | undefined {
  for (let at = text.indexOf(url); at >= 0; at = text.indexOf(url, at + 1)) {
    const next = text[at + url.length];
    if (next !== undefined && !/[\s)\]>"'`,]/.test(next)) continue;
    const before = text.slice(0, at);
    return { file, line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
  }
  return undefined;
}
