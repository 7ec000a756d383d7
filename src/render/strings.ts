/**
 * The words of the templates in each language: one strings file per language,
 * templates/strings/<lang>.yaml (en.yaml, fr.yaml, es.yaml ship as defaults; a project's own file
 * wins, file by file, like every template). A template writes {{t "read_more"}}; a text with
 * placeholders is an ICU message ("Dear {name},"), formatted by intl-messageformat, which also
 * knows plurals ({count, plural, one {# item} other {# items}}).
 *
 * Top-level keys are the email's (and its web version's): they are build inputs. The `site:`
 * section is the archive's (enews site) and `unsubscribe_page:` the unsubscribe page's (enews
 * serve); neither is a build input, so rewording the archive never makes a reviewed build stale.
 *
 * Strings are plain text, escaped where they are shown: a value with {{ }} (a template) or HTML
 * is refused, and so is a translation whose placeholders are not the default language's.
 */
import { existsSync } from 'node:fs';
import { parse as parseMessage } from '@formatjs/icu-messageformat-parser';
import { IntlMessageFormat } from 'intl-messageformat';
import { isMap, isScalar, type Node } from 'yaml';
import { EnewsError, type Location, type Problem, throwIfProblems } from '../errors.js';
import { languageName } from '../content/languages.js';
import { locate, parseYaml, readText, type YamlSource } from '../content/yaml-file.js';
import path from 'node:path';
import { PACKAGE_TEMPLATES } from '../project/package.js';
import { isInside } from '../project/root.js';
import { templateFile } from '../project/templates.js';
import { closest } from '../util/closest.js';

export const STRINGS_DIR = 'strings';
/** Where a view (the email's, an archive page's) carries its language's translator, out of the templates' sight. */
export const TRANSLATOR: unique symbol = Symbol('enews translator');
/** Sections read by enews site and enews serve only: not build inputs. */
export const SECTIONS = ['site', 'unsubscribe_page', 'signup_page', 'preferences_page', 'confirm_email'] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * Keys enews added after strings files could be ejected (for the sign-up and preferences pages, and the footer's
 * link to the latter): a project's own file that lacks them takes them from enews's file of its language (else
 * the English one), and `fromEnews` names them, so an upgrade never turns a working strings file into an error.
 */
const LATER_SECTIONS: readonly string[] = ['signup_page', 'preferences_page', 'confirm_email'];
const LATER_KEYS: readonly string[] = [
  'manage_subscription',
  'manage_subscription_at',
  'unsubscribe_page.manage_instead',
  'unsubscribe_page.manage_link',
];

export interface StringsFile {
  language: string;
  file: string;
  /** As read, for the build's inputs (build/inputs.ts). */
  text: string;
  /** As parsed (the whole file, as YAML's parse gives it), so the build's inputs need not parse it again. */
  value: unknown;
  /** Set when the language has no strings file and this one's words stand in (`en`): a warning. */
  standIn?: string;
  /** Keys added to enews after this file was written, taken from enews's own file (LATER_KEYS): a warning. */
  fromEnews?: string[];
  /** `read_more`, `site.all_issues` → its text and where it is written. */
  values: Map<string, { text: string; location: Location; args: Set<string> }>;
}

/** The strings of every language of a newsletter, the default first. */
export type Strings = Map<string, StringsFile>;

/** The strings file of `language` in `templatesDir`: its own tag (fr-CH.yaml), else its language's (fr.yaml). */
export function stringsFileFor(templatesDir: string, language: string): string {
  const parts = language.split('-');
  for (let n = parts.length; n > 0; n--) {
    const file = templateFile(templatesDir, `${STRINGS_DIR}/${parts.slice(0, n).join('-')}.yaml`);
    if (existsSync(file)) return file;
  }
  return templateFile(templatesDir, `${STRINGS_DIR}/${language}.yaml`);
}

