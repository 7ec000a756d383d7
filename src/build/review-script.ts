/**
 * review.html's script, inlined in the page and allowed by its hash alone (the page's CSP runs no
 * other script). Plain ES5-style browser code in a string, as the preview's: it runs in whatever
 * browser a reviewer has. It reads the issue from the page's JSON block and shows one language in
 * sandboxed frames: every view of it is made from the one copy of its email HTML.
 *
 * Images are off until the reviewer turns them on: loading them would tell their servers that the
 * page was opened, and where, which a file opened from an attachment should not. With them off,
 * each frame gets a copy of the email made in an inert document (DOMParser loads nothing) with
 * every reference to something remote taken out, so the page requests nothing at all; the frame's
 * own CSP is a second lock.
 */
import { DARK_MEDIA } from './review-model.js';
import { HEADERS_FUNCTION, VIEW_FUNCTIONS } from './review-views.js';

export const REVIEW_SCRIPT = `
(function () {
  'use strict';
  var $ = function (id) { return document.getElementById(id); };
  var data = JSON.parse($('review-data').textContent);
  var frames = [$('frame-desktop'), $('frame-phone'), $('frame-web')];
  var DARK = new RegExp(${JSON.stringify(DARK_MEDIA.source)}, 'g');
  var REMOTE_URL = /url\\(\\s*(?!['"]?\\s*data:)[^)]*\\)/gi;
  var LOADING = ['src', 'srcset', 'background', 'poster', 'data', 'action', 'formaction', 'xlink:href'];
  var CSP_OFF = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";
  var CSP_ON = "default-src 'none'; style-src 'unsafe-inline' https: http:; img-src data: https: http:; " +
    "font-src data: https: http:";
  var state = { language: 0, dark: false, images: false };

${VIEW_FUNCTIONS}  function withoutRemote(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    Array.prototype.forEach.call(doc.querySelectorAll('link, iframe, frame, object, embed, video, audio, ' +
      'source, track, meta[http-equiv], script, base'), function (el) { el.parentNode.removeChild(el); });
    Array.prototype.forEach.call(doc.querySelectorAll('*'), function (el) {
      LOADING.forEach(function (name) {
        var value = el.getAttribute(name);
        if (value !== null && !/^\\s*data:/i.test(value)) el.removeAttribute(name);
      });
      var href = el.getAttribute('href');
      // A link is followed only when clicked; an href anywhere else (an SVG image) loads at once.
      var loads = href !== null && !/^(a|area)$/i.test(el.tagName) && !/^\\s*(data:|#)/i.test(href);
      if (loads) el.removeAttribute('href');
      var style = el.getAttribute('style');
      var kept = style && style.replace(REMOTE_URL, 'none');
      if (kept !== style) el.setAttribute('style', kept);
    });
    Array.prototype.forEach.call(doc.querySelectorAll('style'), function (el) {
      el.textContent = el.textContent.replace(/@import[^;]*;?/gi, '').replace(REMOTE_URL, 'none');
    });
    return '<!doctype html>\\n' + doc.documentElement.outerHTML;
  }

  // The frame's own policy, and links that open in a new tab rather than in the sandboxed frame.
  function framed(html) {
    // The pictures as built: they are not published yet when the issue is reviewed.
    Object.keys(data.pictures).forEach(function (url) { html = html.split(url).join(data.pictures[url]); });
    if (state.dark) html = html.replace(DARK, '@media all');
    if (!state.images) html = withoutRemote(html);
    var head = '<meta http-equiv="Content-Security-Policy" content="' + (state.images ? CSP_ON : CSP_OFF) + '">' +
      '<base target="_blank">';
    var at = html.search(/<head[^>]*>/i);
    if (at < 0) return head + html;
    var end = html.indexOf('>', at) + 1;
    return html.slice(0, end) + head + html.slice(end);
  }

  function fillList(ul, items, empty) {
    ul.textContent = '';
    if (items.length === 0 && empty) items = [empty];
    items.forEach(function (text) {
      var li = document.createElement('li');
      li.textContent = text;
      ul.appendChild(li);
    });
  }

${HEADERS_FUNCTION}
  function showFrames() {
    var l = data.languages[state.language];
    frames[0].srcdoc = framed(l.html);
    frames[1].srcdoc = framed(l.html);
    frames[2].srcdoc = framed(l.web);
  }

  function show() {
    var l = data.languages[state.language];
    document.documentElement.setAttribute('data-language', l.code);
    $('subject').textContent = l.subject;
    $('language').value = l.code;
    showHeaders(l.headers);
    $('text').textContent = l.text;
    $('text').setAttribute('dir', l.dir);
    showFrames();
  }

  var select = $('language');
  data.languages.forEach(function (l) {
    var o = document.createElement('option');
    o.value = l.code;
    o.textContent = l.label;
    select.appendChild(o);
  });
  $('language-switch').hidden = data.languages.length < 2;
  fillList($('warnings'), data.warnings, 'No warnings.');
  if (data.warnings.length === 0) $('warnings').firstChild.className = 'none';
  fillList($('notices'), data.notices, null);
  frames.forEach(function (f) { f.addEventListener('load', function () { fit(f); }); });
  window.addEventListener('resize', function () { frames.forEach(fit); });
  Array.prototype.forEach.call(document.querySelectorAll('.tabs button[data-view]'), function (b) {
    b.addEventListener('click', function () { setView(b.getAttribute('data-view')); });
  });
  $('dark-toggle').addEventListener('click', function () {
    state.dark = !state.dark;
    this.setAttribute('aria-pressed', String(state.dark));
    showFrames();
  });
  $('images-toggle').addEventListener('click', function () {
    state.images = !state.images;
    this.setAttribute('aria-pressed', String(state.images));
    $('images-note').hidden = state.images;
    showFrames();
  });
  select.addEventListener('change', function () {
    for (var i = 0; i < data.languages.length; i++) if (data.languages[i].code === select.value) state.language = i;
    show();
  });
  // review.html#fr opens the French version: a link a reviewer can send to a translator.
  var wanted = decodeURIComponent(location.hash.slice(1));
  for (var i = 0; i < data.languages.length; i++) if (data.languages[i].code === wanted) state.language = i;
  setView('both');
  show();
  document.body.setAttribute('data-ready', 'true');
})();
`;
