/**
 * load → validate → render → sample, for one issue, in each of the newsletter's languages.
 * `check`, `build`, `preview` and the screenshots all go through here, so there is exactly one
 * rendering path. Everything is loaded once (content, templates, strings) and MJML is imported
 * once; each language is then a render of its own: its content (content/translations.ts), its
 * strings, its email, web version, sample and checks. The web version is the same path with `web`
 * set in the view (render/web-version.ts).
 */
import { EnewsError, ExitCode, type Location, type Problem, type Warning } from '../errors.js';
import {
  contentPaths,
  loadCatalog,
  loadIssue,
  loadNewsletter,
  resolveItems,
  type LoadedNewsletter,
} from '../content/load.js';
import { itemTypeNames, itemTypesOf } from '../content/item-types.js';
import type { LocalIssue, LocalItem, Newsletter } from '../content/schema.js';
import { languageName, textDirection } from '../content/languages.js';
import { localizeContent, translationProblems, type ContentSources } from '../content/translations.js';
import { placeholderWarnings } from '../content/placeholders.js';
import { locate } from '../content/yaml-file.js';
import { renderIssue, type RenderedIssue } from '../render/render-issue.js';
import { languageFolder } from '../render/site-urls.js';
import { loadStrings, Translator, type Strings } from '../render/strings.js';
import { loadTemplates, type TemplateSet } from '../render/templates.js';
import { buildViewModel } from '../render/view-model.js';
import { renderWebVersion, type WebVersion } from '../render/web-version.js';
import { collectWarnings } from '../render/warnings.js';
import { buildSkeleton, type MessageSkeleton } from '../mime/compose.js';
import { imageUses, withPublishedImages } from '../images/in-content.js';
import { localImageInputs } from '../images/local-image.js';
import { type ImageUse, imageFiles, type PublishedImages, publishImages } from '../images/publish.js';
import { personalizeForReview, type PersonalizeContext, type Recipient } from '../personalize/recipient.js';
import { addressKey } from '../util/email-address.js';
import type { StaticChecks } from '../checks/index.js';
import { mergeFindings } from '../checks/findings.js';
import { withImageTargets } from '../checks/links.js';
import { renderMarked } from '../checks/marked.js';
import { sha256 } from './hash.js';
import { buildInputs, inputsHash as hashOf, type BuildInputs } from './inputs.js';

/** One language's render of the issue. */
export interface PreparedLanguage {
  /** Its tag (fr), as newsletter.yaml lists it. */
  language: string;
  /** Where its files go, in the build folder and the archive: '' for the default language, `fr/`… */
  folder: string;
  dir: 'ltr' | 'rtl';
  /** The newsletter, issue and items in this language: what its email shows. */
  newsletter: Newsletter;
  issue: LocalIssue;
  items: LocalItem[];
  rendered: RenderedIssue;
  sample: { recipient: Recipient; html: string; text: string; eml: string };
  web: WebVersion;
  /** This language's findings; the issue's `warnings` merges those of every language. */
  warnings: Warning[];
  checks: Omit<StaticChecks, 'findings'>;
}

export interface PreparedIssue {
  root: string;
  number: number;
  /** What the result depends on (see inputs.ts), for the manifest: every language's. */
  inputs: BuildInputs;
  inputsHash: string;
  /**
   * What a reviewer should know, with file:line: the content warnings and the findings of the
   * checks on the built email (src/checks), those with severity 'error' stopping check and build.
   * With several languages, a finding that is not the same in all of them names its language.
   */
  warnings: Warning[];
  /**
   * Every language's render, the default first: its files are at the top of the build, its subject
   * is the manifest's, and only it has client support worked out (checks.support).
   */
  languages: PreparedLanguage[];
  /**
   * The pictures made from the project's own files (images/publish.ts), the same in every language:
   * `assets` holds each file by its path in the build (`assets/…`), for the build to write and a
   * page that must work offline to embed; empty when the issue shows none.
   */
  images: PublishedImages;
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
  // Without a valid newsletter.yaml its types are unknown: its own error says why, not every item's type.
  const catalog = attempt(() => loadCatalog(paths, nl ? itemTypeNames(nl.newsletter) : null));
  const loaded = attempt(() => loadIssue(paths, number));
  const types = itemTypesOf(nl?.newsletter ?? {});
  const templates = attempt(() => loadTemplates(paths.templatesDir, types));
  const strings = nl && attempt(() => loadStrings(paths.templatesDir, nl.languages));
  const items = catalog && loaded ? attempt(() => resolveItems(loaded, catalog)) : undefined;
  if (nl && templates) problems.push(...missingItemPartials(nl, templates));
  if (nl && catalog && loaded && items) problems.push(...translationProblems({ nl, loaded, catalog, items }));
  // The pictures are checked even when something else is wrong, so one run names every problem.
  const uses = nl && catalog && loaded && items ? imageUses(nl, loaded, catalog) : [];
  const images = nl ? await publishImages(root, uses, nl.newsletter.site?.base_url ?? null) : null;
  problems.push(...(images?.problems ?? []));
  if (problems.length > 0 || !nl || !catalog || !loaded || !templates || !items || !strings || !images) {
    throw new EnewsError('invalid-content', `Issue ${number} cannot be built`, { problems });
  }
  return render(root, number, { nl, catalog, loaded, items }, templates, strings, {
    uses,
    published: images.published,
  });
}

