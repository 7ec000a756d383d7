/**
 * Reads a YAML file staff edited and checks it against a zod schema, keeping
 * line numbers so every problem points at `file:line:column`. All problems of
 * a file are collected and reported together.
 */
import { readFileSync } from 'node:fs';
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { EnewsError, type Location, type Problem, throwIfProblems } from '../errors.js';
import { closest } from '../util/closest.js';
import { syntaxProblems } from './yaml-syntax.js';

export interface YamlSource {
  /** Absolute path; the CLI shows it relative to where it runs. */
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code})`;
    throw new EnewsError('file-missing', `${file} ${reason}: it should hold ${what}.`);
  }
}

/** Parses YAML; syntax errors are thrown with their positions. */
export function parseYaml(file: string, text: string): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true });
  const shown = file;
  const problems = syntaxProblems(shown, text, doc.errors);
  throwIfProblems('yaml-syntax', `${shown} is not valid YAML`, problems);
  return { file: shown, text, doc, lines };
}

/** Location of the value at `keyPath`, or of its nearest existing parent. */
export function locate(src: YamlSource, keyPath: ReadonlyArray<PropertyKey>, keyItself = false): Location {
  let node: unknown = src.doc.contents;
  let offset = (src.doc.contents as Node | null)?.range?.[0] ?? 0;
  for (const key of keyPath) {
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair || !isPair(pair)) break;
      const keyNode = pair.key as Node;
      if (keyItself && key === keyPath[keyPath.length - 1]) {
        offset = keyNode.range?.[0] ?? offset;
        break;
      }
      next = pair.value ?? keyNode;
    } else {
      next = items[Number(key)];
    }
    if (!next) break;
    node = next;
    offset = (next as Node).range?.[0] ?? offset;
  }
  const pos = src.lines.linePos(offset);
  return { file: src.file, line: pos.line, column: pos.col };
}

/** Dot path a person can search for in the file: `items.2.title`. */
export function dotPath(keyPath: ReadonlyArray<PropertyKey>): string {
  return keyPath.map(String).join('.');
}

/**
 * The field as a person finds it: a list entry with an id (a catalog item, an
 * item block in an issue) by that id, `item "coop-future-of-work": summary`,
 * because nobody counts list entries; the dot path when there is no id to go by.
 */
function fieldPath(src: YamlSource, keyPath: ReadonlyArray<PropertyKey>): string {
  for (let i = 0; i < keyPath.length; i++) {
    if (typeof keyPath[i] !== 'number') continue;
    const id: unknown = src.doc.getIn([...keyPath.slice(0, i + 1), 'id']);
    // An id that is not one line of text (a number, empty, two entries run together) cannot name anything.
    if (typeof id !== 'string' || id.trim() === '' || /[\r\n]/.test(id)) return dotPath(keyPath);
    const rest = dotPath(keyPath.slice(i + 1));
    return `item "${id}"${rest ? `: ${rest}` : ''}`;
  }
  return dotPath(keyPath);
}

/** Validates parsed YAML against a schema; throws one error listing every problem. */
export function validate<S extends z.ZodType>(src: YamlSource, schema: S, what: string): z.infer<S> {
  const data: unknown = src.doc.toJS();
  const problems: Problem[] = reservedCharacters(src, data, []);
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(...describeIssue(src, issue, schema));
  }
  problems.sort(
    (a, b) =>
      (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
  throwIfProblems('schema', `${src.file} is not a valid ${what}`, problems);
  return result.data as z.infer<S>;
}

/**
 * Characters content must not carry: private-use ones mark the per-recipient
 * slots in rendered output (see render/slots.ts), so content could forge a
 * slot; text-direction overrides can make a link or a name read as something
 * else (a classic spoofing trick) and plain text never needs them.
 */
const FORBIDDEN: Array<[RegExp, string]> = [
  [/[\uE000-\uF8FF]/u, 'contains a private-use character (U+E000–U+F8FF), which enews reserves'],
  [
    /[\u202A-\u202E\u2066-\u2069]/u,
    'contains an invisible text-direction override character (U+202A–U+202E, U+2066–U+2069)',
  ],
];

function reservedCharacters(src: YamlSource, value: unknown, keyPath: PropertyKey[]): Problem[] {
  if (typeof value === 'string') {
    return FORBIDDEN.filter(([re]) => re.test(value)).map(([, message]) => ({
      message,
      path: fieldPath(src, keyPath),
      location: locate(src, keyPath),
      hint: 'Delete the invisible character; retyping the text usually does it.',
    }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => reservedCharacters(src, v, [...keyPath, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => reservedCharacters(src, v, [...keyPath, k]));
  }
  return [];
}

function describeIssue(src: YamlSource, issue: z.core.$ZodIssue, schema: z.ZodType): Problem[] {
  const keyPath = issue.path;
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schema, keyPath);
    return issue.keys.map((key) => {
      const suggestion = closest(key, known, 1)[0];
      return {
        message: `unknown field "${key}"`,
        path: fieldPath(src, [...keyPath, key]),
        location: locate(src, [...keyPath, key], true),
        hint: suggestion ? `Did you mean "${suggestion}"?` : `Fields allowed here: ${known.join(', ')}.`,
      };
    });
  }
  // A text that may be given per language is a union: left out, it is missing all the same.
  const missing = (issue.code === 'invalid_type' || issue.code === 'invalid_union') && issue.input === undefined;
  const message = missing
    ? 'is required but missing'
    : issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')
      ? `must be ${article(issue.expected)}, not ${describeValue(issue.input)}`
      : issue.code === 'invalid_union'
        ? unionMessage(issue)
        : issue.code === 'invalid_format' && typeof issue.input === 'string'
          ? `${issue.message} (got ${describeValue(issue.input)})`
          : issue.message;
  const joined =
    typeof issue.input === 'string' && / - /.test(issue.input) && typeof keyPath[keyPath.length - 1] === 'number';
  return [
    {
      message,
      path: fieldPath(src, keyPath) || undefined,
      location: locate(src, keyPath, missing),
      hint: joined
        ? 'Two list entries ran together: start each one on its own line with "- ", lined up with the others.'
        : undefined,
    },
  ];
}

/** The two unions of the content model: a text or one per language, and an item id or an item block. */
function unionMessage(issue: z.core.$ZodIssue): string {
  const options = (issue as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
  const perLanguage = options.some((o) => o.some((e) => e.code === 'invalid_type' && e.expected === 'record'));
  if (!perLanguage) return `must be an item id (text) or a block with "id:"`;
  // Text that is wrong as text (a line break, too long) is told what text must be; so is a missing
  // value: most newsletters write one text and need not hear of more.
  const asText = options.find((o) => !o.some((e) => e.code === 'invalid_type' && e.expected === 'record'));
  const textIssue = asText?.[0];
  if (typeof issue.input === 'string' && textIssue) return textIssue.message;
  if (issue.input === null || typeof issue.input !== 'object') return `must be text, not ${describeValue(issue.input)}`;
  return `must be text, or one text per language (en: …, fr: … on the lines under it), not ${describeValue(issue.input)}`;
}

function article(expected: string): string {
  const words: Record<string, string> = {
    string: 'text',
    number: 'a number',
    object: 'a block of fields',
    array: 'a list',
  };
  return words[expected] ?? expected;
}

function describeValue(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a block of fields';
  if (typeof v === 'string') return `text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

