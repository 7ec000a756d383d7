/**
 * What a build depends on, decided in one place for `build` (which records
 * it in the manifest) and `send` (which checks it before sending): the
 * issue, the catalog items it uses, the newsletter fields, the templates,
 * the strings file of each language and the picture files it shows (their bytes: a
 * changed picture is a changed email). Content is hashed as its parsed value,
 * not as file text, so a comment, a reordered catalog or next month's items
 * never block the send of an approved issue, while any change that could
 * alter a byte of what subscribers get still does; the issue and the items
 * hold every language of their texts, so a changed translation is a change.
 * A new kind of input is one more entry here. The web version (web.html) is
 * the same templates and content rendered with `web` set, so it adds none;
 * the archive's own templates (templates/site/) and the strings' `site:` and
 * `unsubscribe_page:` sections are read by `enews site` and `enews serve`
 * only, never by a build, so rewording the archive leaves every build sendable.
 */
import { parse } from 'yaml';
import type { Issue, Item, Newsletter } from '../content/schema.js';
import { SECTIONS } from '../render/strings.js';
import { preferencesUrl } from '../content/subscribe-schema.js';
import type { TemplateSet } from '../render/templates.js';
import { templateInputName } from '../project/templates.js';
import { relative, sha256 } from './hash.js';

export interface BuildSources {
  root: string;
  newsletter: { file: string; value: Newsletter };
  /** The issue file as written: every language of each text. */
  issue: { file: string; value: Issue };
  /** The catalog entries the issue uses, as they are in the catalog (overrides live in the issue). */
  items: Array<{ file: string; item: Item }>;
  templates: TemplateSet;
  /**
   * The strings file of each language (render/strings.ts), as text (empty when it is missing) and, when the
   * caller has parsed it already, as its value: the same hash either way.
   */
  strings: Array<{ file: string; text: string; value?: unknown }>;
  /** The picture files the issue shows (images/local-image.ts), each with the sha256 of its bytes. */
  images: Array<{ file: string; hash: string }>;
}

/**
 * Input name (a project path, `#id` for a catalog item, `enews:templates/…` for a template the
 * package provides) → sha256 of what the render reads from it.
 */
export type BuildInputs = Record<string, string>;

export function buildInputs(s: BuildSources): BuildInputs {
  // `suppress` decides who is mailed, and `approval` when, not what they get: asking for approvals must not make
  // the builds already approved (or sent) stale. `feeds` decides what the catalog gets. Of `subscribe`, only where
  // messages link (the footer's preferences page) is rendered, so the sign-up page's settings never make a build stale.
  const { suppress: _suppress, approval: _approval, feeds: _feeds, subscribe, ...others } = s.newsletter.value;
  const rendered = subscribe ? { ...others, subscribe: { preferences_url: preferencesUrl(subscribe) } } : others;
  const entries: Array<[string, string]> = [
    [relative(s.root, s.newsletter.file), sha256(canonicalJson(rendered))],
    [relative(s.root, s.issue.file), sha256(canonicalJson(s.issue.value))],
    ...s.items.map(({ file, item }): [string, string] => [
      `${relative(s.root, file)}#${item.id}`,
      sha256(canonicalJson(item)),
    ]),
    ...[s.templates.html, s.templates.text, ...s.templates.partials.values()].map((t): [string, string] => [
      templateInputName(s.root, t.file),
      sha256(t.source),
    ]),
    ...s.strings.map(({ file, text, value }): [string, string] => [
      templateInputName(s.root, file),
      stringsHash(text, value),
    ]),
    ...s.images.map(({ file, hash }): [string, string] => [relative(s.root, file), hash]),
  ];
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A strings file as the email reads it: its parsed value without the archive's and the unsubscribe
 * page's sections, which a build never reads (rewording them must not make a build stale). A file
 * that is not YAML any more hashes as its text, which no build recorded: it reads as "edited".
 */
function stringsHash(text: string, parsed?: unknown): string {
  let value = parsed;
  if (parsed === undefined) {
    try {
      value = parse(text);
    } catch {
      return sha256(text);
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    value = Object.fromEntries(Object.entries(value).filter(([k]) => !(SECTIONS as readonly string[]).includes(k)));
  }
  return sha256(canonicalJson(value ?? null));
}

/** One hash over all inputs: the identity of the build in journals and Message-IDs. */
export function inputsHash(inputs: BuildInputs): string {
  return sha256(
    Object.keys(inputs)
      .sort()
      .map((k) => `${k}\0${inputs[k]}\n`)
      .join(''),
  );
}

/** JSON with object keys sorted at every level, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
