/**
 * New items into the catalog without touching a byte of what is there: each item is written with
 * the YAML document API (quoting, folded summaries) and its text put between the existing entries
 * of items.yaml, so every comment, blank line and hand-made line break stays as it was. Items go
 * where their date puts them when the catalog is in date order (newest first, as the example's, or
 * oldest first), else at the end; a comment right above an entry stays with that entry. With one
 * file per item (issues/items/), each new item is a new file. The new catalog is checked as `enews
 * check` checks it before anything is written, and written in one step (a new file renamed over the old).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap } from 'yaml';
import { EnewsError } from '../errors.js';
import type { Item } from '../content/schema.js';
import { replaceFile } from '../util/replace-file.js';

export interface CatalogChange {
  /** The file written (items.yaml) or the files made (issues/items/<id>.yaml), with their new text. */
  files: Array<{ file: string; text: string; created: boolean }>;
}

/** The text of one item as a catalog entry (`- id: …`), or as a one-item file with `asList` false. */
export function itemYaml(item: Item, asList: boolean): string {
  const doc = new Document(asList ? [item] : item);
  const map = (asList ? (doc.contents as unknown as { items: Node[] }).items[0] : doc.contents) as YAMLMap;
  const summary = map.get('summary', true) as Node | undefined;
  // Folded like the entries people write: a long summary reads as a paragraph, not one 400-character line.
  const fold = (n: unknown) => {
    if (isScalar(n) && typeof n.value === 'string' && n.value.length > 60) n.type = 'BLOCK_FOLDED';
  };
  if (isMap(summary)) for (const pair of summary.items) fold(pair.value);
  else fold(summary);
  return doc.toString({ lineWidth: 100 });
}

type Order = 'newest-first' | 'oldest-first' | 'none';

function orderOf(dates: string[]): Order {
  if (dates.every((d, i) => i === 0 || dates[i - 1]! >= d)) return 'newest-first';
  if (dates.every((d, i) => i === 0 || dates[i - 1]! <= d)) return 'oldest-first';
  return 'none';
}

/** Where the line holding `offset` starts, moved up over a comment right above it (no blank line between). */
function entryStart(text: string, offset: number): number {
  let start = text.lastIndexOf('\n', offset - 1) + 1;
  for (;;) {
    if (start === 0) return start;
    const prevStart = text.lastIndexOf('\n', start - 2) + 1;
    const line = text.slice(prevStart, start - 1);
    if (!/^\s*#/.test(line)) return start;
    start = prevStart;
  }
}

/** items.yaml's new text with `items` added; `text` is its text now ('' when it is empty or missing). */
export function addToCatalogText(text: string, items: readonly Item[]): string {
  if (items.length === 0) return text;
  const doc = parseDocument(text);
  const seq = doc.contents;
  const entries = (list: readonly Item[]) => list.map((i) => itemYaml(i, true));
  if (seq === null || (isSeq(seq) && seq.items.length === 0)) {
    // Nothing yet (comments only, or []): the entries follow what is there, newest first, as a list.
    const before = isSeq(seq) && seq.range ? text.slice(0, seq.range[0]) + text.slice(seq.range[1]) : text;
    const head = before.trimEnd();
    const sorted = [...items].sort((a, b) => b.date.localeCompare(a.date) || a.id.localeCompare(b.id));
    return `${head ? `${head}\n\n` : ''}${entries(sorted).join('\n')}`;
  }
  if (!isSeq(seq) || seq.flow) {
    // A list written [ … ] on one line: the document API writes it anew as a block list.
    if (!isSeq(seq)) throw new EnewsError('catalog-not-a-list', 'The catalog is not a list of items.');
    seq.flow = false;
    for (const item of items) seq.items.push(new Document([item]).contents as never);
    return doc.toString({ lineWidth: 100 });
  }
  const values = seq.items.map((n) => (isMap(n) ? (n.toJSON() as { date?: unknown }) : {}));
  const dates = values.map((v) => (typeof v.date === 'string' ? v.date : ''));
  const order = orderOf(dates);
  const spaced = seq.items.slice(1).some((n) => {
    const at = entryStart(text, (n as Node).range![0]);
    return /\n\s*\n$/.test(text.slice(0, at));
  });
  const indent = text.slice(text.lastIndexOf('\n', (seq.items[0] as Node).range![0] - 1) + 1).match(/^ */)![0];
  const place = (item: Item): number => {
    if (order === 'none') return seq.items.length;
    const i = dates.findIndex((d) => (order === 'newest-first' ? d < item.date : d > item.date));
    return i < 0 ? seq.items.length : i;
  };
  const sorted = [...items].sort((a, b) =>
    order === 'oldest-first'
      ? a.date.localeCompare(b.date) || a.id.localeCompare(b.id)
      : b.date.localeCompare(a.date) || a.id.localeCompare(b.id),
  );
  const groups = new Map<number, Item[]>();
  for (const item of order === 'none' ? items : sorted) {
    const at = place(item);
    const group = groups.get(at);
    if (group) group.push(item);
    else groups.set(at, [item]);
  }
  const gap = spaced ? '\n' : '';
  const block = (list: Item[]) => entries(list).map((e) => e.replace(/^(?=.)/gm, indent));
  let out = '';
  let from = 0;
  for (let i = 0; i <= seq.items.length; i++) {
    const group = groups.get(i);
    if (!group) continue;
    if (i < seq.items.length) {
      const at = entryStart(text, (seq.items[i] as Node).range![0]);
      out +=
        text.slice(from, at) +
        block(group)
          .map((e) => e + gap)
          .join('');
      from = at;
    } else {
      const rest = text.slice(from);
      out +=
        (rest.endsWith('\n') || rest === '' ? rest : `${rest}\n`) +
        block(group)
          .map((e) => gap + e)
          .join('');
      from = text.length;
    }
  }
  return out + text.slice(from);
}

/** Writes the change: items.yaml replaced in one step, or one new file per item in issues/items/. */
export function writeCatalogChange(change: CatalogChange): void {
  for (const { file, text, created } of change.files) {
    mkdirSync(path.dirname(file), { recursive: true });
    if (created) {
      writeFileSync(file, text, { flag: 'wx' });
      continue;
    }
    replaceFile(file, text, existsSync(file) ? statSync(file).mode & 0o777 : 0o644);
  }
}
