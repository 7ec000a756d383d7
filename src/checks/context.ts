/** What every check may need to name a place: the content files with their lines, and the templates. */
import { catalogEntrySource, type LoadedCatalog, type LoadedIssue } from '../content/load.js';
import type { Item, Newsletter } from '../content/schema.js';
import { locate, parseYaml, type YamlSource } from '../content/yaml-file.js';
import type { Location } from '../errors.js';
import type { TemplateFile, TemplateSet } from '../render/templates.js';

export interface CheckInput {
  newsletter: Newsletter;
  newsletterFile: string;
  newsletterText: string;
  loaded: LoadedIssue;
  catalog: LoadedCatalog;
  items: Item[];
  templates: TemplateSet;
}

export interface CheckContext extends CheckInput {
  /** newsletter.yaml at this key, e.g. ['brand', 'color']. */
  newsletterAt(keyPath: ReadonlyArray<PropertyKey>): Location;
  /** The content line that gives this URL: an item's url or image.src (in the issue when it rewords the item). */
  itemAt(url: string): Location | undefined;
  /** The text of the template line a location points at. */
  templateLine(loc: Location): string | undefined;
  /** The first line of the MJML templates (layout, then partials) that `match` accepts. */
  findTemplateLine(match: (line: string) => boolean): Location | undefined;
}

export function checkContext(input: CheckInput): CheckContext {
  let src: YamlSource | null = null;
  const files = mjmlFiles(input.templates);
  const lines = new Map(files.map((t) => [t.file, t.source.split('\n')]));
  return {
    ...input,
    newsletterAt: (keyPath) => {
      src ??= parseYaml(input.newsletterFile, input.newsletterText);
      return locate(src, keyPath);
    },
    itemAt: (url) => {
      const at = input.items.findIndex((i) => i.url === url || i.image?.src === url);
      if (at < 0) return undefined;
      const item = input.items[at]!;
      const field = item.url === url ? ['url'] : ['image', 'src'];
      const ref = input.loaded.issue.items[at];
      if (typeof ref === 'object' && field[0] === 'image' && ref.image) {
        return locate(input.loaded.src, ['items', at, ...field]);
      }
      return catalogField(input.catalog, item.id, field) ?? input.catalog.items.get(item.id)?.location;
    },
    templateLine: (loc) => (loc.line ? lines.get(loc.file)?.[loc.line - 1] : undefined),
    findTemplateLine: (match) => {
      for (const t of files) {
        const i = lines.get(t.file)!.findIndex(match);
        if (i >= 0) {
          const text = lines.get(t.file)![i]!;
          return { file: t.file, line: i + 1, column: text.search(/\S/) + 1 };
        }
      }
      return undefined;
    },
  };
}

/**
 * The line of one field of a catalog item, found in the file that defines it (parsed once per
 * build, not once per link: the checks run for each language).
 */
function catalogField(catalog: LoadedCatalog, id: string, field: string[]): Location | undefined {
  const entry = catalogEntrySource(catalog, id);
  return entry ? locate(entry.src, [...entry.at, ...field]) : undefined;
}

export function mjmlFiles(set: TemplateSet): TemplateFile[] {
  return [set.html, ...set.partials.values()].filter((t) => t.file.endsWith('.mjml'));
}
