/**
 * Writes dist/NNN/: what reviewers look at (email.html, email.txt,
 * message.eml, and web.html, the public web version), the manifest, and
 * send.json, the pre-split render that `enews send` personalises, so what is
 * sent (and what `enews site` publishes) is what was built and reviewed.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RenderedIssue } from '../render/render-issue.js';
import type { Warning } from '../render/warnings.js';
import { padded } from '../content/issue-number.js';
import { relative, sha256 } from './hash.js';
import type { PreparedIssue } from './prepare-issue.js';

export const MANIFEST_VERSION = 1;

const slotTemplate = z.object({ chunks: z.array(z.string()), slots: z.array(z.string()) });

/** Shapes of the build files, checked when `send` reads them back. */
export const manifestSchema = z.object({
  manifest: z.literal(MANIFEST_VERSION),
  number: z.number(),
  date: z.string(),
  subject: z.string(),
  preheader: z.string().nullable(),
  /** The intro's first paragraph as text, for the archive and the feeds. Builds before web.html lack it. */
  summary: z.string().optional(),
  items: z.array(z.string()),
  sizes: z.record(z.string(), z.number()),
  warnings: z.array(z.object({ code: z.string(), message: z.string() }).passthrough()),
  inputs: z.record(z.string(), z.string()),
  inputsHash: z.string(),
  outputs: z.record(z.string(), z.string()),
});
export type Manifest = z.infer<typeof manifestSchema>;

export const sendFileSchema = z.object({
  subject: z.string(),
  preheader: z.string().nullable(),
  html: slotTemplate,
  text: slotTemplate,
});

export function defaultOutDir(root: string, number: number): string {
  return path.join(root, 'dist', padded(number));
}

export interface BuildResult {
  dir: string;
  manifest: Manifest;
}

export function writeBuild(p: PreparedIssue, dir: string): BuildResult {
  const send: RenderedIssue = p.rendered;
  const files: Record<string, string> = {
    'email.html': p.sample.html,
    'email.txt': p.sample.text,
    'message.eml': p.sample.eml,
    'send.json': JSON.stringify(sendFileSchema.parse(send)),
    'web.html': p.web.html,
  };
  const manifest: Manifest = {
    manifest: MANIFEST_VERSION,
    number: p.number,
    date: p.issue.date,
    subject: p.rendered.subject,
    preheader: p.rendered.preheader,
    summary: p.web.summary,
    items: p.items.map((i) => i.id),
    sizes: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, Buffer.byteLength(text, 'utf8')])),
    warnings: p.warnings.map((w) => plainWarning(p.root, w)),
    inputs: p.inputs,
    inputsHash: p.inputsHash,
    outputs: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, sha256(text)])),
  };
  files['manifest.json'] = JSON.stringify(manifest, null, 2) + '\n';
  mkdirSync(dir, { recursive: true });
  // Write each file beside its target and rename, so a reviewer never opens a half-written file;
  // the manifest goes last, so a build interrupted midway cannot be sent.
  for (const [name, text] of Object.entries(files)) {
    const target = path.join(dir, name);
    writeFileSync(`${target}.tmp`, text);
    renameSync(`${target}.tmp`, target);
  }
  return { dir, manifest };
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
  };
}
