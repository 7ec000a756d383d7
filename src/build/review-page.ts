/**
 * review.html: one self-contained page for reviewers anywhere, written by every build. It needs no
 * server and requests nothing (it opens from file://, a mail attachment or any static host) and
 * shows what the preview shows: each language at desktop and phone width, light and dark, its
 * plain-text part, its headers, the web version, the warnings of check, and the build hash that
 * an approval names. Each language's email HTML is in it once, in a JSON block; the script
 * (review-script.ts) makes every view from it, in frames that run no script, under a CSP that
 * runs the page's own script only. Nothing in it depends on when or where it was built, so a
 * rebuild writes the same bytes.
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../render/slots.js';
import { formatNamedAddress } from '../util/named-address.js';
import type { PreparedIssue } from './prepare-issue.js';
import { languageChoices, sampleView, warningLines, type SampleView } from './review-model.js';
import { inlinePictures } from '../images/in-content.js';
import { REVIEW_SCRIPT } from './review-script.js';
import { REVIEW_CSS } from './review-style.js';
import { FRAMES_HTML, VIEW_TABS_HTML } from './review-views.js';

/** allow-same-origin lets the page size a frame to its email; no allow-scripts, so nothing in the email runs. */

/** What the page's script reads. */
export interface ReviewData {
  issue: number;
  build: string;
  /** The sample subscriber every language's message is addressed to. */
  sample: string;
  warnings: string[];
  notices: string[];
  languages: Array<SampleView & { label: string }>;
  /** The pictures enews made, by the address the email names them at (site.base_url): shown from here. */
  pictures: Record<string, string>;
}

export function reviewData(p: PreparedIssue): ReviewData {
  const labels = languageChoices(p);
  const main = p.languages[0]!;
  return {
    issue: p.number,
    build: p.inputsHash,
    sample: formatNamedAddress({
      name: main.newsletter.sample_recipient.name,
      address: main.newsletter.sample_recipient.email,
    }),
    warnings: warningLines(p, p.root),
    notices: main.newsletter.unsubscribe.url
      ? [
          'The unsubscribe links here carry no token: a build is made without the secret. ' +
            'Each subscriber’s message carries their own link.',
        ]
      : [],
    languages: p.languages.map((l, i) => ({ ...sampleView(l), label: labels[i]!.label })),
    pictures: inlinePictures(p.images.assets),
  };
}

export function reviewPage(p: PreparedIssue): string {
  const data = reviewData(p);
  const main = data.languages[0]!;
  const short = data.build.slice(0, 12);
  const scriptHash = createHash('sha256').update(REVIEW_SCRIPT).digest('base64');
  // Inherited by the email's frames (srcdoc), which then add their own, stricter one (review-script.ts).
  const csp =
    `default-src 'none'; script-src 'sha256-${scriptHash}'; style-src 'unsafe-inline' https: http:; ` +
    "img-src data: https: http:; font-src data: https: http:; base-uri 'none'; form-action 'none'";
  const approve = `enews approve ${data.issue} --by "Your Name <you@example.org>" --hash ${short}`;
  return (
    `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Review: ${escapeHtml(main.subject)} · build ${short}</title>
<style>${REVIEW_CSS}</style>
</head>
<body data-view="both" data-ready="false">
<header class="bar">
  <h1><span id="issue-label">Issue ${data.issue}:</span> <span id="subject">${escapeHtml(main.subject)}</span></h1>
  <div class="controls">
    <span id="language-switch" hidden>
      <label for="language">Language</label>
      <select id="language"></select>
    </span>
  </div>
  <p class="note">Build <code id="build-short">${short}</code> · sent to the sample subscriber ` +
    `<span id="sample">${escapeHtml(data.sample)}</span></p>
</header>
<noscript><p>This page needs JavaScript to show the email; email.html beside it is the email itself.</p></noscript>
<main>
  <section class="panel build" aria-labelledby="h-build">
    <h2 id="h-build">This build</h2>
    <p>Issue ${data.issue}, build <code class="hash" id="build">${data.build}</code></p>
    <p>Quote the build (its first 12 digits, <code>${short}</code>, are enough) when you approve it, so the
    approval is recorded for exactly what you saw: <code>${escapeHtml(approve)}</code>. Any change to the issue
    makes a new build, which needs its own review.</p>
  </section>
  <section class="panel" aria-labelledby="h-headers">
    <h2 id="h-headers">Headers</h2>
    <table id="headers"><tbody></tbody></table>
    <h2 id="h-warnings">Warnings</h2>
    <ul id="warnings"></ul>
    <ul id="notices" class="notices"></ul>
  </section>
  <section aria-label="The email">
${VIEW_TABS_HTML}    <div class="tabs" role="group" aria-label="Images">
      <button type="button" id="images-toggle" aria-pressed="false">Show images</button>
    </div>
    <p id="images-note">Images are not loaded: loading them would tell the servers they are on that this page
    was opened. Their alt text shows instead. <strong>Show images</strong> loads them from the web.</p>
    <p id="empty">The email shows here once the page has loaded.</p>
${FRAMES_HTML}  </section>
</main>
<script type="application/json" id="review-data">${jsonForScript(data)}</script>
<script>${REVIEW_SCRIPT}</script>
</body>
</html>
`
  );
}

/**
 * JSON inside a <script> block: no "<" at all, so nothing in the content (an item's "</script>",
 * an "<!--") can end the block or start markup; JSON.parse reads \u003c back as "<".
 */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
