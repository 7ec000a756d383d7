/**
 * YAML syntax errors in words staff understand, at the place they have to
 * fix: an unclosed quote or bracket is reported where it opens (the parser
 * only notices at the end of the file), and the hint depends on what the line
 * looks like, not only on the parser's error code: the parser files a
 * mis-indented field under the same code as a missing closing quote, and a
 * field without its ":" as a line that does not fit the block above it.
 */
import type { YAMLError } from 'yaml';
import type { Problem } from '../errors.js';
import { fieldWithoutColon } from './yaml-missing-colon.js';

export function syntaxProblems(file: string, text: string, errors: YAMLError[]): Problem[] {
  const lines = text.split(/\r?\n/);
  const seen = new Set<number>();
  const problems: Problem[] = [];
  let quietThrough = 0;
  for (const e of errors) {
    // Once the parser meets a line it cannot place, it reads the rest of the file as loose tokens and
    // reports each one ("Unexpected scalar token…"): dozens of lines that are fine. Only the first counts.
    if (e.code === 'UNEXPECTED_TOKEN' && problems.length > 0) continue;
    const { line, column, message, hint, cascadeThrough } = explain(e, lines);
    // The parser often reports one mistake twice at the same
    // place, or goes on about the lines after it; once is enough.
    if (line !== undefined && (seen.has(line) || line <= quietThrough)) continue;
    if (line !== undefined) seen.add(line);
    quietThrough = Math.max(quietThrough, cascadeThrough ?? 0);
    problems.push({ message: `YAML syntax: ${message}`, location: { file, line, column }, hint });
  }
  return problems;
}

interface Explanation {
  line?: number;
  column?: number;
  message: string;
  hint?: string;
  /** Errors up to this line are consequences of this one (the parser lost its place), not mistakes of their own. */
  cascadeThrough?: number;
}

const CLOSE_HINT = 'Close the quote or bracket on the same value, or remove it.';

function explain(e: YAMLError, lines: string[]): Explanation {
  const opener = unclosedOpener(e, lines);
  if (opener) return opener;
  const line = e.linePos?.[0].line;
  const at = { line, column: e.linePos?.[0].col };
  const text = lines[(line ?? 1) - 1] ?? '';
  const keyLike = e.code === 'MULTILINE_IMPLICIT_KEY' || /Implicit map keys need to be followed/.test(e.message);
  const colon = keyLike && line !== undefined ? missingColon(lines, line) : null;
  if (colon) return colon;
  if (/Sequence item without - indicator/.test(e.message) && line !== undefined)
    return misaligned(lines, line, at.column ?? 1);
  if (/Implicit map keys need to be followed by map values/.test(e.message) && line !== undefined)
    return notAField(lines, line, at);
  if (STRUCTURE.has(e.code))
    return { ...at, message: 'this line does not fit the block above it', hint: structureHint(text) };
  return { ...at, message: reason(e.message), hint: hint(e) };
}

/** Parser messages that only mean "this line is in the wrong place". */
const STRUCTURE = new Set(['BLOCK_AS_IMPLICIT_KEY', 'MULTILINE_IMPLICIT_KEY', 'UNEXPECTED_TOKEN']);

function reason(message: string): string {
  // The library appends " at line L, column C:" and a snippet; the location is printed separately.
  return message.split(/ at line \d+, column \d+/)[0]!.trim();
}

