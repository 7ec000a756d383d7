/**
 * YAML syntax errors in words staff understand, at the place they have to
 * fix: an unclosed quote or bracket is reported where it opens (the parser
 * only notices at the end of the file), and the hint depends on the line.
 */
import type { YAMLError } from 'yaml';
import type { Problem } from '../errors.js';

export function syntaxProblems(file: string, text: string, errors: YAMLError[]): Problem[] {
  const lines = text.split(/\r?\n/);
  const seen = new Set<number>();
  const problems: Problem[] = [];
  for (const e of errors) {
    let line = e.linePos?.[0].line;
    let column = e.linePos?.[0].col;
    let message = STRUCTURE.has(e.code) ? 'this line does not fit the block above it' : reason(e.message);
    let code: string = e.code;
    const opener = unclosedOpener(e, lines);
    if (opener) {
      ({ line, column } = opener);
      message = opener.message;
      code = 'MISSING_CHAR';
    }
    // The parser often reports one mistake twice at the same place; once is enough.
    if (line !== undefined && seen.has(line)) continue;
    if (line !== undefined) seen.add(line);
    problems.push({ message: `YAML syntax: ${message}`, location: { file, line, column }, hint: hint(code, lines[(line ?? 1) - 1] ?? '') });
  }
  return problems;
}

/** Parser messages that only mean "this line is in the wrong place". */
const STRUCTURE = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY']);

function reason(message: string): string {
  // The library appends " at line L, column C:" and a snippet; the location is printed separately.
  return message.split(/ at line \d+, column \d+/)[0]!.trim();
}

interface Opener {
  line: number;
  column: number;
  message: string;
}

function unclosedOpener(e: YAMLError, lines: string[]): Opener | null {
  const quote = e.code === 'MISSING_CHAR' && /quote/.test(e.message) ? (/single/i.test(e.message) ? "'" : '"') : null;
  const bracket = /end with a \]/.test(e.message) ? '[' : /end with a \}/.test(e.message) ? '{' : null;
  if (!quote && !bracket) return null;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/\s#.*$/, '');
    const col = quote ? unbalancedQuote(text, quote) : unbalancedBracket(text, bracket!);
    if (col >= 0) {
      const what = quote ? `this ${quote === '"' ? 'double' : 'single'} quote (${quote}) is never closed` : `this ${bracket} is never closed with ${bracket === '[' ? ']' : '}'}`;
      return { line: i + 1, column: col + 1, message: what };
    }
  }
  return null;
}

/** Column of a quote that starts a value (after "key: " or "- ") and is not closed on its line, or -1. */
function unbalancedQuote(text: string, q: string): number {
  const start = new RegExp(`^(\\s*(?:-\\s+)?(?:[^\\s:#][^:#]*:\\s+)?)${q === '"' ? '"' : "'"}`).exec(text);
  if (!start) return -1;
  const open = start[1]!.length;
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] !== q) continue;
    if (q === "'" && text[i + 1] === "'") {
      i++; // '' is an escaped quote inside single quotes
      continue;
    }
    if (q === '"' && text[i - 1] === '\\') continue;
    return -1;
  }
  return open;
}

function unbalancedBracket(text: string, open: string): number {
  const close = open === '[' ? ']' : '}';
  const stack: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === open) stack.push(i);
    else if (text[i] === close) stack.pop();
  }
  return stack.length ? stack[0]! : -1;
}

function hint(code: string, line: string): string | undefined {
  switch (code) {
    case 'BAD_INDENT':
      return 'Check the indentation (spaces, not tabs) and that every [ or { is closed.';
    case 'MISSING_CHAR':
      return 'Close the quote or bracket on the same value, or remove it.';
    case 'DUPLICATE_KEY':
      return 'A field appears twice in the same block; keep one.';
    case 'TAB_AS_INDENT':
      return 'Indent with spaces; YAML does not allow tabs.';
    case 'MULTILINE_IMPLICIT_KEY':
    case 'BLOCK_AS_IMPLICIT_KEY':
      // "title: COOP Champions: Karim…" — a second ": " on the line means the value needs quotes;
      // otherwise the line is indented wrongly (or a text line under "intro: |" is not indented).
      return /:\s.*:\s/.test(line)
        ? 'A value containing ": " needs quotes, e.g. title: "COOP Champions: Karim Toumi".'
        : 'Check the indentation of this line: a field lines up with the fields around it, and each line of a text block (intro: |) is indented under it.';
    default:
      return undefined;
  }
}
