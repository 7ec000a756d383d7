/**
 * The review page: markup and styles. Static text; everything that depends
 * on the issue arrives as JSON (/api/state) and is written with textContent,
 * so nothing from content or the subscriber file is ever parsed as markup.
 * The email itself is shown in sandboxed frames without scripts.
 */

/** allow-same-origin lets the page size the frame to the email; no allow-scripts, so nothing in the email runs. */
const SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

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
  </section>
  <section aria-label="The email">
    <div class="tabs" role="group" aria-label="View">
      <button type="button" data-view="desktop" aria-pressed="false">Desktop</button>
      <button type="button" data-view="phone" aria-pressed="false">Phone</button>
      <button type="button" data-view="both" aria-pressed="true">Both</button>
      <button type="button" data-view="text" aria-pressed="false">Plain text</button>
      <button type="button" data-view="web" aria-pressed="false">Web version</button>
    </div>
    <div class="tabs" role="group" aria-label="Colour scheme">
      <button type="button" id="dark-toggle" aria-pressed="false">Dark mode</button>
    </div>
    <p id="empty">Nothing has been built yet. Fix the problems above and save.</p>
    <div id="frames">
      <figure id="figure-desktop">
        <figcaption>Desktop · 700 px</figcaption>
        <iframe id="frame-desktop" title="The email at desktop width" sandbox="${SANDBOX}"></iframe>
      </figure>
      <figure id="figure-phone">
        <figcaption>Phone · 375 px</figcaption>
        <iframe id="frame-phone" title="The email at phone width" sandbox="${SANDBOX}"></iframe>
      </figure>
    </div>
    <pre id="text" aria-label="Plain-text part" hidden></pre>
    <figure id="figure-web" hidden>
      <figcaption>Web version · the page enews site publishes: no name, no address, no unsubscribe link</figcaption>
      <iframe id="frame-web" title="The web version" sandbox="${SANDBOX}"></iframe>
    </figure>
  </section>
</main>
</body>
</html>
`;

export const PAGE_CSS =
  `
:root { color-scheme: light; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; ` +
  `color: #1b1b1b; background: #eef0f3; }
body { margin: 0; }
[hidden] { display: none !important; }
body[data-ready="false"] #frames, body[data-ready="false"] #text, body[data-ready="false"] #figure-web, ` +
  `body[data-ready="true"] #empty { display: none !important; }
.bar { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; align-items: center; gap: 6px 24px; ` +
  `padding: 10px 20px; background: #fff; border-bottom: 1px solid #d0d4da; }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 15px; margin: 12px 0 6px; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
select { font: inherit; max-width: 28em; }
.note { margin: 0; color: #4a5160; font-size: 13px; }
#error { margin: 12px 20px 0; padding: 8px 16px; border: 2px solid #b3261e; border-radius: 4px; ` +
  `background: #fdecea; color: #5f1410; }
#error pre { margin: 6px 0; white-space: pre-wrap; font: 14px/1.4 ui-monospace, Menlo, Consolas, monospace; }
#error p { margin: 6px 0; }
main { padding: 12px 20px 40px; }
.panel { margin-bottom: 16px; padding: 4px 16px 12px; background: #fff; border: 1px solid #d0d4da; border-radius: 4px; }
#headers { border-collapse: collapse; }
#headers th { padding: 2px 16px 2px 0; text-align: left; vertical-align: top; white-space: nowrap; font-weight: 600; }
#headers td { padding: 2px 0; font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
#headers td.none { color: #6b7280; font-style: italic; }
#warnings, .notices { margin: 0; padding-left: 20px; }
#warnings li { color: #7a4b00; }
#warnings li.none { color: #4a5160; list-style: none; margin-left: -20px; }
.notices { list-style: none; padding-left: 0; }
.notices li { margin-top: 4px; color: #4a5160; }
.notices li::before { content: "Note: "; font-weight: 600; }
.tabs { display: inline-flex; flex-wrap: wrap; gap: 0; margin-right: 16px; }
.tabs button { font: inherit; padding: 6px 16px; margin-right: -1px; background: #fff; color: #1b1b1b; ` +
  `border: 1px solid #8a94a3; cursor: pointer; }
.tabs button[aria-pressed="true"] { background: #1e2dbe; border-color: #1e2dbe; color: #fff; }
button:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
#frames { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 24px; margin-top: 12px; }
figure { margin: 0; }
figcaption { margin-bottom: 4px; color: #4a5160; font-size: 13px; }
iframe { display: block; box-sizing: content-box; height: 600px; background: #fff; border: 1px solid #c3c8cf; }
#frame-desktop { width: 700px; }
#frame-phone { width: 375px; }
#figure-web { margin-top: 12px; }
#frame-web { width: 100%; box-sizing: border-box; }
#text { width: fit-content; max-width: 100%; box-sizing: border-box; margin: 12px 0 0; padding: 16px 20px; ` +
  `overflow-x: auto; background: #fff; border: 1px solid #c3c8cf; ` +
  `font: 14px/1.45 ui-monospace, Menlo, Consolas, monospace; white-space: pre; }
`;