/** A partial that newsletter.yaml names for an item type must exist; say which, at its line. */
function missingItemPartials(nl: LoadedNewsletter, templates: TemplateSet): Problem[] {
  return itemTypesOf(nl.newsletter).flatMap((t, i) => {
    if (t.partial === undefined || templates.partials.has(`${t.partial}.mjml`)) return [];
    return [
      {
        message:
          `item type ${t.name} is rendered by the partial ${t.partial}, ` +
          `and there is no such template: templates/partials/${t.partial}.mjml is missing`,
        path: `item_types.${i}.partial`,
        location: locate(nl.src, ['item_types', i, 'partial']),
        hint:
          'Add that partial (start from enews templates eject partials/item-default.mjml), or remove partial: ' +
          `to use item-${t.slug}.mjml or item-default.mjml.`,
      },
    ];
  });
}

/** A default language without its own strings file is written in the stand-in's words (render/strings.ts). */
function standInWarning(language: string, standIn: string, location: Location): Warning {
  return {
    code: 'strings-stand-in',
    message:
      `there is no strings file for ${languageName(language)} (${language}), so the template words ` +
      `("Read more", "Unsubscribe"…) are ${languageName(standIn)}; write templates/strings/${language}.yaml ` +
      `(start from enews templates eject strings/${standIn}.yaml) to have them in ${languageName(language)}`,
    location,
  };
}

/** A project's own strings file written before enews had these keys: enews's own words stand in for them. */
function laterKeysWarning(keys: string[], file: string): Warning {
  return {
    code: 'strings-from-enews',
    message:
      `${keys.join(', ')} ${keys.length === 1 ? 'is' : 'are'} not in this strings file (enews added ${keys.length === 1 ? 'it' : 'them'} ` +
      "later), so the email uses enews's words for it; add them in this file's language",
    location: { file },
  };
}

/** Where newsletter.yaml names its default language. */
function languageLine(nl: LoadedNewsletter): Location {
  if (nl.src.doc.has('languages')) return locate(nl.src, ['languages', 0]);
  return nl.src.doc.has('language') ? locate(nl.src, ['language']) : { file: nl.input.file };
}

function withSummary(p: Problem, err: EnewsError): Problem {
  // Keep the file in view when the problem itself has no location.
  return p.location ? p : { ...p, message: `${err.message.replace(/[.:]$/, '')}: ${p.message}` };
}

