/**
 * `enews items pull`: the website's feeds into the catalog. Every source is read and parsed first;
 * any that cannot be (unreachable, an error answer, too big, not a feed, malformed) stops the
 * pull before anything is written, so the catalog is byte for byte what it was. Then the plan
 * (plan-pull.ts) says what to add, the new catalog is checked as `enews check` checks it, the new
 * items' pictures are saved in images/ (pull-pictures.ts), and the catalog and then the pull's
 * memory (pull-memory.ts) are written. A source given on the command line that newsletter.yaml
 * names is read with that feed's settings; another is read with none (an entry then takes the type
 * its category names).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EnewsError, type Problem, throwIfProblems } from '../errors.js';
import { feedSources, isUrlSource, type FeedConfig } from '../content/feed-config.js';
import { itemTypeNames } from '../content/item-types.js';
import { isWebAddress } from '../content/image-src.js';
import { catalogFiles, contentPaths, type LoadedCatalog, loadCatalog, loadNewsletter } from '../content/load.js';
import { catalogSchemaFor, type Item } from '../content/schema.js';
import { parseYaml, validate } from '../content/yaml-file.js';
import {
  itemsSchemaLine,
  syncCatalogSchemaLine,
  withItemsSchemaLine,
  writeProjectItemsSchema,
} from '../project/project-schemas.js';
import { addToCatalogText, itemYaml, writeCatalogChange, type CatalogChange } from './catalog-write.js';
import { parseFeedText, type FeedFormat } from './parse-feed.js';
import { planPull, type PullPlan, type ReadFeed } from './plan-pull.js';
import { readMemory, writeMemory, type PullMemory } from './pull-memory.js';
import { type PulledPictures, pullPictures, removePictures, type SavedPicture } from './pull-pictures.js';
import { readFileSource, readUrlSource, type SourceRead } from './read-source.js';

export interface PullRequest {
  root: string;
  /** Sources typed after `pull`: addresses, or files (absolute). Empty: the feeds of newsletter.yaml. */
  sources: string[];
  timeoutMs: number;
  /** Say what would be added; write nothing. */
  dryRun: boolean;
}

export interface SourceReport {
  source: string;
  language: string;
  /** null when unchanged since the last pull (HTTP 304). */
  format: FeedFormat | null;
  entries: number;
}

export interface PullResult extends Omit<PullPlan, 'entries'> {
  sources: SourceReport[];
  /** The catalog files written (or that would be, with dryRun). */
  written: string[];
  /** items.yaml when only its schema line changed (item_types added or removed since): it names the right schema. */
  repointed: string | null;
  /** The new items' pictures: how many a dry run would download; else those saved in images/ and those not. */
  pictures: { toDownload: number; saved: SavedPicture[]; failed: PulledPictures['failed'] };
}

export async function pullItems(req: PullRequest): Promise<PullResult> {
  const paths = contentPaths(req.root);
  const nl = loadNewsletter(paths);
  const types = itemTypeNames(nl.newsletter);
  const files = catalogFiles(paths);
  const single = files.length === 1 && path.basename(files[0]!) === 'items.yaml' ? files[0]! : null;
  const catalog = single && emptyFile(single) ? null : loadCatalog(paths, types);
  const memory = readMemory(req.root);
  const feeds = chooseFeeds(req, nl.newsletter.feeds ?? []);
  const read: ReadFeed[] = [];
  const reports: SourceReport[] = [];
  const sources: PullMemory['sources'] = { ...memory.sources };
  for (const { feed, configured } of feeds) {
    const settings = hash({ feed, types, languages: nl.languages });
    const parts: ReadFeed['parts'] = [];
    for (const [i, { language, source }] of feedSources(feed, nl.languages[0]!).entries()) {
      const known = memory.sources[source];
      // Another language's feed is read whole when the default's changed: its entries are matched to those.
      const conditional = i === 0 && known?.settings === settings;
      const got = await readSource(req, source, conditional ? known : undefined);
      if (got.kind === 'unchanged') {
        reports.push({ source, language, format: null, entries: 0 });
        break;
      }
      const base = isUrlSource(source) ? source : null;
      const parsed = parseFeedText(got.text, display(req, source), base);
      reports.push({ source, language, format: parsed.format, entries: parsed.entries.length });
      parts.push({ language, source, parsed });
      sources[source] = { ...got.validators, settings };
    }
    read.push({ feed: configured ? feed : null, parts });
  }
  const plan = planPull(read, {
    types,
    languages: nl.languages,
    catalog: [...(catalog?.items.values() ?? [])].map(({ item }) => ({ id: item.id, url: item.url })),
    memory,
    reserved: single ? [] : files.map((f) => path.basename(f).replace(/\.ya?ml$/, '')),
  });
  const planned = catalogChange(
    req.root,
    paths.issuesDir,
    single,
    plan.add.map((a) => a.item),
    types,
  );
  const { entries: _entries, ...rest } = plan;
  const result: PullResult = {
    ...rest,
    sources: reports,
    written: planned.files.map((f) => f.file),
    repointed: null,
    pictures: { toDownload: plan.add.filter((a) => a.item.image).length, saved: [], failed: [] },
  };
  if (req.dryRun) return result;
  // Only once the catalog is known to be valid: a pull that writes no catalog downloads no picture.
  const pictures = await pullPictures(
    req.root,
    plan.add.map((a) => a.item),
    { timeoutMs: req.timeoutMs, reserved: catalogPictures(catalog) },
  );
  result.pictures = { toDownload: 0, saved: pictures.saved, failed: pictures.failed };
  result.add = plan.add.map((a, i) => ({ ...a, item: pictures.items[i]! }));
  let change: CatalogChange;
  try {
    change = catalogChange(req.root, paths.issuesDir, single, pictures.items, types);
    writeProjectItemsSchema(req.root, types);
    writeCatalogChange(change);
  } catch (err) {
    removePictures(pictures.saved);
    throw err;
  }
  // With items added, the new text already names the right schema; without, only that line may change.
  if (single && change.files.length === 0) result.repointed = syncCatalogSchemaLine(req.root, single, types);
  writeMemory(req.root, { version: 1, sources, entries: plan.entries });
  return result;
}

