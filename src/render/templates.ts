/**
 * Loads the templates and prepares two Handlebars environments: one for the
 * MJML layout (HTML-escaping) and one for the plain-text part (no escaping).
 * Each file is the project's own when it has it, else the package's default
 * (src/project/templates.ts). Syntax errors in any template are collected with
 * file:line.
 */
import path from 'node:path';
import Handlebars from 'handlebars';
import { type Problem, throwIfProblems } from '../errors.js';
import { readText } from '../content/yaml-file.js';
import { slotMarker } from './slots.js';
import { wrapText } from './wrap-text.js';
import { scanMustaches } from './template-syntax.js';
import { TRANSLATOR, type Translator } from './strings.js';
import type { ItemTypeInfo } from '../content/item-types.js';
import { PARTIAL, templateFiles } from './template-files.js';

export interface TemplateFile {
  file: string;
  source: string;
}

export interface TemplateSet {
  /** The folder of the HTML layout (the project's, or the package's defaults): MJML resolves mj-include there. */
  dir: string;
  html: TemplateFile;
  text: TemplateFile;
  /** File name → file; `{{> item-news}}` in the MJML is templates/partials/item-news.mjml. */
  partials: Map<string, TemplateFile>;
}

export function loadTemplates(dir: string, types: readonly ItemTypeInfo[]): TemplateSet {
  const read = (file: string, what: string): TemplateFile => ({ file, source: readText(file, what) });
  const files = templateFiles(dir, types);
  const html = read(files.html, 'the MJML layout of the email');
  const text = read(files.text, 'the plain-text version of the email');
  const partials = new Map<string, TemplateFile>();
  for (const file of files.partials) {
    partials.set(path.basename(file), read(file, 'a template partial'));
  }
  const set = { dir: path.dirname(html.file), html, text, partials };
  checkSyntax(set);
  return set;
}

function checkSyntax(set: TemplateSet): void {
  const problems: Problem[] = [];
  for (const t of [set.html, set.text, ...set.partials.values()]) {
    const reserved = t.source.search(/[\uE000-\uF8FF]/u);
    if (reserved >= 0) {
      const line = t.source.slice(0, reserved).split('\n').length;
      problems.push({
        message: 'contains a private-use character, which enews reserves for recipient slots',
        location: { file: t.file, line },
      });
    }
    const found = handlebarsSyntaxProblems(t);
    problems.push(...found.problems);
    if (found.parsed) parsedOnce.set(t, found.parsed);
  }
  throwIfProblems('template-syntax', 'A template has a Handlebars syntax error', problems);
}

/**
 * Each template as the syntax check parsed it, for its compile to take instead of parsing it again (a third
 * of Handlebars' time in a build). Taken once: compiling applies Handlebars' whitespace rules to the tree
 * itself. Kept beside the files, not in them, so a copy with other source (checks/source-map.ts) has none.
 */
const parsedOnce = new WeakMap<TemplateFile, hbs.AST.Program>();

/** What to compile `t` from: the tree its syntax check parsed, the first time, else its source. */
export function compilable(t: TemplateFile): string | hbs.AST.Program {
  const parsed = parsedOnce.get(t);
  parsedOnce.delete(t);
  return parsed ?? t.source;
}

/**
 * What is wrong with a Handlebars template's syntax, at its file and line: the pre-scan's finding
 * (template-syntax.ts, which names the unclosed `{{` or block where it is), else Handlebars' own.
 * Shared by the email's templates and the archive's (site/templates.ts).
 */
export function handlebarsSyntaxProblems(t: { file: string; source: string }): {
  problems: Problem[];
  /** The template's tree when it has no problem, before Handlebars' whitespace rules (compile applies them). */
  parsed?: hbs.AST.Program;
} {
  const scanned = scanMustaches(t.source, t.file);
  if (scanned.length) return { problems: scanned };
  try {
    return { problems: [], parsed: Handlebars.parseWithoutProcessing(t.source) };
  } catch (err) {
    return { problems: [handlebarsProblem(err, t.file)] };
  }
}