async function render(
  root: string,
  number: number,
  content: ContentSources,
  templates: TemplateSet,
  strings: Strings,
  images: { uses: ImageUse[]; published: PublishedImages },
): Promise<PreparedIssue> {
  const { nl, loaded, catalog } = content;
  const { published } = images;
  const used = loaded.issue.items.map((ref) => catalog.items.get(typeof ref === 'string' ? ref : ref.id)!);
  const inputs = buildInputs({
    root,
    newsletter: { file: nl.input.file, value: nl.newsletter },
    issue: { file: loaded.input.file, value: loaded.issue },
    items: used.map((c) => ({ file: c.location.file, item: c.item })),
    templates,
    strings: [...strings.values()].map((s) => ({ file: s.file, text: s.text, value: s.value })),
    images: localImageInputs(root, images.uses),
  });
  const inputsHash = hashOf(inputs);
  // Every language's renders (the email, the web version, the checks' marked copy) are asked for first: in
  // build, MJML runs in its worker thread (render/mjml-compile.ts), which renders while this thread loads the
  // checks and then checks the first languages. Each is still taken, and fails, in the same order as before.
  const started = nl.languages.map((language) =>
    handled(
      (async () => {
        const tr = new Translator(strings.get(language)!);
        const fallback = tr.has('fallback_name') ? tr.t('fallback_name') : undefined;
        // From here on each local picture is named by its published address, as subscribers get it.
        const local = withPublishedImages(localizeContent(content, language, fallback), published);
        const { newsletter, issue, items } = local;
        const view = buildViewModel(newsletter, issue, items, tr, templates.partials);
        const rendered = handled(renderIssue(view, templates, published.tags));
        const web = handled(renderWebVersion(newsletter, issue, items, templates, tr, published.tags));
        const marked = handled(renderMarked({ newsletter, loaded, templates, view }));
        return { language, local, rendered, web, marked };
      })(),
    ),
  );
  // The checks' libraries (caniemail data, CSS parser) load only here, never on the send path.
  const { runStaticChecks } = await import('../checks/index.js');
  // The same in every language (they are about the files, not a language's text), so listed once.
  const placeholders = placeholderWarnings(content);
  const languages: PreparedLanguage[] = [];
  for (const start of started) {
    const { language, local, marked, ...renders } = await start;
    const { newsletter, issue, items } = local;
    const rendered = await renders.rendered;
    const web = await renders.web;
    const sample = renderSample(newsletter, issue, rendered, inputsHash);
    const { standIn, fromEnews, file: stringsFile } = strings.get(language)!;
    const emailKeys = (fromEnews ?? []).filter((k) => !k.includes('.'));
    const warnings: Warning[] = [
      ...(standIn ? [standInWarning(language, standIn, languageLine(nl))] : []),
      ...(emailKeys.length ? [laterKeysWarning(emailKeys, stringsFile)] : []),
      ...placeholders,
      ...local.gaps,
      ...collectWarnings({
        newsletter,
        newsletterFile: nl.input.file,
        newsletterLogo: newsletter.logo ? locate(nl.src, ['logo']) : undefined,
        newsletterBounce: locate(nl.src, newsletter.bounce_address ? ['bounce_address'] : ['from', 'address']),
        loaded,
        catalog,
        items,
        html: sample.html,
      }),
      ...web.warnings,
    ];
    const checks = await runStaticChecks({
      newsletter,
      newsletterFile: nl.input.file,
      newsletterText: nl.input.text,
      loaded,
      catalog,
      items,
      templates,
      html: sample.html,
      marked,
      clientSupport: languages.length === 0,
    });
    warnings.push(...checks.findings);
    languages.push({
      language,
      folder: languageFolder(language, nl.languages[0]!),
      dir: textDirection(language),
      newsletter,
      issue,
      items,
      rendered,
      sample,
      web,
      warnings,
      checks: {
        support: checks.support,
        links: withImageTargets(checks.links, imageTargets(images.uses, published)),
        marked: checks.marked,
      },
    });
  }
  return {
    root,
    number,
    inputs,
    inputsHash,
    // Acknowledgements are about the default language's email, where client support is worked out, and about no language.
    warnings: [
      ...mergeFindings(languages.map((l) => ({ language: l.language, findings: l.warnings }))),
      ...languages[0]!.checks.support.unused,
      ...published.warnings,
    ],
    languages,
    images: published,
  };
}

/** The promise itself, marked as handled: one awaited later, after others, must not count as a rejection left unhandled. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => {});
  return p;
}

/** Every file made from the issue's pictures, with its bytes' hash and the line that names its picture: for --links. */
function imageTargets(uses: ImageUse[], published: PublishedImages) {
  const where = new Map(uses.map((u) => [u.src, u.location]));
  return [...published.images.values()].flatMap((image) =>
    imageFiles(image).map((a) => ({
      url: a.url,
      sha256: sha256(a.bytes),
      location: where.get(image.src),
    })),
  );
}

/**
 * The sample is filled without the unsubscribe secret and dated on the
 * issue's date, so a build depends on its inputs only and is reproducible.
 */
function renderSample(newsletter: Newsletter, issue: LocalIssue, rendered: RenderedIssue, inputsHash: string) {
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
