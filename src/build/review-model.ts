/**
 * What reviewers are shown of a prepared issue, described once for both review pages: the live
 * preview (preview/model.ts) and review.html, the page every build writes (review-page.ts). The
 * languages as the switch offers them, the warnings as `check` words them, each language's sample
 * message with its headers read back from the message itself, and the dark view.
 */
import { languagePrefix } from '../checks/findings.js';
import { nativeLanguageName } from '../content/languages.js';
import { formatLocation } from '../errors.js';
import { messageHeaders, type HeaderLine } from '../mime/read-headers.js';
import { relativizerFrom } from '../project/root.js';
import type { PreparedIssue, PreparedLanguage } from './prepare-issue.js';

export interface LanguageChoice {
  code: string;
  /** Its name in itself, and its tag: `Français (fr)`. */
  label: string;
}

export function languageChoices(p: PreparedIssue): LanguageChoice[] {
  return p.languages.map((l) => ({ code: l.language, label: `${nativeLanguageName(l.language)} (${l.language})` }));
}

/** The findings of check and build, one line each, files named relative to the project. */
export function warningLines(p: PreparedIssue, root: string): string[] {
  const relative = relativizerFrom(root, root);
  return p.warnings.map((w) =>
    relative(
      `${w.severity === 'error' ? 'Error: ' : ''}${languagePrefix(w)}` +
        `${w.location ? `${formatLocation(w.location)}: ` : ''}${w.message}`,
    ),
  );
}

/** One language's built sample: the message to the newsletter's sample recipient. */
export interface SampleView {
  code: string;
  dir: 'ltr' | 'rtl';
  subject: string;
  headers: HeaderLine[];
  text: string;
  html: string;
  /** The public web version, the same for everyone. */
  web: string;
}

export function sampleView(l: PreparedLanguage): SampleView {
  return {
    code: l.language,
    dir: l.dir,
    subject: l.rendered.subject,
    headers: messageHeaders(l.sample.eml, l.rendered.preheader),
    text: l.sample.text,
    html: l.sample.html,
    web: l.web.html,
  };
}

/**
 * The media query of the email's dark styles. The dark view applies them whatever the reviewer's
 * own setting (a frame cannot be told its own prefers-color-scheme in every browser), as a mail app
 * in dark mode does.
 */
export const DARK_MEDIA = /@media\s*\(\s*prefers-color-scheme\s*:\s*dark\s*\)/g;

export function forceDark(html: string): string {
  return html.replace(DARK_MEDIA, '@media all');
}