/**
 * Where the words of `language`, one of `languages` (the default first), come from: its strings
 * file, or, for a default language without one (a newsletter in German, say), the English file
 * with `standIn` set, so its emails have the default templates' English words (a warning,
 * prepare-issue.ts). Null: another language without its words, which would mix English
 * into it (an error). One rule for the build (loadStrings) and for proving a build current
 * (build/read-build.ts), so both name the same file.
 */
export function stringsSource(
  templatesDir: string,
  languages: readonly string[],
  language: string,
): { file: string; standIn?: string } | null {
  const file = stringsFileFor(templatesDir, language);
  if (existsSync(file)) return { file };
  const english = stringsFileFor(templatesDir, STAND_IN);
  if (language !== languages[0] || !existsSync(english)) return null;
  return { file: english, standIn: STAND_IN };
}

/** Reads and checks the strings of `languages` (the default first); throws one error listing every problem. */
export function loadStrings(templatesDir: string, languages: readonly string[]): Strings {
  const problems: Problem[] = [];
  const strings: Strings = new Map();
  // Each language's keys written with a text that is not valid: reported where written, and not missing elsewhere.
  const rejected = new Map<string, Set<string>>();
  for (const language of languages) {
    const source = stringsSource(templatesDir, languages, language);
    if (!source) {
      problems.push(missingFile(stringsFileFor(templatesDir, language), language, languages[0]!, templatesDir));
      continue;
    }
    const { file, standIn } = source;
    // The tag, not the language's name: Intl.DisplayNames costs tens of milliseconds to load.
    const text = readText(file, `the words of the templates in the language ${language}`);
    const src = parseYaml(file, text);
    const invalid = new Set<string>();
    rejected.set(language, invalid);
    const values = readValues(src, problems, invalid);
    const fromEnews = addLaterKeys(values, language, file, problems);
    strings.set(language, {
      language,
      file,
      text,
      value: src.doc.toJS(),
      values,
      ...(standIn ? { standIn } : {}),
      ...(fromEnews.length ? { fromEnews } : {}),
    });
  }
  const def = strings.get(languages[0]!);
  for (const other of strings.values()) {
    if (!def || other === def) continue;
    const invalid = new Set([...rejected.get(def.language)!, ...rejected.get(other.language)!]);
    problems.push(...compare(def, other, invalid));
  }
  throwIfProblems('strings', 'The strings files of the templates have problems', problems);
  return strings;
}

/** Fills in the LATER_KEYS a project's own file lacks from enews's file of its language, else the English one. */
function addLaterKeys(values: StringsFile['values'], language: string, file: string, problems: Problem[]): string[] {
  const later = (key: string) => LATER_KEYS.includes(key) || LATER_SECTIONS.includes(key.split('.')[0]!);
  if (isInside(PACKAGE_TEMPLATES, file)) return [];
  const own = path.join(PACKAGE_TEMPLATES, STRINGS_DIR, `${language.split('-')[0]}.yaml`);
  const source = existsSync(own) ? own : path.join(PACKAGE_TEMPLATES, STRINGS_DIR, `${STAND_IN}.yaml`);
  const missing = (k: string) => later(k) && !values.has(k);
  const theirs = readValues(parseYaml(source, readText(source, 'the words of enews')), problems);
  const added: string[] = [];
  for (const [key, v] of theirs) {
    if (!missing(key)) continue;
    values.set(key, v);
    added.push(key);
  }
  return added;
}

/** Whose words a default language without a strings file is given. */
const STAND_IN = 'en';

function missingFile(file: string, language: string, def: string, templatesDir: string): Problem {
  // Start from the default language's file when there is one, else from the English one enews ships.
  const from = existsSync(stringsFileFor(templatesDir, def)) ? def : STAND_IN;
  return {
    message: `there is no strings file for ${languageName(language)} (${language}): the template words need one`,
    location: { file },
    hint:
      `Create it: enews templates eject strings/${from}.yaml, copy it to templates/strings/${language}.yaml ` +
      'and translate each text (keep the keys and the {placeholders}).',
  };
}

