/**
 * Renders one issue: Handlebars → MJML → HTML, and Handlebars → plain text.
 * Runs once per issue; the result keeps the per-recipient slots open
 * (see slots.ts), so nothing here depends on who receives the mail.
 */
import { EnewsError, formatProblem, type Problem, throwIfProblems } from '../errors.js';
import {
  compilable,
  handlebarsEnv,
  handlebarsProblem,
  TemplateRuntimeError,
  type TemplateFile,
  type TemplateSet,
} from './templates.js';
import { type ImageTags, withImageTags } from './image-tags.js';
import { compileMjml, type MjmlError } from './mjml-compile.js';
import { splitSlots, type SlotTemplate } from './slots.js';
import type { ViewModel } from './view-model.js';

export interface RenderedIssue {
  subject: string;
  preheader: string | null;
  html: SlotTemplate;
  text: SlotTemplate;
}

/** `images`: the pictures enews made for this issue (images/publish.ts), whose tags it completes. */
export async function renderIssue(view: ViewModel, templates: TemplateSet, images?: ImageTags): Promise<RenderedIssue> {
  const mjml = withDirection(runTemplate(templates, 'html', view), view);
  const text = runTemplate(templates, 'text', view);
  const html = withImageTags(await mjmlToHtml(mjml, templates), images, view.web !== null);
  return {
    subject: view.subject,
    preheader: view.preheader,
    html: splitSlots(html),
    text: splitSlots(rightToLeftLines(tidyText(text), view)),
  };
}

/**
 * Another message in the email's way (the confirmation of a sign-up, signup/confirm-mail.ts): its own layouts
 * (`templates` without partials), its own view, which gives at least the `language` of the markup; HTML and text,
 * slots still open. Rendered once per language; each message only fills the slots.
 */
export async function renderLayout(
  view: Pick<ViewModel, 'language'> & object,
  templates: TemplateSet,
): Promise<{ html: SlotTemplate; text: SlotTemplate }> {
  const v = view as ViewModel;
  const html = await mjmlToHtml(withDirection(runTemplate(templates, 'html', v), v), templates);
  return { html: splitSlots(html), text: splitSlots(rightToLeftLines(tidyText(runTemplate(templates, 'text', v)), v)) };
}

/**
 * The HTML alone, slots still open: the web version (web-version.ts) is this
 * same layout rendered with `web` set in the view, and needs no text part.
 */
export async function renderHtml(view: ViewModel, templates: TemplateSet, images?: ImageTags): Promise<SlotTemplate> {
  const html = await mjmlToHtml(withDirection(runTemplate(templates, 'html', view), view), templates);
  return splitSlots(withImageTags(html, images, view.web !== null));
}

/**
 * A right-to-left language gets dir="rtl" on <mjml>, which MJML writes on <html>, when the template
 * does not set a direction itself: MJML's default, "auto", lets the first strong letter decide, and
 * an Arabic email whose first words are a Latin brand name would be laid out left to right. A
 * left-to-right language keeps MJML's default, so its HTML is what it always was.
 */
function withDirection(mjml: string, view: ViewModel): string {
  if (!view.language.rtl) return mjml;
  return mjml.replace(/<mjml\b(?![^>]*\sdir=)/, '<mjml dir="rtl"');
}

/**
 * The plain-text part of a right-to-left language: each line starts with U+200F RIGHT-TO-LEFT MARK.
 * Mail programs set the direction of a plain-text paragraph by its first strong letter, so a line
 * that starts with a Latin name, a number or a link would otherwise run left to right. The mark is
 * invisible, strong and lasts to the end of its line; the embedding controls (RLE…PDF) would need
 * closing on every line and are what the content checks refuse as spoofing characters.
 */
function rightToLeftLines(text: string, view: ViewModel): string {
  return view.language.rtl ? text.replace(/^(?=.)/gm, '\u200F') : text;
}

/**
 * Each template set is compiled once per kind and reused: a build renders it for every language
 * (email and web version), and Handlebars compiles a template on its first use, not per call.
 */
const compiled = new WeakMap<TemplateSet, Partial<Record<'html' | 'text', (view: ViewModel) => string>>>();

function compiledTemplate(templates: TemplateSet, kind: 'html' | 'text'): (view: ViewModel) => string {
  let byKind = compiled.get(templates);
  if (!byKind) {
    byKind = {};
    compiled.set(templates, byKind);
  }
  let fn = byKind[kind];
  if (!fn) {
    const t: TemplateFile = kind === 'html' ? templates.html : templates.text;
    fn = handlebarsEnv(templates, kind).compile(compilable(t), { strict: true, noEscape: kind === 'text' });
    byKind[kind] = fn;
  }
  return fn;
}