/** Field names the schema allows at `keyPath`, for "did you mean". */
function knownKeys(schema: z.ZodType, keyPath: ReadonlyArray<PropertyKey>): string[] {
  let s: unknown = schema;
  for (const key of keyPath) s = childSchema(s, key);
  const shape = (objectOf(s) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** The object schema itself, or the object option of a union (an item id or an item block). */
function objectOf(s: unknown): unknown {
  const u = unwrap(s) as { shape?: unknown; def?: { options?: unknown[] } } | undefined;
  return u?.shape ? u : u?.def?.options?.map(unwrap).find((o) => (o as { shape?: unknown })?.shape);
}

function unwrap(s: unknown): unknown {
  let cur = s as { def?: { innerType?: unknown; type?: string; options?: unknown[] } } | undefined;
  while (cur?.def?.innerType) cur = cur.def.innerType as typeof cur;
  return cur;
}

function childSchema(s: unknown, key: PropertyKey): unknown {
  const u = unwrap(s) as { def?: { element?: unknown; valueType?: unknown } } | undefined;
  if (u?.def?.element) return u.def.element;
  // A record (translations: { fr: { … } }): every key holds the same kind of block.
  if (u?.def?.valueType) return u.def.valueType;
  return (objectOf(s) as { shape?: Record<string, unknown> } | undefined)?.shape?.[String(key)];
}
