/**
 * Writes dist/NNN/: what reviewers look at (email.html, email.txt,
 * message.eml, web.html, the public web version, and review.html, all of
 * it in every language on one page), the manifest, and
 * send.json, the pre-split render that `enews send` personalises, so what is
 * sent (and what `enews site` publishes) is what was built and reviewed.
 * The default language's files are at the top of the build, every other
 * language's the same files in dist/NNN/<lang>/. One manifest covers
 * them all: its `outputs` hash every file (`fr/email.html` too), so whatever
 * verifies a build verifies every language. The issue's pictures, made from
 * the project's own files, are in dist/NNN/assets/, shared by all languages
 * and hashed like every other output (what was reviewed is what is published).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Warning } from '../errors.js';
import { relative, sha256 } from './hash.js';
import { type Manifest, type ManifestLanguage, MANIFEST_VERSION, REVIEW_FILE, sendFileSchema } from './manifest.js';

import { ASSETS_FOLDER } from '../images/publish.js';
import type { PreparedIssue, PreparedLanguage } from './prepare-issue.js';
import { reviewPage } from './review-page.js';

/**
 * The files of each language of a build, in its folder, in this order: their content, and whether
 * people open them (`build` lists those) or only enews (send.json, the render `send` personalises).
 */
const LANGUAGE_FILES: ReadonlyArray<{ name: string; forPeople: boolean; content: (l: PreparedLanguage) => string }> = [
  { name: 'email.html', forPeople: true, content: (l) => l.sample.html },
  { name: 'email.txt', forPeople: true, content: (l) => l.sample.text },
  { name: 'message.eml', forPeople: true, content: (l) => l.sample.eml },
  { name: 'send.json', forPeople: false, content: (l) => JSON.stringify(sendFileSchema.parse(l.rendered)) },
  { name: 'web.html', forPeople: true, content: (l) => l.web.html },
];

/** The files of the whole issue, after every language's: their content, and whether people open them. */
const ISSUE_FILES: ReadonlyArray<{ name: string; forPeople: boolean; content: (p: PreparedIssue) => string }> = [
  { name: REVIEW_FILE, forPeople: true, content: reviewPage },
];

/** A file a build wrote. */
export interface BuiltFile {
  /** Its path in the build folder: `email.html`, `fr/email.html`, `manifest.json`, `assets/logo-320w-….png`. */
  name: string;
  /** The language whose file it is; null for the manifest, the pictures and the files of the whole issue (review.html). */
  language: string | null;
  bytes: number;
  /** For people to open (the email, its text, the sample message, the web version), not for enews only. */
  forPeople: boolean;
}

export interface BuildResult {
  dir: string;
  manifest: Manifest;
  /**
   * Every file written: the pictures, then each language's in LANGUAGE_FILES order (the default language first),
   * then the issue's (ISSUE_FILES), the manifest last.
   */
  files: BuiltFile[];
}

export function writeBuild(p: PreparedIssue, dir: string): BuildResult {
  const files: Record<string, string | Buffer> = {};
  const written: BuiltFile[] = [];
  for (const [name, asset] of p.images.assets) {
    files[name] = asset.bytes;
    written.push({ name, language: null, bytes: asset.bytes.length, forPeople: false });
  }
  for (const l of p.languages) {
    for (const f of LANGUAGE_FILES) {
      const name = `${l.folder}${f.name}`;
      const text = f.content(l);
      files[name] = text;
      written.push({ name, language: l.language, bytes: Buffer.byteLength(text, 'utf8'), forPeople: f.forPeople });
    }
  }
  for (const f of ISSUE_FILES) {
    const text = f.content(p);
    files[f.name] = text;
    written.push({ name: f.name, language: null, bytes: Buffer.byteLength(text, 'utf8'), forPeople: f.forPeople });
  }
  const main = p.languages[0]!;
  const manifest: Manifest = {
    manifest: MANIFEST_VERSION,
    number: p.number,
    date: main.issue.date,
    subject: main.rendered.subject,
    preheader: main.rendered.preheader,
    summary: main.web.summary,
    items: main.items.map((i) => i.id),
    sizes: Object.fromEntries(written.map((f) => [f.name, f.bytes])),
    warnings: p.warnings.map((w) => plainWarning(p.root, w)),
    inputs: p.inputs,
    inputsHash: p.inputsHash,
    outputs: Object.fromEntries(Object.entries(files).map(([name, content]) => [name, sha256(content)])),
    language: main.language,
    languages: Object.fromEntries(
      p.languages.map((l): [string, ManifestLanguage] => [
        l.language,
        {
          folder: l.folder,
          dir: l.dir,
          subject: l.rendered.subject,
          preheader: l.rendered.preheader,
          summary: l.web.summary,
          title: l.newsletter.title,
          fallback_name: l.newsletter.fallback_name,
        },
      ]),
    ),
  };
  files['manifest.json'] = JSON.stringify(manifest, null, 2) + '\n';
  written.push({
    name: 'manifest.json',
    language: null,
    bytes: Buffer.byteLength(files['manifest.json']),
    forPeople: false,
  });
  // Write each file beside its target and rename, so a reviewer never opens a half-written file;
  // the manifest goes last, so a build interrupted midway cannot be sent.
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(`${target}.tmp`, content);
    renameSync(`${target}.tmp`, target);
  }
  removeOldAssets(dir, files);
  return { dir, manifest, files: written };
}

/** Pictures of an earlier build that this one no longer shows: nothing names them any more. */
function removeOldAssets(dir: string, files: Record<string, unknown>): void {
  const folder = path.join(dir, ASSETS_FOLDER);
  if (!existsSync(folder)) return;
  for (const name of readdirSync(folder)) {
    if (!(`${ASSETS_FOLDER}${name}` in files)) rmSync(path.join(folder, name), { recursive: true, force: true });
  }
}

/**
 * A warning as the manifest keeps it: where, relative to the
 * project, so the manifest does not depend on where it was built.
 */
function plainWarning(root: string, w: Warning): Manifest['warnings'][number] {
  const loc = w.location;
  return {
    code: w.code,
    message: w.message,
    ...(loc ? { location: `${relative(root, loc.file)}${loc.line ? `:${loc.line}` : ''}` } : {}),
    ...(w.language ? { language: w.language } : {}),
  };
}
