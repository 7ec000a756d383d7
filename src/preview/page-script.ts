/**
 * The review page's script, served as /preview.js (the page's CSP allows no
 * inline script). Plain ES5-style browser code in a string: no bundler, and
 * it runs in whatever browser a reviewer has. It asks the server for the
 * page model and re-asks whenever the server says the files changed.
 */
import { HEADERS_FUNCTION, VIEW_FUNCTIONS } from '../build/review-views.js';

export const PAGE_SCRIPT = `
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var frames = [$('frame-desktop'), $('frame-phone'), $('frame-web')];
  var picked = null;
  // Answers can overtake each other; only the newest request may update the page.
  var asked = 0;
  var recipientsKey = '';
  // The language asked for with the switch; null lets the server take the picked subscriber's.
  var lang = null;
  var languagesKey = '';
  var dark = false;
  function schemed(url) { return dark ? url + '&scheme=dark' : url; }

  function status(text) { $('status').textContent = text; }

${VIEW_FUNCTIONS}  // Links in the email open in a new tab; without this they would navigate the sandboxed frame.
  function linksToNewTab(frame) {
    try {
      var doc = frame.contentDocument;
      if (doc && doc.head && !doc.querySelector('base')) {
        var base = doc.createElement('base');
        base.target = '_blank';
        doc.head.appendChild(base);
      }
    } catch (e) { /* not same-origin: nothing to do */ }
  }

  function fillList(ul, items, empty) {
    ul.textContent = '';
    if (items.length === 0 && empty) {
      var none = document.createElement('li');
      none.className = 'none';
      none.textContent = empty;
      ul.appendChild(none);
    }
    items.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      ul.appendChild(li);
    });
  }

${HEADERS_FUNCTION}
  function showRecipients(s) {
    var select = $('recipient');
    var key = JSON.stringify(s.recipients);
    if (key !== recipientsKey) {
      recipientsKey = key;
      select.textContent = '';
      s.recipients.forEach(function (r) {
        var o = document.createElement('option');
        o.value = r.id;
        o.textContent = r.label;
        select.appendChild(o);
      });
    }
    picked = s.recipient;
    if (s.recipient !== null) select.value = s.recipient;
    $('recipients-note').textContent = s.recipientsNote;
  }

  function showLanguages(s) {
    var select = $('language');
    var key = JSON.stringify(s.languages);
    if (key !== languagesKey) {
      languagesKey = key;
      select.textContent = '';
      s.languages.forEach(function (l) {
        var o = document.createElement('option');
        o.value = l.code;
        o.textContent = l.label;
        select.appendChild(o);
      });
    }
    $('language-switch').hidden = s.languages.length < 2;
    if (s.language !== null) select.value = s.language;
  }

  function show(s) {
    document.title = (s.subject || 'Issue ' + s.issue) + ' · enews preview';
    document.body.setAttribute('data-ready', String(s.ready));
    $('issue-label').textContent = 'Issue ' + s.issue + ':';
    $('subject').textContent = s.subject || '';
    $('error').hidden = !s.error;
    $('error-text').textContent = s.error || '';
    $('error-stale').hidden = !(s.error && s.ready);
    showRecipients(s);
    showLanguages(s);
    showHeaders(s.headers);
    fillList($('warnings'), s.warnings, 'No warnings.');
    fillList($('notices'), s.notices, null);
    fillList($('approvals'), s.approvals, null);
    $('approvals-box').hidden = s.approvals.length === 0;
    $('text').textContent = s.text;
    $('download').hidden = !s.emlUrl;
    if (s.emlUrl) $('download').setAttribute('href', s.emlUrl);
    if (s.htmlUrl) {
      frames.slice(0, 2).forEach(function (f) {
        if (f.getAttribute('src') !== schemed(s.htmlUrl)) f.setAttribute('src', schemed(s.htmlUrl));
      });
    }
    if (s.webUrl && $('frame-web').getAttribute('src') !== s.webUrl) $('frame-web').setAttribute('src', s.webUrl);
    var at = new Date(s.updatedAt).toLocaleTimeString();
    status((s.error ? 'Problem found at ' : 'Updated at ') + at + ' (render ' + s.version + ')');
  }

  function refresh() {
    var mine = ++asked;
    var query = [];
    if (picked !== null) query.push('r=' + encodeURIComponent(picked));
    if (lang !== null) query.push('l=' + encodeURIComponent(lang));
    var url = '/api/state' + (query.length ? '?' + query.join('&') : '');
    return fetch(url, { cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.json();
      })
      .then(function (s) { if (mine === asked) show(s); },
            function () { if (mine === asked) status('Cannot reach enews preview. Is it still running?'); });
  }

  frames.forEach(function (f) {
    f.addEventListener('load', function () { linksToNewTab(f); fit(f); });
  });
  window.addEventListener('resize', function () { frames.forEach(fit); });
  Array.prototype.forEach.call(document.querySelectorAll('.tabs button[data-view]'), function (b) {
    b.addEventListener('click', function () { setView(b.getAttribute('data-view')); });
  });
  // Dark mode as a mail app that honours the email's dark styles shows it: the server applies them.
  $('dark-toggle').addEventListener('click', function () {
    dark = this.getAttribute('aria-pressed') !== 'true';
    this.setAttribute('aria-pressed', String(dark));
    refresh();
  });
  $('recipient').addEventListener('change', function (e) {
    picked = e.target.value;
    // A newly picked subscriber is shown in their own language, as enews send will mail them.
    lang = null;
    refresh();
  });
  $('language').addEventListener('change', function (e) {
    lang = e.target.value;
    refresh();
  });

  var events = new EventSource('/events');
  events.addEventListener('reload', function () { refresh(); });
  // Also after a reconnect: the files may have changed while the connection was down.
  events.addEventListener('open', function () { refresh(); });
  events.addEventListener('error', function () { status('Lost the connection to enews preview; retrying…'); });
  setView('both');
  refresh();
})();
`;
