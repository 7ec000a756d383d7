/**
 * A feed's HTML as the catalog's text. The catalog holds plain text (templates escape it), so
 * markup becomes its words: paragraphs, entities decoded, links as their text, scripts, styles and
 * embeds dropped, and what feeds add after the summary (WordPress's "The post … appeared first
 * on …", "[…]", "Continue reading") left out. A summary is cut at the end of a sentence. Text
 * from a stranger's site must not carry what enews reserves or refuses (content/yaml-file.ts):
 * control characters, private-use characters and direction overrides are removed.
 */
import { Parser } from 'htmlparser2';

const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'br',
  'dd',
  'div',
  'dl',
  'dt',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'table',
  'td',
  'th',
  'tr',
  'ul',
]);
const SKIPPED = new Set([
  'audio',
  'button',
  'canvas',
  'figcaption',
  'form',
  'iframe',
  'math',
  'noscript',
  'object',
  'script',
  'select',
  'style',
  'svg',
  'template',
  'textarea',
  'video',
]);

// C0/C1 controls, private use (enews's slot markers), direction overrides and isolates, zero-width joiners' kin.
const UNWANTED =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\uE000-\uF8FF\u202A-\u202E\u2066-\u2069\u200B\uFEFF]/gu;

/** The paragraphs of `html`, each one line of plain text. */
export function htmlParagraphs(html: string): string[] {
  const paragraphs: string[] = [];
  let current = '';
  let skipping = 0;
  const flush = () => {
    const text = current.replace(UNWANTED, '').replace(/\s+/g, ' ').trim();
    if (text) paragraphs.push(text);
    current = '';
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipping++;
        else if (BLOCK.has(name)) flush();
      },
      ontext(text) {
        if (skipping === 0) current += text;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) skipping = Math.max(0, skipping - 1);
        else if (BLOCK.has(name)) flush();
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return withoutTrailers(paragraphs);
}

/** What blog software appends to a summary: not the summary. */
function withoutTrailers(paragraphs: string[]): string[] {
  const kept = paragraphs.filter((p) => !/^The post .+ appeared first on .+$/s.test(p));
  const last = kept.length - 1;
  if (last >= 0) {
    kept[last] = kept[last]!.replace(
      /\s*(\[(…|\.\.\.)\]|(Continue reading|Read more)\b[^.]*[.…]*\s*(→)?)$/iu,
      '',
    ).trim();
    if (kept[last] === '') kept.pop();
  }
  return kept;
}

/** One line of text from a feed's HTML (a title): at most `max` characters, cut at a word. */
export function htmlLine(html: string, max: number): string {
  return cutAtWord(htmlParagraphs(html).join(' '), max);
}

/** A summary from a feed's HTML: its paragraphs as one text, cut at a sentence within `max` characters. */
export function htmlSummary(html: string, max: number): string {
  return cutAtSentence(htmlParagraphs(html).join(' '), max);
}

// Words ending in a full stop that do not end a sentence: "No. 3", "Dr. Ruiz", "e.g. this".
const ABBREVIATIONS =
  /(?:^|\s)(?:No|Nos|Dr|Mr|Mrs|Ms|Prof|St|Mt|Jr|Sr|Inc|Ltd|Co|vs|etc|e\.g|i\.e|approx|Art|para|p|pp|Vol)\.$/i;

/**
 * `text` cut after the last sentence that ends within `max` characters (a sentence ends with . ! ?
 * or …, maybe a closing quote, before a capital or an opening quote); without one in the latter
 * two thirds, at the last word, with "…".
 */
export function cutAtSentence(text: string, max: number): string {
  if (text.length <= max) return text;
  const ends = /[.!?…]["'”’»)]*(?=\s+["'“‘«(]?\p{Lu})/gu;
  let cut = -1;
  for (let m = ends.exec(text); m && m.index < max; m = ends.exec(text)) {
    const end = m.index + m[0].length;
    if (end > max) break;
    if (m[0][0] === '.' && ABBREVIATIONS.test(text.slice(Math.max(0, m.index - 8), m.index + 1))) continue;
    cut = end;
  }
  return cut >= max / 3 ? text.slice(0, cut) : cutAtWord(text, max);
}

/** `text` within `max` characters, cut at a space with "…" when it is longer. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const space = text.lastIndexOf(' ', max - 1);
  return `${text.slice(0, space > max / 2 ? space : max - 1).replace(/[\s,;:–—-]+$/u, '')}…`;
}