/** The feeds to read: newsletter.yaml's, or the sources typed after pull (with their feed's settings, if any). */
function chooseFeeds(
  req: PullRequest,
  configured: readonly FeedConfig[],
): Array<{ feed: FeedConfig; configured: boolean }> {
  if (req.sources.length === 0) {
    if (configured.length === 0) {
      throw new EnewsError('no-feeds', 'newsletter.yaml names no feeds to pull from.', {
        problems: [
          {
            message:
              'Add them under feeds: (see the README, "Items from the website"), or name one: enews items pull URL',
          },
        ],
      });
    }
    return configured.map((feed) => ({ feed, configured: true }));
  }
  const resolve = (s: string) => (isUrlSource(s) ? s : path.resolve(req.root, s));
  return req.sources.map((s) => {
    const match = configured.find((f) =>
      (typeof f.source === 'string' ? [f.source] : Object.values(f.source)).some((c) => resolve(c) === s),
    );
    return match ? { feed: match, configured: true } : { feed: { source: s }, configured: false };
  });
}

async function readSource(
  req: PullRequest,
  source: string,
  validators?: PullMemory['sources'][string],
): Promise<SourceRead> {
  if (isUrlSource(source)) return readUrlSource(source, { timeoutMs: req.timeoutMs, validators });
  return readFileSource(path.resolve(req.root, source), display(req, source));
}

function display(req: PullRequest, source: string): string {
  return isUrlSource(source) ? source : path.resolve(req.root, source);
}

/** The paths of the project's pictures that the catalog names: a pulled picture never takes one. */
function catalogPictures(catalog: LoadedCatalog | null): Set<string> {
  const srcs = [...(catalog?.items.values() ?? [])].flatMap(({ item }) => (item.image ? [item.image.src] : []));
  return new Set(srcs.filter((src) => !isWebAddress(src)).map((src) => path.posix.normalize(src)));
}

function emptyFile(file: string): boolean {
  return !existsSync(file) || parseYaml(file, readFileSync(file, 'utf8')).doc.contents === null;
}

function hash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/**
 * The catalog's new files, checked as `enews check` checks the catalog (schema, unique ids):
 * items.yaml with the new entries between the old, or one new file per item in issues/items/.
 */
function catalogChange(
  root: string,
  issuesDir: string,
  single: string | null,
  items: Item[],
  types: string[],
): CatalogChange {
  if (items.length === 0) return { files: [] };
  if (single) {
    const before = existsSync(single) ? readFileSync(single, 'utf8') : '';
    const text = withItemsSchemaLine(addToCatalogText(before, items), itemsSchemaLine(root, single, types));
    const problems: Problem[] = [];
    try {
      validate(parseYaml(single, text), catalogSchemaFor(types), 'catalog of news items');
    } catch (err) {
      if (!(err instanceof EnewsError)) throw err;
      problems.push(...err.problems);
    }
    throwIfProblems(
      'pull-invalid',
      `The catalog with the pulled items would not be valid, so nothing was written`,
      problems,
    );
    return { files: [{ file: single, text, created: false }] };
  }
  const folder = path.join(issuesDir, 'items');
  return {
    files: items.map((item) => ({
      file: path.join(folder, `${item.id}.yaml`),
      text: itemYaml(item, false),
      created: true,
    })),
  };
}