function runTemplate(templates: TemplateSet, kind: 'html' | 'text', view: ViewModel): string {
  const t: TemplateFile = kind === 'html' ? templates.html : templates.text;
  try {
    return compiledTemplate(templates, kind)(view);
  } catch (err) {
    const file = err instanceof TemplateRuntimeError ? err.file : t.file;
    const original = err instanceof TemplateRuntimeError ? err.original : err;
    if (original instanceof EnewsError) throw original;
    throw new EnewsError('template', `${file} could not be rendered:`, {
      problems: [locatePartialCall(handlebarsProblem(original, file), templates)],
    });
  }
}

/** "The partial X could not be found" comes without a line; find the {{> X}} that asked for it. */
function locatePartialCall(p: Problem, templates: TemplateSet): Problem {
  const name = /The partial (\S+) could not be found/.exec(p.message)?.[1];
  if (!name) return p;
  for (const t of [templates.html, templates.text, ...templates.partials.values()]) {
    const lines = t.source.split('\n');
    const i = lines.findIndex((l) =>
      new RegExp(`\\{\\{>\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(l),
    );
    if (i >= 0) return { ...p, location: { file: t.file, line: i + 1, column: lines[i]!.indexOf('{{>') + 1 } };
  }
  return p;
}

/** Blank lines from template logic collapse to one; the part ends with a single newline. */
function tidyText(text: string): string {
  return (
    text
      .replace(/[ \t]+$/gm, '')
      .replace(/\n{3,}/g, '\n\n')
      .trim() + '\n'
  );
}

async function mjmlToHtml(mjml: string, templates: TemplateSet): Promise<string> {
  const made = await compileMjml(mjml, { validationLevel: 'strict', keepComments: false, filePath: templates.dir });
  let result: { html: string; errors: MjmlError[] };
  if ('result' in made) result = made.result;
  else {
    const { errors, message } = made.thrown;
    if (!errors) throw new EnewsError('mjml', `MJML could not compile the email: ${message}`);
    result = { html: '', errors };
  }
  const rendered = mjml.split('\n');
  // Inside an unknown mj- tag MJML also rejects the plain HTML it holds; those follow from the first mistake.
  const unknownTag = result.errors.some((e) => /doesn't exist or is not registered/.test(e.message));
  const errors = unknownTag ? result.errors.filter((e) => e.tagName.startsWith('mj-')) : result.errors;
  // A mistake in an item partial repeats once per item; report it once.
  const seen = new Set<string>();
  const problems = errors
    .map((e) => mjmlProblem(e, rendered[e.line - 1] ?? '', templates))
    .filter((p) => !seen.has(formatProblem(p)) && seen.add(formatProblem(p)));
  throwIfProblems('mjml', 'The email template is not valid MJML', problems);
  return result.html;
}

/**
 * MJML reports lines of the Handlebars output, which staff never see. Point
 * at the template line that produced the offending line: the same text when
 * the line has no {{ }} in it, else the first line with that tag.
 */
function mjmlProblem(e: MjmlError, renderedLine: string, templates: TemplateSet): Problem {
  const attr = /Attribute (\S+) is illegal/.exec(e.message)?.[1];
  const files = [templates.html, ...templates.partials.values()].filter((t) => t.file.endsWith('.mjml'));
  const wanted = renderedLine.trim();
  const found =
    findLine(files, (l) => wanted !== '' && l.trim() === wanted) ??
    findLine(files, (l) => l.includes(`<${e.tagName}`) && (!attr || l.includes(`${attr}=`)));
  if (found) {
    const col = found.text.indexOf(`<${e.tagName}`);
    return {
      message: `MJML: ${e.message}`,
      location: { file: found.file, line: found.line, column: (col >= 0 ? col : found.text.search(/\S/)) + 1 },
      hint: mjmlHint(e.message),
    };
  }
  return {
    message: `MJML: ${e.message} (in <${e.tagName}>: ${wanted.slice(0, 80)})`,
    location: { file: templates.html.file },
    hint: mjmlHint(e.message),
  };
}

function findLine(
  files: TemplateFile[],
  match: (line: string) => boolean,
): { file: string; line: number; text: string } | null {
  for (const t of files) {
    const lines = t.source.split('\n');
    const i = lines.findIndex(match);
    if (i >= 0) return { file: t.file, line: i + 1, text: lines[i]! };
  }
  return null;
}

function mjmlHint(message: string): string {
  if (/illegal/.test(message))
    return 'Remove the attribute or check its spelling against https://documentation.mjml.io.';
  if (/doesn't exist|not registered/.test(message))
    return 'Check the tag name; MJML tags are listed at https://documentation.mjml.io.';
  if (/cannot be used inside|parent/.test(message))
    return 'Move the tag inside an allowed parent (e.g. mj-text inside mj-column).';
  return 'See https://documentation.mjml.io for the allowed structure.';
}
