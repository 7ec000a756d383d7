/**
 * The review page: markup and styles. Static text; everything that depends
 * on the issue arrives as JSON (/api/state) and is written with textContent,
 * so nothing from content or the subscriber file is ever parsed as markup.
 * The email itself is shown in sandboxed frames without scripts.
 */

import { FRAMES_HTML, VIEW_TABS_HTML } from '../build/review-views.js';

export { PAGE_CSS } from '../build/review-style.js';

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>enews preview</title>
<link rel="stylesheet" href="/preview.css">
<script src="/preview.js" defer></script>
</head>
<body data-view="both" data-ready="false">
<header class="bar">
  <h1><span id="issue-label">Issue</span> <span id="subject"></span></h1>
  <div class="controls">
    <label for="recipient">Subscriber</label>
    <select id="recipient"></select>
    <span id="language-switch" hidden>
      <label for="language">Language</label>
      <select id="language"></select>
    </span>
    <a id="download" href="/message.eml" download hidden>Download .eml</a>
  </div>
  <p class="note"><span id="status" aria-live="polite">Loading…</span> · <span id="recipients-note"></span></p>
</header>
<div id="error" role="alert" hidden>
  <h2>The files cannot be built</h2>
  <pre id="error-text"></pre>
  <p id="error-stale">Below is the last version that built. Fix the file and save: this page updates by itself.</p>
</div>
<main>
  <section class="panel" aria-labelledby="h-headers">
    <h2 id="h-headers">Headers</h2>
    <table id="headers"><tbody></tbody></table>
    <h2 id="h-warnings">Warnings</h2>
    <ul id="warnings"></ul>
    <ul id="notices" class="notices"></ul>
    <div id="approvals-box" hidden>
      <h2 id="h-approvals">Approvals</h2>
      <ul id="approvals"></ul>
    </div>
  </section>
  <section aria-label="The email">
${VIEW_TABS_HTML}    <p id="empty">Nothing has been built yet. Fix the problems above and save.</p>
${FRAMES_HTML}  </section>
</main>
</body>
</html>
`;
