/**
 * The shapes of a build's own files (the manifest and each language's send.json), apart from the code that
 * writes a build, so that commands which only read one (status, send, site) do not load the renderer.
 */
import { z } from 'zod';

/** Raised whenever the manifest's shape changes: a build of an older shape is refused, saying what to do (read-build.ts). */
export const MANIFEST_VERSION = 2;

const slotTemplate = z.object({ chunks: z.array(z.string()), slots: z.array(z.string()) });

/** What the manifest says about one language: where its files are, and what the send and the archive need of it. */
const builtLanguageSchema = z.object({
  /** Its folder inside the build: '' for the default language, `fr/`… */
  folder: z.string(),
  dir: z.enum(['ltr', 'rtl']),
  subject: z.string(),
  preheader: z.string().nullable(),
  /** The intro's first paragraph as text, for the archive and the feeds. */
  summary: z.string(),
  /** The newsletter's title in this language (the List-Id phrase, the archive's name). */
  title: z.string(),
  /** The greeting's word for a subscriber without a name, in this language. */
  fallback_name: z.string(),
});

/** Shapes of the build files, checked when `send` reads them back. */
export const manifestSchema = z.object({
  manifest: z.literal(MANIFEST_VERSION),
  number: z.number(),
  date: z.string(),
  subject: z.string(),
  preheader: z.string().nullable(),
  /** The intro's first paragraph as text, for the archive and the feeds. */
  summary: z.string(),
  items: z.array(z.string()),
  sizes: z.record(z.string(), z.number()),
  warnings: z.array(z.object({ code: z.string(), message: z.string() }).passthrough()),
  inputs: z.record(z.string(), z.string()),
  inputsHash: z.string(),
  outputs: z.record(z.string(), z.string()),
  /** The default language, whose files are at the top of the build. */
  language: z.string(),
  /** Every language of the build, the default first. */
  languages: z.record(z.string(), builtLanguageSchema),
});
export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestLanguage = z.infer<typeof builtLanguageSchema>;

export const sendFileSchema = z.object({
  subject: z.string(),
  preheader: z.string().nullable(),
  html: slotTemplate,
  text: slotTemplate,
});

/** The page for reviewers anywhere: every language of the issue in one file (review-page.ts). */
export const REVIEW_FILE = 'review.html';
