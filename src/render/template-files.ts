/**
 * Which template files a build reads, without loading Handlebars: a command that only checks whether a build still
 * matches its sources (status, send, approve) hashes them and renders nothing (templates.ts loads and compiles them).
 */
import path from 'node:path';
import type { ItemTypeInfo } from '../content/item-types.js';
import { templateFile, templateFolder } from '../project/templates.js';
import { DEFAULT_ITEM_PARTIAL, needsDefaultItemPartial } from './item-partials.js';

export const HTML_TEMPLATE = 'email.mjml';
export const TEXT_TEMPLATE = 'email.txt';

export const PARTIAL = /\.(mjml|txt|hbs)$/;

/**
 * Every template file a build reads for the project templates folder `dir`: its own, else the
 * defaults; item-default.mjml only when one of the newsletter's item `types` needs it (item-partials.ts).
 */
export function templateFiles(
  dir: string,
  types: readonly ItemTypeInfo[],
): { html: string; text: string; partials: string[] } {
  const all = templateFolder(dir, 'partials', PARTIAL);
  const names = new Set(all.map((f) => path.basename(f)));
  const has = (name: string) => names.has(`${name}.mjml`);
  const fallback = `${DEFAULT_ITEM_PARTIAL}.mjml`;
  const keep = needsDefaultItemPartial(types, has);
  return {
    html: templateFile(dir, HTML_TEMPLATE),
    text: templateFile(dir, TEXT_TEMPLATE),
    partials: all.filter((f) => keep || path.basename(f) !== fallback),
  };
}
