/**
 * The styles of the review pages: the preview's page, as it serves them, and review.html, which
 * adds a few rules of its own (REVIEW_CSS) for what only it has: the build hash and the images switch.
 */
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
#warnings, .notices, #approvals { margin: 0; padding-left: 20px; }
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

/** review.html's own rules, after the shared ones. */
export const REVIEW_CSS =
  PAGE_CSS +
  `code { font: 13px/1.45 ui-monospace, Menlo, Consolas, monospace; }
.hash { overflow-wrap: anywhere; user-select: all; }
.build p { margin: 4px 0; max-width: 60em; }
#images-note { margin: 8px 0 0; color: #4a5160; font-size: 13px; }
noscript p { margin: 12px 20px; padding: 8px 16px; border: 2px solid #b3261e; background: #fdecea; }
`;
