/**
 * issues/NNN.approvals.yaml: who approved which build of issue N, meant to be committed beside the
 * issue so approvals travel with the content through git and show in pull requests. enews appends
 * to it (`enews approve`) and keeps whatever else people wrote there, comments included. A file
 * that is not valid is refused at its line, and nothing is appended to it.
 */
import { existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Document, isSeq, type YAMLMap } from 'yaml';
import { z } from 'zod';
import { EnewsError, type Location } from '../errors.js';
import { namedAddress } from '../content/approval-config.js';
import { padded } from '../content/issue-number.js';
import { canonicalLanguage } from '../content/languages.js';
import { languageTag } from '../content/schema.js';
import { locate, parseYaml, readText, validate, type YamlSource } from '../content/yaml-file.js';
import { parseNamedAddress, type NamedAddress } from '../util/named-address.js';

/** How long a note may be: a sentence or two, not a review. */
export const MAX_NOTE = 500;

const entrySchema = z.strictObject({
  by: namedAddress,
  build: z.string().regex(/^[0-9a-f]{64}$/, 'must be the hash of a build (64 hex digits), as enews approve writes it'),
  at: z.iso.datetime({ error: 'must be a time such as 2026-12-07T15:40:00Z, as enews approve writes it' }),
  languages: z.array(languageTag).min(1, 'must list the languages approved'),
  note: z.string().max(MAX_NOTE, `must be at most ${MAX_NOTE} characters`).optional(),
});

const fileSchema = z.strictObject({ approvals: z.array(entrySchema, { error: 'must be a list of approvals' }) });

/** One approval as written in the file. */
export type ApprovalEntry = z.infer<typeof entrySchema>;

/** One approval as enews reads it. */
export interface Approval {
  by: NamedAddress;
  /** The hash of the build approved: its manifest's inputsHash. */
  build: string;
  at: string;
  /** In their canonical spelling. */
  languages: string[];
  note: string | null;
  /** Its entry in the file. */
  location: Location;
}

export interface ApprovalsFile {
  file: string;
  exists: boolean;
  approvals: Approval[];
}

export function approvalsFile(root: string, number: number): string {
  return path.join(root, 'issues', `${padded(number)}.approvals.yaml`);
}

const HEADER =
  ' Approvals of issue %N, recorded by enews approve: commit this file with the issue.\n' +
  ' Each names the build it approves (its hash, as review.html shows it). A change to anything\n' +
  ' the build depends on makes a new build, for which these approvals are stale and never count.';

/** Thousands of approvals fit in it; anything larger is not an approvals file (and is not read into memory). */
const MAX_BYTES = 1024 * 1024;

function readSource(file: string, number: number): YamlSource {
  if (statSync(file).size > MAX_BYTES) {
    throw new EnewsError('approvals-too-large', `${file} is larger than 1 MB: it is not an approvals file.`, {
      problems: [{ message: 'Restore it from git (git checkout -- the file), or remove it and approve again.' }],
    });
  }
  return parseYaml(file, readText(file, `the approvals of issue ${number}`));
}

export function readApprovals(root: string, number: number): ApprovalsFile {
  const file = approvalsFile(root, number);
  if (!existsSync(file)) return { file, exists: false, approvals: [] };
  const src = readSource(file, number);
  const { approvals } = validate(src, fileSchema, 'approvals file');
  return {
    file,
    exists: true,
    approvals: approvals.map((a, i) => ({
      by: parseNamedAddress(a.by) as NamedAddress,
      build: a.build,
      at: a.at,
      languages: a.languages.map((l) => canonicalLanguage(l) ?? l),
      note: a.note ?? null,
      location: locate(src, ['approvals', i]),
    })),
  };
}

/** Adds `entry` at the end of the file (made when missing), keeping the rest of it as it was written. */
export function appendApproval(root: string, number: number, entry: ApprovalEntry): string {
  const file = approvalsFile(root, number);
  let doc: Document;
  if (existsSync(file)) {
    const src = readSource(file, number);
    validate(src, fileSchema, 'approvals file');
    doc = src.doc;
  } else {
    doc = new Document({ approvals: [] });
    doc.commentBefore = HEADER.replace('%N', String(number));
  }
  const list = doc.get('approvals', true);
  if (!isSeq(list)) throw new Error('approvals is a list once validated');
  const node = doc.createNode(entrySchema.parse(entry)) as YAMLMap;
  const languages = node.get('languages', true);
  if (isSeq(languages)) languages.flow = true;
  // `approvals: []`, as someone may have cleared it, would otherwise stay on one line.
  list.flow = false;
  list.items.push(node);
  // Beside the target and renamed: a reader (git, the preview) never sees half a file.
  writeFileSync(`${file}.tmp`, doc.toString({ lineWidth: 0 }));
  renameSync(`${file}.tmp`, file);
  return file;
}
