/* The web chat with JavaScript: forms are sent with fetch and the page is swapped in
   place; the newest message stays in view and the focus in the text box. Without
   this file every form still works (POST, then a redirect to the page). */
(function () {
  'use strict';
  var busy = false;

  function settle() {
    var log = document.getElementById('log');
    var last = log && log.lastElementChild;
    if (last) {  // the answers below the newest message in view too, unless it is taller than the screen
      window.scrollTo(0, document.documentElement.scrollHeight);
      if (last.getBoundingClientRect().top < 0) { last.scrollIntoView({ block: 'start' }); }
    }
    var box = document.getElementById('answer');
    if (box) { box.focus({ preventScroll: true }); }
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var next = doc.getElementById('app');
    var app = document.getElementById('app');
    if (!next || !app) { window.location.assign('/'); return; }
    app.replaceWith(document.importNode(next, true));
    document.documentElement.lang = doc.documentElement.lang;
    document.title = doc.title;
    settle();
  }

  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!form.hasAttribute('data-live') || !window.fetch) { return; }
    ev.preventDefault();
    if (busy) { return; }
    busy = true;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin',
                         headers: { 'X-Requested-With': 'fetch' } })
      .then(function (r) { return r.text(); })
      .then(function (html) { busy = false; swap(html); })
      .catch(function () { busy = false; form.submit(); });
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', settle);
  } else {
    settle();
  }
}());