/** Turns a Handlebars exception into a problem with the template's file and line. */
export function handlebarsProblem(err: unknown, file: string): Problem {
  const e = err as { message?: string; lineNumber?: number; column?: number };
  const raw = String(e.message ?? err);
  // Parse errors look like "Parse error on line 3:\n…\nExpecting …"; keep the part that says what is wrong.
  const lineMatch = /on line (\d+)/.exec(raw) ?? / - (\d+):(\d+)$/.exec(raw.split('\n')[0] ?? '');
  const line = e.lineNumber ?? (lineMatch ? Number(lineMatch[1]) : undefined);
  const lines = raw.split('\n');
  const message = (lines.length > 1 ? lines[lines.length - 1]! : lines[0]!)
    .replace(/ - \d+:\d+$/, '')
    .replace(/^"(.+)" not defined in .*$/, 'the field "$1" does not exist here');
  return {
    message: `Handlebars: ${message}`,
    location: { file, line, column: e.column !== undefined ? e.column + 1 : undefined },
    hint: /slot needs a name/.test(raw)
      ? 'Write the slot name in quotes: {{slot "name"}}, {{slot "email"}}, {{slot "unsubscribe_url"}} or a CSV column.'
      : /is not a key of the strings|t needs a key/.test(raw)
        ? 'Template words live in templates/strings/<language>.yaml: add the key to each language, or correct it.'
        : /could not be found/.test(raw)
          ? 'Partials live in templates/partials/, e.g. {{> item-news}} is templates/partials/item-news.mjml.'
          : /not defined in/.test(raw)
            ? 'The template uses a field that does not exist; see the field list in README.md (Templates).'
            : 'Check that every {{#if}} / {{#each}} has its matching {{/if}} / {{/each}}.',
  };
}

/** A Handlebars environment with enews' helpers and the given partials. */
export function handlebarsEnv(set: TemplateSet, kind: 'html' | 'text'): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper('slot', (name: unknown, options: { loc?: { start: { line: number; column: number } } }) => {
    if (typeof name !== 'string' || !/^[A-Za-z0-9_]+$/.test(name)) {
      // Thrown like a Handlebars error so it gets the template's file and line.
      throw Object.assign(new Error('slot needs a name in quotes, e.g. {{slot "name"}}'), {
        lineNumber: options?.loc?.start.line,
        column: options?.loc?.start.column,
      });
    }
    return new hb.SafeString(slotMarker(name));
  });
  hb.registerHelper('wrap', (value: unknown, options: { hash?: { width?: number; indent?: string } }) =>
    wrapText(String(value ?? ''), options.hash?.width ?? 72, options.hash?.indent ?? ''),
  );
  registerTranslate(hb, (root) => (root as { [TRANSLATOR]?: Translator } | undefined)?.[TRANSLATOR]);
  hb.registerHelper('upper', (value: unknown) => String(value ?? '').toUpperCase());
  hb.registerHelper('rule', (char: unknown) => (typeof char === 'string' ? char : '-').repeat(72));
  const ext = kind === 'html' ? /\.mjml$/ : /\.(txt|hbs)$/;
  for (const [fileName, t] of set.partials) {
    if (!ext.test(fileName)) continue;
    const name = fileName.replace(PARTIAL, '');
    const compiled = hb.compile(compilable(t), { strict: true, noEscape: kind === 'text' });
    // Runtime errors inside a partial would otherwise not say which file they came from.
    hb.registerPartial(name, (ctx: unknown, options?: Handlebars.RuntimeOptions) => {
      try {
        return compiled(ctx, options);
      } catch (err) {
        throw annotate(err, t.file);
      }
    });
  }
  return hb;
}

type HelperOptions = {
  hash?: Record<string, unknown>;
  data?: { root?: unknown };
  loc?: { start: { line: number; column: number } };
};

/**
 * {{t "read_more"}}, {{t "salutation" name=(slot "name")}}: the text of a key in the language of
 * the page being rendered, its {placeholders} filled from the hash. The result is plain text, which
 * Handlebars escapes like any value; slot markers pass through as they are.
 */
export function registerTranslate(
  hb: typeof Handlebars,
  translatorOf: (root: unknown) => Translator | undefined,
): void {
  hb.registerHelper('t', (key: unknown, options: HelperOptions) => {
    const where = { lineNumber: options?.loc?.start.line, column: options?.loc?.start.column };
    if (typeof key !== 'string') {
      throw Object.assign(new Error('t needs a key in quotes, e.g. {{t "read_more"}}'), where);
    }
    const tr = translatorOf(options?.data?.root);
    if (!tr) throw Object.assign(new Error('{{t}} is used where no strings are loaded'), where);
    if (!tr.has(key)) {
      throw Object.assign(new Error(`"${tr.fullKey(key)}" is not a key of the strings (${tr.strings.file})`), where);
    }
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options.hash ?? {})) values[k] = v instanceof hb.SafeString ? v.toString() : v;
    return tr.t(key, values);
  });
}

export class TemplateRuntimeError extends Error {
  constructor(
    readonly original: unknown,
    readonly file: string,
  ) {
    super(String((original as Error)?.message ?? original));
  }
}

function annotate(err: unknown, file: string): unknown {
  return err instanceof TemplateRuntimeError ? err : new TemplateRuntimeError(err, file);
}
