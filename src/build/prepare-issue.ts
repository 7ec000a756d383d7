/**
 * load → validate → render → sample, for one issue. `check`, `build`,
 * `preview` and the screenshots all go through here, so there is exactly one
 * rendering path. The web version is the same path with `web` set in the view
 * (render/web-version.ts).
 */
import { EnewsError, ExitCode, type Problem } from '../errors.js';
import {
  contentPaths,
  loadCatalog,
  loadIssue,
  loadNewsletter,
  resolveItems,
  type LoadedCatalog,
  type LoadedIssue,
  type LoadedNewsletter,
} from '../content/load.js';
import type { Issue, Item, Newsletter } from '../content/schema.js';
import { locate, parseYaml } from '../content/yaml-file.js';
import { renderIssue, type RenderedIssue } from '../render/render-issue.js';
import { loadTemplates, type TemplateSet } from '../render/templates.js';
import { buildViewModel, typeSlug } from '../render/view-model.js';
import { renderWebVersion, type WebVersion } from '../render/web-version.js';
import { collectWarnings, type Warning } from '../render/warnings.js';
import { buildSkeleton, type MessageSkeleton } from '../mime/compose.js';
import { personalizeForReview, type PersonalizeContext, type Recipient } from '../personalize/recipient.js';
import { addressKey } from '../util/email-address.js';
import type { StaticChecks } from '../checks/index.js';
import { buildInputs, inputsHash as hashOf, type BuildInputs } from './inputs.js';

export interface PreparedIssue {
  root: string;
  number: number;
  newsletter: Newsletter;
  issue: Issue;
  items: Item[];
  rendered: RenderedIssue;
  /** What the result depends on (see inputs.ts), for the manifest. */
  inputs: BuildInputs;
  inputsHash: string;
  /**
   * What a reviewer should know, with file:line: the content warnings and the findings of the
   * checks on the built email (src/checks), those with severity 'error' stopping check and build.
   */
  warnings: Warning[];
  /** What the checks on the built email found besides `warnings`: client support, and inputs for --links and --axe. */
  checks: Omit<StaticChecks, 'findings'>;
  sample: { recipient: Recipient; html: string; text: string; eml: string };
  /** The public web version (web.html), from the same templates and items, filled for nobody. */
  web: WebVersion;
}

export async function prepareIssue(root: string, number: number): Promise<PreparedIssue> {
  const paths = contentPaths(root);
  // Load every file even if an earlier one failed, so one run reports all problems.
  const problems: Problem[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      if (!(err instanceof EnewsError) || err.exitCode !== ExitCode.badInput) throw err;
      problems.push(
        ...(err.problems.length ? err.problems.map((p) => withSummary(p, err)) : [{ message: err.message }]),
      );
      return undefined;
    }
  };
  const nl = attempt(() => loadNewsletter(paths));
  const catalog = attempt(() => loadCatalog(paths));
  const loaded = attempt(() => loadIssue(paths, number));
  const templates = attempt(() => loadTemplates(paths.templatesDir));
  const items = catalog && loaded ? attempt(() => resolveItems(loaded, catalog)) : undefined;
  if (items && loaded && templates) problems.push(...missingItemPartials(items, loaded, templates));
  if (problems.length > 0 || !nl || !catalog || !loaded || !templates || !items) {
    throw new EnewsError('invalid-content', `Issue ${number} cannot be built`, { problems });
  }
  return render(root, number, nl, catalog, loaded, templates, items);
}

/** Each item type needs its partial; say which item needs which file, at the item's line. */
function missingItemPartials(items: Item[], loaded: LoadedIssue, templates: TemplateSet): Problem[] {
  return items.flatMap((item, i) => {
    const file = `item-${typeSlug(item.type)}.mjml`;
    if (templates.partials.has(file)) return [];
    return [
      {
        message:
          `item "${item.id}" is of type ${item.type}, and there is ` +
          `no template for that type: templates/partials/${file} is missing`,
        path: `items.${i}`,
        location: locate(loaded.src, ['items', i]),
        hint: 'Add that partial (start from a copy of item-news.mjml), or give the item another type in the catalog.',
      },
    ];
  });
}

function withSummary(p: Problem, err: EnewsError): Problem {
  // Keep the file in view when the problem itself has no location.
  return p.location ? p : { ...p, message: `${err.message.replace(/[.:]$/, '')}: ${p.message}` };
}

async function render(
  root: string,
  number: number,
  nl: LoadedNewsletter,
  catalog: LoadedCatalog,
  loaded: LoadedIssue,
  templates: TemplateSet,
  items: Item[],
): Promise<PreparedIssue> {
  const { newsletter } = nl;
  const view = buildViewModel(newsletter, loaded.issue, items);
  const rendered = await renderIssue(view, templates);
  const web = await renderWebVersion(newsletter, loaded.issue, items, templates);
  const used = loaded.issue.items.map((ref) => catalog.items.get(typeof ref === 'string' ? ref : ref.id)!);
  const inputs = buildInputs({
    root,
    newsletter: { file: nl.input.file, value: newsletter },
    issue: { file: loaded.input.file, value: loaded.issue },
    items: used.map((c) => ({ file: c.location.file, item: c.item })),
    templates,
  });
  const inputsHash = hashOf(inputs);
  const sample = renderSample(newsletter, loaded.issue, rendered, inputsHash);
  const warnings = collectWarnings({
    newsletter,
    newsletterFile: nl.input.file,
    newsletterLogo: newsletter.logo ? locate(parseYaml(nl.input.file, nl.input.text), ['logo']) : undefined,
    loaded,
    catalog,
    items,
    html: sample.html,
  });
  warnings.push(...web.warnings);
  // The checks' libraries (caniemail data, CSS parser) load only here, never on the send path.
  const { runStaticChecks } = await import('../checks/index.js');
  const checks = await runStaticChecks({
    newsletter,
    newsletterFile: nl.input.file,
    newsletterText: nl.input.text,
    loaded,
    catalog,
    items,
    templates,
    view,
    html: sample.html,
  });
  warnings.push(...checks.findings);
  return {
    root,
    number,
    newsletter,
    issue: loaded.issue,
    items,
    rendered,
    inputs,
    inputsHash,
    warnings,
    checks: { support: checks.support, links: checks.links, marked: checks.marked },
    sample,
    web,
  };
}

/**
 * The sample is filled without the unsubscribe secret and dated on the
 * issue's date, so a build depends on its inputs only and is reproducible.
 */
function renderSample(newsletter: Newsletter, issue: Issue, rendered: RenderedIssue, inputsHash: string) {
  const { name, email } = newsletter.sample_recipient;
  const recipient: Recipient = { email, key: addressKey(email), name, fields: {} };
  const skeleton: MessageSkeleton = buildSkeleton(newsletter, rendered, { contentHash: inputsHash });
  const ctx: PersonalizeContext = {
    newsletter,
    skeleton,
    contentHash: inputsHash,
    issue: issue.number,
    secret: null,
    variant: 'sample',
    now: () => new Date(`${issue.date}T08:00:00Z`),
  };
  return { recipient, ...personalizeForReview(ctx, rendered, recipient) };
}