/** A line that starts a field: `name: value`, `name:`, or `- name: value`. */
const FIELD = /^\s*(?:-\s+)?[^\s:#'"[{-][^:#]*:(?:\s|$)/;

function indentOf(text: string): number {
  return /^ */.exec(text)![0].length;
}

/**
 * "Sequence item without - indicator": inside a list entry, a line starts
 * left of the entry's fields (or between them and the "- "), so the parser
 * takes it for a new entry that lacks its "- ". The parser points at the start
 * of the line, or at the end of the entry before it; point at the text.
 */
function misaligned(lines: string[], reported: number, column: number): Explanation {
  let i = column > 1 ? reported : reported - 1;
  while (i < lines.length - 1 && /^\s*(#.*)?$/.test(lines[i]!)) i++;
  const text = lines[i] ?? '';
  // The parser takes the line for a new entry, so the fields after it, up to the next "- ", look wrong too.
  let end = i + 1;
  while (end < lines.length && !/^\s*-\s/.test(lines[end]!)) end++;
  const at = { line: i + 1, column: indentOf(text) + 1, cascadeThrough: end };
  return FIELD.test(text)
    ? {
        ...at,
        message: 'this field is not lined up with the fields above it',
        hint:
          'Indent it exactly as far as the other fields of this list entry (they ' +
          'start right after the "- " of the entry); a new entry starts with "- ".',
      }
    : {
        ...at,
        message: 'this line is not lined up with the block above it',
        hint:
          'If it goes on with the text of the line above, join the two lines; if it ' +
          'is a field, indent it exactly as far as the other fields of this list entry.',
      };
}

/**
 * A field without its ":" (`reply_to coop@example.org`, `intro |`, `site` above its fields), or
 * without the space after it (`title:Hello`), said as such when the line is plainly meant as a field;
 * a line of text that lost its indentation reads the same, and is told both ways to read it.
 */
function missingColon(lines: string[], line: number): Explanation | null {
  if (blockHeaderAbove(lines, line - 1)) return null;
  const f = fieldWithoutColon(lines, line);
  if (!f) return null;
  const at = { line, column: f.column };
  if (f.spaceMissing) {
    return {
      ...at,
      message: `missing space after the ":" of the key "${f.key}"`,
      hint: `Write a space after the colon: ${f.key}: ${f.value}`,
    };
  }
  if (!f.plainlyMeant) return { ...at, message: NOT_A_FIELD, hint: NOT_A_FIELD_HINT };
  return {
    ...at,
    // The lines indented under it are its block (intro's en:, fr:…): the parser finds them out of place too.
    cascadeThrough: blockEnd(lines, line),
    message: `missing ":" after the key "${f.key}"`,
    hint: f.value
      ? `Write a colon and a space after the field's name: ${f.key}: ${f.value}`
      : `Write a colon after the field's name: ${f.key}:`,
  };
}

/** The number of the last line of the block under line number `line`: the lines indented further. */
function blockEnd(lines: string[], line: number): number {
  const indent = indentOf(lines[line - 1]!);
  let end = line;
  for (let i = line; i < lines.length && (/^\s*(#.*)?$/.test(lines[i]!) || indentOf(lines[i]!) > indent); i++) {
    if (!/^\s*(#.*)?$/.test(lines[i]!)) end = i + 1;
  }
  return end;
}

/** "Implicit map keys need to be followed by map values": a line with no "name:" where a field belongs. */
function notAField(lines: string[], line: number, at: { line?: number; column?: number }): Explanation {
  const header = blockHeaderAbove(lines, line - 1);
  if (header) {
    return {
      ...at,
      message: `this line of the text under "${header.field}: ${header.style}" is not indented under it`,
      hint: `Indent every line of that text further than "${header.field}:" itself.`,
    };
  }
  return { ...at, message: NOT_A_FIELD, hint: NOT_A_FIELD_HINT };
}

const NOT_A_FIELD = 'this line is not a field ("name: value")';
const NOT_A_FIELD_HINT =
  'If it is a field, write ":" and a space after its name; if it is text that goes on from the line above, ' +
  'join the two lines.';

/** The `summary: >-` or `intro: |` whose text the line at index `i` was meant to be part of, if any. */
function blockHeaderAbove(lines: string[], i: number): { field: string; style: string } | null {
  const indent = indentOf(lines[i]!);
  for (let j = i - 1; j >= 0; j--) {
    const text = lines[j]!;
    if (/^\s*(#.*)?$/.test(text) || indentOf(text) > indent) continue;
    const m = /^\s*(?:-\s+)?([^\s:#]+):\s+([|>][-+0-9]*)\s*(?:#.*)?$/.exec(text);
    return m ? { field: m[1]!, style: m[2]! } : null;
  }
  return null;
}

function structureHint(line: string): string {
  // "title: COOP Champions: Karim…" — a second ": " on the line means the value needs quotes;
  // otherwise the line is indented wrongly (or a text line under "intro: |" is not indented).
  return /:\s.*:\s/.test(line)
    ? 'A value containing ": " needs quotes, e.g. title: "COOP Champions: Karim Toumi".'
    : 'Check the indentation of this line: a field lines up with the fields ' +
        'around it, and each line of a text block (intro: |) is indented under it.';
}

function hint(e: YAMLError): string | undefined {
  switch (e.code) {
    case 'BAD_INDENT':
      return 'Check the indentation (spaces, not tabs) and that every [ or { is closed.';
    case 'MISSING_CHAR':
      // The same code covers unrelated mistakes; only these are about a quote or a bracket.
      if (/quote|end with a [\]}]/.test(e.message)) return CLOSE_HINT;
      if (/Missing , /.test(e.message)) return 'Inside [ ] or { }, separate the entries with a comma and a space.';
      return undefined;
    case 'DUPLICATE_KEY':
      return 'A field appears twice in the same block; keep one.';
    case 'TAB_AS_INDENT':
      return 'Indent with spaces; YAML does not allow tabs.';
    default:
      return undefined;
  }
}

function unclosedOpener(e: YAMLError, lines: string[]): Explanation | null {
  const quote = e.code === 'MISSING_CHAR' && /quote/.test(e.message) ? (/single/i.test(e.message) ? "'" : '"') : null;
  const bracket = /end with a \]/.test(e.message) ? '[' : /end with a \}/.test(e.message) ? '{' : null;
  if (!quote && !bracket) return null;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.replace(/\s#.*$/, '');
    const col = quote ? unbalancedQuote(text, quote) : unbalancedBracket(text, bracket!);
    if (col < 0) continue;
    if (quote && closedBelow(lines, i, quote)) {
      // Quoted text may go on over several lines, but only indented further than its field.
      return {
        line: i + 2,
        column: indentOf(lines[i + 1]!) + 1,
        message: `this line goes on with the quoted text of line ${i + 1} but is not indented under its field`,
        hint: 'Indent the following lines of a quoted text further than the field name, or keep the text on one line.',
      };
    }
    const what = quote
      ? `this ${quote === '"' ? 'double' : 'single'} quote (${quote}) is never closed`
      : `this ${bracket} is never closed with ${bracket === '[' ? ']' : '}'}`;
    return { line: i + 1, column: col + 1, message: what, hint: CLOSE_HINT };
  }
  return null;
}

/** True when the quote opened on line `i` is closed on one of the next lines, before the next field. */
function closedBelow(lines: string[], i: number, q: string): boolean {
  for (let j = i + 1; j < lines.length; j++) {
    const text = lines[j]!;
    if (FIELD.test(text) || /^\s*-\s/.test(text)) return false;
    if (unescapedQuote(text, q, 0) >= 0) return true;
  }
  return false;
}

/** Column of a quote that starts a value (after "key: " or "- ") and is not closed on its line, or -1. */
function unbalancedQuote(text: string, q: string): number {
  const start = new RegExp(`^(\\s*(?:-\\s+)?(?:[^\\s:#][^:#]*:\\s+)?)${q === '"' ? '"' : "'"}`).exec(text);
  if (!start) return -1;
  const open = start[1]!.length;
  return unescapedQuote(text, q, open + 1) >= 0 ? -1 : open;
}

/** Index of the first quote `q` from `from` on that ends a quoted text, or -1. */
function unescapedQuote(text: string, q: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] !== q) continue;
    if (q === "'" && text[i + 1] === "'") {
      i++; // '' is an escaped quote inside single quotes
      continue;
    }
    if (q === '"' && text[i - 1] === '\\') continue;
    return i;
  }
  return -1;
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