/**
 * Every key of the file, flattened (`site.all_issues`), with its text checked; a key whose text is not valid has
 * its problem pushed and is added to `rejected` instead.
 */
function readValues(src: YamlSource, problems: Problem[], rejected = new Set<string>()): StringsFile['values'] {
  const values: StringsFile['values'] = new Map();
  const root = src.doc.contents as Node | null;
  if (!isMap(root)) {
    problems.push({
      message: 'must be a list of keys and texts, e.g. read_more: Read more',
      location: locate(src, []),
    });
    return values;
  }
  for (const pair of root.items) {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    if ((SECTIONS as readonly string[]).includes(key) && isMap(pair.value)) {
      for (const inner of pair.value.items) {
        const sub = String(isScalar(inner.key) ? inner.key.value : inner.key);
        if (!addValue(src, [key, sub], inner.value, values, problems)) rejected.add(`${key}.${sub}`);
      }
    } else if (!addValue(src, [key], pair.value, values, problems)) {
      rejected.add(key);
    }
  }
  return values;
}

/** Adds the text at `keyPath`; false when it is not valid (its problem is pushed). */
function addValue(
  src: YamlSource,
  keyPath: string[],
  node: unknown,
  values: StringsFile['values'],
  problems: Problem[],
): boolean {
  const key = keyPath.join('.');
  const location = locate(src, keyPath);
  const text = isScalar(node) && typeof node.value === 'string' ? node.value : null;
  if (text === null) {
    problems.push({
      message: `${key} must be a text`,
      location,
      hint: 'Write the text after the key, e.g. read_more: Read more',
    });
    return false;
  }
  const bad = unsafe(text);
  if (bad) {
    problems.push({
      message: `${key}: ${bad}`,
      location,
      hint: 'Strings are plain text; placeholders are written {name}.',
    });
    return false;
  }
  let args: Set<string>;
  try {
    // The parser intl-messageformat itself uses: a whole IntlMessageFormat per key resolves its locale each
    // time, which cost ≈ 40 ms of a build's main thread for the ≈ 300 keys of three languages.
    args = argumentsOf(parseMessage(text, { ignoreTag: true }));
  } catch (err) {
    problems.push({
      message: `${key} is not a valid message: ${syntaxWords(String((err as Error).message))}`,
      location,
      hint: "Placeholders are {name}; write a { or } that is meant as text as '{' or '}'.",
    });
    return false;
  }
  values.set(key, { text, location, args });
  return true;
}

/** Why a text cannot be a string: a template expression or HTML, which would be shown as typed, or let in. */
function unsafe(text: string): string | null {
  if (/\{\{|\}\}/.test(text)) return 'contains {{ }}, which strings cannot hold (they are text, not templates)';
  const tag = /<\/?[A-Za-z!][^>]*>?/.exec(text);
  if (tag) return `contains HTML (${tag[0].slice(0, 30)}), which strings cannot hold: they are shown as text`;
  return null;
}

/** The parser answers with codes such as EXPECT_ARGUMENT_CLOSING_BRACE. */
function syntaxWords(code: string): string {
  if (/CLOSING_BRACE/.test(code)) return 'a { is not closed with }';
  if (/EMPTY_ARGUMENT|MALFORMED_ARGUMENT/.test(code)) return 'a placeholder needs a name between { and }';
  return code.toLowerCase().replace(/_/g, ' ');
}

/** Placeholder names of a message, in every branch of its plurals and selects. */
function argumentsOf(ast: ReturnType<IntlMessageFormat['getAst']>, into = new Set<string>()): Set<string> {
  for (const el of ast) {
    if ('value' in el && el.type !== 0 && typeof el.value === 'string') into.add(el.value);
    if ('options' in el) for (const o of Object.values(el.options)) argumentsOf(o.value, into);
    if ('children' in el) argumentsOf(el.children, into);
  }
  return into;
}

