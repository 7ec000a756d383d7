/**
 * What review.html (review-page.ts, review-script.ts) and the preview (preview/page.ts, page-script.ts) share: the
 * frames the email is shown in, and the script that switches views and fits each frame to its email's length.
 */

/**
 * The frames' sandbox: allow-same-origin lets the page size a frame to its email; no allow-scripts, so nothing in
 * the email runs; its links may open a new tab.
 */
export const SANDBOX = 'allow-same-origin allow-popups allow-popups-to-escape-sandbox';

/** Desktop, phone, text and web views of the email, as both pages lay them out (the scripts fill them). */
export const FRAMES_HTML = `    <div id="frames">
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
`;

/** The buttons that switch the view and the colour scheme (VIEW_FUNCTIONS answers them). */
export const VIEW_TABS_HTML = `    <div class="tabs" role="group" aria-label="View">
      <button type="button" data-view="desktop" aria-pressed="false">Desktop</button>
      <button type="button" data-view="phone" aria-pressed="false">Phone</button>
      <button type="button" data-view="both" aria-pressed="true">Both</button>
      <button type="button" data-view="text" aria-pressed="false">Plain text</button>
      <button type="button" data-view="web" aria-pressed="false">Web version</button>
    </div>
    <div class="tabs" role="group" aria-label="Colour scheme">
      <button type="button" id="dark-toggle" aria-pressed="false">Dark mode</button>
    </div>
`;

/**
 * Plain ES5-style browser code in a string, inlined into both page scripts inside their function scope, where
 * `$` and `frames` are defined.
 */
export const VIEW_FUNCTIONS = `  function setView(view) {
    document.body.setAttribute('data-view', view);
    Array.prototype.forEach.call(document.querySelectorAll('.tabs button[data-view]'), function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-view') === view));
    });
    $('frames').hidden = view === 'text' || view === 'web';
    $('text').hidden = view !== 'text';
    $('figure-web').hidden = view !== 'web';
    $('figure-desktop').hidden = view === 'phone';
    $('figure-phone').hidden = view === 'desktop';
    frames.forEach(fit);
  }

  // The frame grows to the email's full length, so the email never scrolls inside its frame.
  function fit(frame) {
    if (frame.offsetParent === null) return;
    var doc;
    try { doc = frame.contentDocument; } catch (e) { return; }
    if (!doc || !doc.documentElement || !doc.body) return;
    frame.style.height = '0px';
    frame.style.height = Math.max(doc.documentElement.scrollHeight, 100) + 'px';
  }

`;

/** Fills the headers table (`<table id="headers">`) from `[{ name, value }]`; a null value shows as (none). */
export const HEADERS_FUNCTION = `  function showHeaders(headers) {
    var body = $('headers').tBodies[0];
    body.textContent = '';
    headers.forEach(function (h) {
      var tr = body.insertRow();
      var th = document.createElement('th');
      th.scope = 'row';
      th.textContent = h.name;
      tr.appendChild(th);
      var td = tr.insertCell();
      td.textContent = h.value === null ? '(none)' : h.value;
      if (h.value === null) td.className = 'none';
    });
  }
`;
