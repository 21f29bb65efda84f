// The push stream: one EventSource on /api/v1/stream for a set of topics. The browser resumes
// from the last event id by itself; when the server refused or dropped the stream for good,
// this checks the session at once (api() sends an ended session to the login page) and
// reconnects with back-off.
//
// handlers: { ready(), reset(), denied(), events: { <kind>: function (data) } }
// `ready` comes once the server is subscribed: reading state then misses nothing pushed.

import { api } from './api.js';

// An event's data, or undefined when it is no JSON (`null` is data: "no room").
function parseData(ev) {
  try { return JSON.parse(ev.data); } catch (e) { return undefined; }
}

export function openStream(topics, handlers) {
  var stream = { source: null, retry: null, delay: 2000, closed: false };
  var query = topics.map(function (t) { return 'topic=' + encodeURIComponent(t); }).join('&');

  function connect() {
    if (stream.closed || typeof window.EventSource !== 'function') return;
    var es = new EventSource('/api/v1/stream?' + query);
    stream.source = es;
    es.addEventListener('open', function () { stream.delay = 2000; });
    es.addEventListener('ready', function () { if (handlers.ready) handlers.ready(); });
    es.addEventListener('reset', function () { if (handlers.reset) handlers.reset(); });
    Object.keys(handlers.events || {}).forEach(function (kind) {
      es.addEventListener(kind, function (ev) {
        var data = parseData(ev);
        if (data !== undefined) handlers.events[kind](data);
      });
    });
    es.addEventListener('error', function () {
      // EventSource retries by itself unless the stream is closed for good.
      if (es.readyState !== EventSource.CLOSED || stream.closed) return;
      es.close();
      stream.source = null;
      if (handlers.denied && handlers.denied()) return;
      var delay = stream.delay;
      stream.delay = Math.min(stream.delay * 2, 60000);
      var later = function () {
        stream.retry = setTimeout(function () { stream.retry = null; connect(); }, delay);
      };
      // The session first, at once: a user logged out (or forced out) goes to the login
      // page now; otherwise reconnect after the back-off.
      api('GET', '/api/v1/me').then(later, function (e) {
        if (e.status !== 401) later();
      });
    });
  }

  connect();
  return {
    close: function () {
      stream.closed = true;
      if (stream.retry) clearTimeout(stream.retry);
      if (stream.source) stream.source.close();
      stream.source = null;
    }
  };
}
