/**
 * The archive's own templates, Handlebars over HTML, so an organisation can
 * restyle its archive without code: templates/site/index.hbs (the list of
 * issues), templates/site/issue.hbs (the chrome around each issue's web
 * version) and templates/site/partials/*.hbs ({{> name}}). They are inputs of
 * `enews site` only: a build never reads them, so restyling the archive never
 * makes a reviewed issue stale. Strict mode, as for the email: a misspelt
 * field is an error with its file and line, not a blank. Like the email's,
 * each file is the project's own when it has it, else the package's default.
 * Their words come from the `site:` section of the strings files ({{t "older"}}).
 */
import path from 'node:path';
import Handlebars from 'handlebars';
import { EnewsError, throwIfProblems } from '../errors.js';
import { readText } from '../content/yaml-file.js';
import { TRANSLATOR, type Translator } from '../render/strings.js';
import {
  handlebarsProblem,
  handlebarsSyntaxProblems,
  registerTranslate,
  TemplateRuntimeError,
} from '../render/templates.js';
import { templateFile, templateFolder } from '../project/templates.js';

export const SITE_TEMPLATE_DIR = 'site';

export interface SiteTemplates {
  index: (data: unknown) => string;
  issue: (data: unknown) => string;
}

interface Source {
  file: string;
  source: string;
}

/** Every file `enews site` reads for the project templates folder `templatesDir`: its own, else the defaults. */
export function siteTemplateFiles(templatesDir: string): { index: string; issue: string; partials: string[] } {
  const site = (name: string) => templateFile(templatesDir, `${SITE_TEMPLATE_DIR}/${name}`);
  const partials = templateFolder(templatesDir, `${SITE_TEMPLATE_DIR}/partials`, /\.hbs$/);
  return { index: site('index.hbs'), issue: site('issue.hbs'), partials };
}

export function loadSiteTemplates(templatesDir: string): SiteTemplates {
  const files = siteTemplateFiles(templatesDir);
  const read = (file: string, what: string): Source => ({ file, source: readText(file, what) });
  const index = read(files.index, "the archive's index page (Handlebars over HTML)");
  const issue = read(files.issue, "the archive's page around each issue (Handlebars over HTML)");
  const partials = files.partials.map((f) => read(f, 'a partial of the archive templates'));
  const problems = [index, issue, ...partials].flatMap((t) => handlebarsSyntaxProblems(t).problems);
  throwIfProblems('template-syntax', 'An archive template has a Handlebars syntax error', problems);

  const hb = Handlebars.create();
  // {{t "older"}}: the `site:` section of the page's language (pages.ts puts its translator in the data).
  registerTranslate(hb, (root) => (root as { [TRANSLATOR]?: Translator } | undefined)?.[TRANSLATOR]);
  for (const p of partials) {
    const compiled = hb.compile(p.source, { strict: true });
    // A runtime error inside a partial names the partial's file, not the page's.
    hb.registerPartial(path.basename(p.file, '.hbs'), (ctx: unknown, options?: Handlebars.RuntimeOptions) => {
      try {
        return compiled(ctx, options);
      } catch (err) {
        throw err instanceof TemplateRuntimeError ? err : new TemplateRuntimeError(err, p.file);
      }
    });
  }
  return { index: page(hb, index), issue: page(hb, issue) };
}

function page(hb: typeof Handlebars, t: Source): (data: unknown) => string {
  const compiled = hb.compile(t.source, { strict: true });
  return (data) => {
    try {
      return compiled(data);
    } catch (err) {
      const file = err instanceof TemplateRuntimeError ? err.file : t.file;
      const original = err instanceof TemplateRuntimeError ? err.original : err;
      throw new EnewsError('template', `${file} could not be rendered:`, {
        problems: [handlebarsProblem(original, file)],
      });
    }
  };
}
