/**
 * A field whose ":" is missing, as a YAML parser meets it: `reply_to coop@example.org` reads as the
 * start of a key that runs on into the next line ("implicit keys need to be on a single line"), the
 * last line of a file as a key without a value. Which is what the person meant only the line itself
 * can tell: a line of text that lost its indentation (`for the future of work` under `title: …`)
 * has the same shape. A line is plainly meant as a field when nothing above it could go on into it,
 * when its first word is a field name of the content model, is written `name:` elsewhere in the
 * file or has an underscore, when fields follow it indented (`site` above `base_url:`), or when the
 * rest is a value and nothing else (a block's `|`, a quote, an address, a date, a number).
 */
import { z } from 'zod';
import { catalogSchema, issueSchema, newsletterSchema } from './schema.js';

export interface FieldWithoutColon {
  /** Where the field's name starts (1-based). */
  column: number;
  key: string;
  /** What follows the name, trimmed; '' when nothing does. */
  value: string;
  /** `title:Hello`: the colon is there, the space after it is not. */
  spaceMissing: boolean;
  plainlyMeant: boolean;
}

/** Line number `line` (1-based) of `lines` read as a field without its ":", or null when it is not shaped like one. */
export function fieldWithoutColon(lines: string[], line: number): FieldWithoutColon | null {
  const text = lines[line - 1]!.replace(/\s+#.*$/, '');
  // `https://…` alone on a line is not the key "https".
  const tight = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*):([^\s/].*)$/.exec(text);
  if (tight) {
    const [, lead, key, value] = tight;
    return { column: lead!.length + 1, key: key!, value: value!.trim(), spaceMissing: true, plainlyMeant: true };
  }
  const m = /^(\s*(?:-\s+)?)([A-Za-z_][\w-]*)(?:[ \t]+(.*))?$/.exec(text);
  if (!m || /:(\s|$)/.test(m[3] ?? '')) return null;
  const [, lead, key] = m;
  const value = (m[3] ?? '').trim();
  const next = nextLine(lines, line);
  const plainlyMeant =
    !continuable(lines, line) ||
    (value === '' && next !== undefined && indentOf(next) > indentOf(text)) ||
    /^[|>"'[{]/.test(value) ||
    key!.includes('_') ||
    contentFieldNames().has(key!) ||
    lines.some((l, i) => i !== line - 1 && new RegExp(`^\\s*(?:-\\s+)?${key}:(\\s|$)`).test(l)) ||
    /^(https?:\/\/\S+|\S+@\S+\.\S+|\d{4}-\d\d-\d\d|-?\d+(\.\d+)?|true|false)$/.test(value);
  return { column: lead!.length + 1, key: key!, value, spaceMissing: false, plainlyMeant };
}

let fieldNames: Set<string> | undefined;

/** Every field name of the content model (newsletter.yaml, the catalog, an issue), from its schemas. */
function contentFieldNames(): Set<string> {
  if (fieldNames) return fieldNames;
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'properties' && v && typeof v === 'object') for (const name of Object.keys(v)) names.add(name);
      walk(v);
    }
  };
  for (const schema of [newsletterSchema, catalogSchema, issueSchema])
    walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }));
  fieldNames = names;
  return names;
}

function indentOf(text: string): number {
  return /^ */.exec(text)![0].length;
}

const blank = (l: string) => /^\s*(#.*)?$/.test(l);

/** The next line with something on it after line number `line` (1-based), if any. */
function nextLine(lines: string[], line: number): string | undefined {
  return lines.slice(line).find((l) => !blank(l));
}

/**
 * Whether the line above could go on into line number `line`: a field or list entry with a plain
 * value, or text. Not after `name:` that opens a block, a quoted or bracketed value, or at the top.
 */
function continuable(lines: string[], line: number): boolean {
  const above = lines
    .slice(0, line - 1)
    .reverse()
    .find((l) => !blank(l));
  if (above === undefined) return false;
  const field = /^\s*(?:-\s+)?[^\s:#'"[{-][^:#]*:(?:\s+(.*))?$/.exec(above.replace(/\s+#.*$/, ''));
  const value = field ? (field[1] ?? '').trim() : above.replace(/^\s*-\s+/, '').trim();
  return value !== '' && !/^["'[{|>&*!]/.test(value);
}
