/**
 * The issue intro is the one field written in Markdown. Raw HTML in it is
 * shown as text, never passed through, and links must be http(s) or mailto,
 * so the intro cannot carry script, styles or javascript: links into a mail.
 */
import MarkdownIt from 'markdown-it';
import type { Token } from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: false, typographer: true, breaks: false });
md.validateLink = (url: string) => /^(https?:\/\/|mailto:)/i.test(url.trim());
md.disable(['image']);

export function markdownToHtml(source: string): string {
  return md.render(source).trim();
}

/**
 * Plain-text rendering for the text/plain part: paragraphs, "- " lists, links as "text <url>".
 * `urls: false` leaves a link's text alone, for a summary that is shown as a sentence (the archive's
 * listing, the feeds, a page's description), where a reader cannot follow an address anyway.
 */
export function markdownToText(source: string, opts: { urls?: boolean } = {}): string {
  const tokens = md.parse(source, {});
  const blocks: string[] = [];
  let current = '';
  let listDepth = 0;
  for (const t of tokens) {
    switch (t.type) {
      case 'bullet_list_open':
      case 'ordered_list_open':
        listDepth++;
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        listDepth--;
        break;
      case 'list_item_open':
        current = `${'  '.repeat(listDepth - 1)}- `;
        break;
      case 'inline':
        current += inlineText(t.children ?? [], opts.urls !== false);
        break;
      case 'paragraph_close':
      case 'heading_close':
        blocks.push(current);
        current = '';
        break;
      case 'fence':
      case 'code_block':
        blocks.push(t.content.trimEnd());
        break;
    }
  }
  // List items are one block each but belong together visually.
  return blocks.join('\n\n').replace(/\n\n(?=\s*- )/g, '\n');
}

function inlineText(children: Token[], urls: boolean): string {
  let out = '';
  let href: string | null = null;
  for (const c of children) {
    if (c.type === 'link_open') href = String(c.attrGet('href') ?? '');
    else if (c.type === 'link_close') {
      if (href && urls) out += ` <${href.replace(/^mailto:/i, '')}>`;
      href = null;
    } else if (c.type === 'softbreak') out += ' ';
    else if (c.type === 'hardbreak') out += '\n';
    else out += c.content;
  }
  return out;
}
