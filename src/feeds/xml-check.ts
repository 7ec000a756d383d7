/**
 * What is wrong with a feed's XML, at its line and column, before the feed parser sees it: the
 * parser (fast-xml-parser, through feedsmith) reads a truncated or mismatched document without a
 * word, and says "Invalid feed format" without a place when it does refuse. Tags are followed with
 * htmlparser2's tokenizer in XML mode: a closing tag that closes nothing open, or the end of the
 * document with tags still open (a download cut short), is malformed. A document that declares
 * entities (`<!ENTITY …>`) is refused outright: a feed needs none, and they are how XML reads
 * files (XXE) or grows a few bytes into gigabytes (billion laughs). The parser expands none
 * either (its entity processing is off); this makes the refusal a clear one.
 */
import { Tokenizer } from 'htmlparser2';

const ENTITY_HINT =
  'A feed needs no entities of its own; entities can read files on the reader’s computer or expand without end.';

export interface XmlProblem {
  message: string;
  line: number;
  column: number;
  hint?: string;
}

/** Line and column (1-based) of `offset` in `text`. */
export function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * Elements whose content the parser reads as text whatever it holds (feedsmith's "stop nodes"): HTML
 * written into them unescaped (`<description><p>…<br></p></description>`) is not XML, but it is
 * read, so inside them only a closing tag of an element open around them is a mistake; it is
 * reported at the first closing tag inside that closes nothing (`<title>x</titel>`), if any.
 */
const TEXT_ELEMENTS = new Set(['title', 'description', 'content:encoded', 'summary', 'content', 'subtitle']);

export function xmlProblem(text: string): XmlProblem | null {
  const open: Array<{ name: string; at: number }> = [];
  /** Inside an element of TEXT_ELEMENTS: its name, the tags opened in it, the first closing tag that closed nothing. */
  let inText: { name: string; opened: Map<string, number>; stray: { name: string; at: number } | null } | null = null;
  let problem: { message: string; at: number; hint?: string } | null = null;
  let nameStart = 0;
  let name = '';
  const found = (p: NonNullable<typeof problem>) => {
    if (!problem) problem = p;
  };
  const close = (closing: string, at: number) => {
    const top = open[open.length - 1];
    if (top && top.name === closing) {
      open.pop();
      return;
    }
    found({
      message: top
        ? `</${closing}> closes nothing open here: <${top.name}> (line ${position(text, top.at).line}) is still open`
        : `</${closing}> closes nothing open`,
      at,
    });
  };
  const tokenizer = new Tokenizer(
    { xmlMode: true, decodeEntities: false },
    {
      onopentagname(start, end) {
        nameStart = start;
        name = text.slice(start, end);
      },
      onopentagend() {
        if (inText) {
          inText.opened.set(name, (inText.opened.get(name) ?? 0) + 1);
          return;
        }
        open.push({ name, at: nameStart - 1 });
        if (TEXT_ELEMENTS.has(name.toLowerCase())) inText = { name, opened: new Map(), stray: null };
      },
      onselfclosingtag() {
        // Opened and closed at once: nothing stays open.
      },
      onclosetag(start, end) {
        const closing = text.slice(start, end);
        const at = start - 2;
        if (inText && closing !== inText.name) {
          const inner = inText.opened.get(closing) ?? 0;
          if (inner > 0) return void inText.opened.set(closing, inner - 1);
          if (!open.some((o) => o.name === closing)) {
            inText.stray ??= { name: closing, at };
            return;
          }
          // A tag open around the text element closes: the element was not closed, likely at its first stray tag.
          const stray = inText.stray;
          inText = null;
          return close(stray?.name ?? closing, stray?.at ?? at);
        }
        inText = null;
        close(closing, at);
      },
      ondeclaration(start, end) {
        // An internal DTD subset ends the DOCTYPE's declaration at its first ">", so the first entity is inside it.
        const declaration = text.slice(start, end);
        const inside = declaration.search(/<!ENTITY\b/i);
        if (/^ENTITY\b/i.test(declaration) || inside >= 0) {
          found({
            message: 'declares an entity (<!ENTITY …>), which enews never reads',
            at: inside >= 0 ? start + inside : start - 2,
            hint: ENTITY_HINT,
          });
        }
      },
      onattribdata() {},
      onattribentity() {},
      onattribend() {},
      onattribname() {},
      oncdata() {},
      oncomment() {},
      onend() {},
      onprocessinginstruction() {},
      ontext() {},
      ontextentity() {},
    },
  );
  tokenizer.write(text);
  tokenizer.end();
  const stray = (inText as { stray: { name: string; at: number } | null } | null)?.stray;
  if (stray) close(stray.name, stray.at);
  const unclosed = open[open.length - 1];
  if (!problem && unclosed) {
    found({
      message: `the document ends before <${unclosed.name}> (line ${position(text, unclosed.at).line}) is closed`,
      at: text.length,
      hint: 'The feed was cut short (an interrupted download?) or is broken where it is made.',
    });
  }
  if (!problem) return null;
  const p = problem as { message: string; at: number; hint?: string };
  return { message: p.message, ...position(text, p.at), ...(p.hint ? { hint: p.hint } : {}) };
}
