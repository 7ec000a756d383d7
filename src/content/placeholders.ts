/**
 * What a project holds that its team still has to write: one marker for texts, TODO (enews init
 * and enews new write it), and one domain for addresses and web addresses, your-organisation.example
 * (RFC 2606 keeps .example for examples: it is never anyone's), which enews init uses for all it
 * cannot know. The check looks for the marker and the domain wherever they are left instead of
 * for the values init wrote, so the two cannot drift apart: init takes both from here.
 */
import type { Warning } from '../errors.js';
import { catalogEntrySource, type LoadedCatalog, type LoadedIssue, type LoadedNewsletter } from './load.js';
import { locate, type YamlSource } from './yaml-file.js';

/** The word that marks a text still to be written (not TODOS, not todo). */
export const TODO = /\bTODO\b/;

/** The domain of every address and web address that enews init makes up. */
export const PLACEHOLDER_DOMAIN = 'your-organisation.example';

/** The domain itself or a subdomain (www., my-newsletter.), after an @, a // or a dot. */
const AT_PLACEHOLDER = new RegExp(`(^|[@./])${PLACEHOLDER_DOMAIN.replace(/\./g, '\\.')}(?![a-z0-9.-]*[a-z0-9])`, 'i');

/** The issue's texts whose TODO the per-language check already reports (render/warnings.ts). */
const ISSUE_TEXTS = new Set(['subject', 'preheader', 'intro']);

type KeyPath = Array<string | number>;

export interface PlaceholderInput {
  nl: LoadedNewsletter;
  catalog: LoadedCatalog;
  loaded: LoadedIssue;
}

/**
 * Each placeholder left in newsletter.yaml, the catalog items the issue lists and the issue itself,
 * at its line. Code `placeholder`: check and build warn, and send refuses while a build has one.
 */
export function placeholderWarnings({ nl, catalog, loaded }: PlaceholderInput): Warning[] {
  const out: Warning[] = [];
  const find = (src: YamlSource, at: KeyPath, name: (path: KeyPath) => string, skipTodo = (_: KeyPath) => false) => {
    for (const [path, text] of strings(valueAt(src.doc.toJS(), at), [])) {
      const todo = TODO.test(text);
      if (todo && skipTodo(path)) continue;
      if (!todo && !AT_PLACEHOLDER.test(text)) continue;
      out.push({
        code: 'placeholder',
        message: todo
          ? `${name(path)} still holds TODO placeholder text; enews send refuses until it is written`
          : `${name(path)} is the placeholder "${text}"; enews send refuses until it is your own`,
        location: locate(src, [...at, ...path]),
      });
    }
  };
  find(nl.src, [], dotted);
  const ids = new Set(loaded.issue.items.map((ref) => (typeof ref === 'string' ? ref : ref.id)));
  for (const id of ids) {
    const entry = catalogEntrySource(catalog, id);
    if (entry) find(entry.src, entry.at, (path) => `the ${dotted(path)} of item "${id}"`);
  }
  find(loaded.src, [], dotted, (path) => ISSUE_TEXTS.has(String(path[0])));
  return out;
}

function valueAt(value: unknown, at: KeyPath): unknown {
  return at.reduce<unknown>(
    (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
    value,
  );
}

/** Every string below `value`, with its key path. */
function* strings(value: unknown, path: KeyPath): Generator<[KeyPath, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, v] of value.entries()) yield* strings(v, [...path, i]);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) yield* strings(v, [...path, k]);
}

function dotted(path: KeyPath): string {
  return path.join('.');
}
