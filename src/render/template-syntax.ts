/**
 * A first look at a template's {{ }} before Handlebars parses it, because the
 * Handlebars parser reports the common mistakes in grammar jargon ("Expecting
 * 'ID', got 'INVALID'") at the end of the file. This finds an unclosed {{,
 * a block that is never closed, and a close that does not match, where they are.
 */
import type { Problem } from '../errors.js';

export function scanMustaches(source: string, file: string): Problem[] {
  const at = (index: number) => {
    const before = source.slice(0, index);
    const line = before.split('\n').length;
    return { file, line, column: index - before.lastIndexOf('\n') };
  };
  const open: Array<{ name: string; index: number }> = [];
  let i = source.indexOf('{{');
  while (i >= 0) {
    let close = '}}';
    if (source.startsWith('{{!--', i)) close = '--}}';
    else if (source.startsWith('{{{', i)) close = '}}}';
    const end = source.indexOf(close, i + 2);
    const nextOpen = close === '}}' || close === '}}}' ? source.indexOf('{{', i + close.length) : -1;
    if (end < 0 || (nextOpen >= 0 && nextOpen < end)) {
      return [
        {
          message: `Handlebars: this ${source.slice(i, i + (close === '}}}' ? 3 : 2))} is not closed with ${close}`,
          location: at(i),
          hint: 'Every {{ needs its }} on the same tag, e.g. {{newsletter.title}}.',
        },
      ];
    }
    const inner = source
      .slice(i + (close === '}}}' ? 3 : 2), end)
      .replace(/^~/, '')
      .trim();
    const block = /^[#^](?:>\s*)?([\w-]+)/.exec(inner);
    const closing = /^\/([\w-]+)/.exec(inner);
    if (block) open.push({ name: block[1]!, index: i });
    else if (closing) {
      const top = open.pop();
      if (!top) {
        return [
          {
            message: `Handlebars: {{/${closing[1]}}} closes a block that was never opened`,
            location: at(i),
            hint: 'Remove it, or add the matching {{#…}} before it.',
          },
        ];
      }
      if (top.name !== closing[1]) {
        const o = at(top.index);
        return [
          {
            message: `Handlebars: {{/${closing[1]}}} does not match {{#${top.name}}} opened at line ${o.line}`,
            location: at(i),
            hint: `Close {{#${top.name}}} with {{/${top.name}}} first.`,
          },
        ];
      }
    }
    i = source.indexOf('{{', end + close.length);
  }
  const unclosed = open.pop();
  if (unclosed) {
    return [
      {
        message: `Handlebars: {{#${unclosed.name}}} is never closed`,
        location: at(unclosed.index),
        hint: `Add {{/${unclosed.name}}} where the block should end.`,
      },
    ];
  }
  return [];
}