/**
 * A translation against the default language's file: the same keys, the same placeholders. A key in `invalid`
 * (its text was not valid in one of the two) has its own problem already: never missing or extra here.
 */
function compare(def: StringsFile, other: StringsFile, invalid: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  for (const [key, d] of def.values) {
    const o = other.values.get(key);
    if (!o) {
      if (invalid.has(key)) continue;
      problems.push({
        message: `"${key}" is missing (${def.file}:${d.location.line} has it: "${short(d.text)}")`,
        location: { file: other.file },
        hint: `Add ${key}: with its ${languageName(other.language)} text.`,
      });
      continue;
    }
    const lacks = [...d.args].filter((a) => !o.args.has(a));
    const extra = [...o.args].filter((a) => !d.args.has(a));
    if (lacks.length || extra.length) {
      problems.push({
        message:
          `${key}: ` +
          [
            lacks.length ? `lacks ${lacks.map((a) => `{${a}}`).join(', ')}` : '',
            extra.length ? `has ${extra.map((a) => `{${a}}`).join(', ')}, which enews does not fill in` : '',
          ]
            .filter(Boolean)
            .join(' and ') +
          ` (${def.file}:${d.location.line}: "${short(d.text)}")`,
        location: o.location,
        hint:
          "Keep the default's placeholders, spelt as they are. An apostrophe right before a { hides it " +
          '(ICU quoting): write ’ or two apostrophes there.',
      });
    }
  }
  for (const [key, o] of other.values) {
    if (def.values.has(key) || invalid.has(key)) continue;
    const near = closest(key, def.values.keys(), 1)[0];
    problems.push({
      message: `"${key}" is not a key of the default strings file (${def.file})`,
      location: o.location,
      hint: near ? `Did you mean "${near}"?` : 'Remove it, or add it to the default language first.',
    });
  }
  return problems;
}

function short(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * The texts of one language for one part (the email, `site`, `unsubscribe_page`), formatted on
 * demand; each message is parsed once. A placeholder used as plain text gets its value as text, so
 * issue 1000 stays "No. 1000" rather than a number formatted "1,000".
 */
export class Translator {
  private readonly cache = new Map<string, { format: IntlMessageFormat; plain: Set<string> }>();

  constructor(
    readonly strings: StringsFile,
    readonly section: Section | null = null,
  ) {}

  get language(): string {
    return this.strings.language;
  }

  has(key: string): boolean {
    return this.strings.values.has(this.fullKey(key));
  }

  /** Where `key` would be written, for messages. */
  fullKey(key: string): string {
    return this.section ? `${this.section}.${key}` : key;
  }

  t(key: string, values: Record<string, unknown> = {}): string {
    const full = this.fullKey(key);
    let entry = this.cache.get(full);
    if (!entry) {
      const found = this.strings.values.get(full);
      if (!found) throw new EnewsError('strings', `"${full}" is not in ${this.strings.file}`);
      const format = new IntlMessageFormat(found.text, this.language, undefined, { ignoreTag: true });
      entry = { format, plain: plainArguments(format.getAst()) };
      this.cache.set(full, entry);
    }
    const args: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(values)) {
      args[k] = typeof v === 'number' && !entry.plain.has(k) ? v : String(v ?? '');
    }
    return String(entry.format.format(args));
  }
}

/** Placeholders used only as plain {name} (not in a plural, a select or a number format). */
function plainArguments(ast: ReturnType<IntlMessageFormat['getAst']>): Set<string> {
  const plain = new Set<string>();
  const formatted = new Set<string>();
  const walk = (els: typeof ast) => {
    for (const el of els) {
      if (el.type === 1) plain.add(el.value);
      else if ('value' in el && el.type !== 0 && typeof el.value === 'string') formatted.add(el.value);
      if ('options' in el) for (const o of Object.values(el.options)) walk(o.value);
      if ('children' in el) walk(el.children);
    }
  };
  walk(ast);
  for (const f of formatted) plain.delete(f);
  return plain;
}
