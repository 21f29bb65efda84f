// Push stream: the EventSource on /api/v1/stream for the current project's
// presence and chat-status topics, with reconnect and back-off.

import { api } from './api.js';
import { state } from './state.js';
import { refresh } from './refresh.js';
import { renderChatStatus } from './content.js';

export function closeStream() {
  if (state.streamRetry) {
    clearTimeout(state.streamRetry);
    state.streamRetry = null;
  }
  if (state.stream) {
    state.stream.close();
    state.stream = null;
  }
}

function parseData(ev) {
  try { return JSON.parse(ev.data); } catch (e) { return null; }
}

export function openStream() {
  closeStream();
  if (!state.project || typeof window.EventSource !== 'function') return;

  var key = state.project;
  var url = '/api/v1/stream?topic=presence:' + encodeURIComponent(key) +
    '&topic=chat-status:' + encodeURIComponent(key);
  var es = new EventSource(url);
  state.stream = es;

  es.addEventListener('open', function () {
    if (es !== state.stream) return;
    state.streamDelay = 2000;
  });

  // The server sends `ready` once it is subscribed. Reading the state after that (not
  // before) means no change can fall between what was read and what is pushed.
  es.addEventListener('ready', function () {
    if (es !== state.stream) return;
    refresh();
  });

  es.addEventListener('error', function () {
    if (es !== state.stream) return;
    // EventSource retries by itself unless the server refused the stream.
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    state.stream = null;
    if (state.access === 'denied') return;
    var delay = state.streamDelay;
    state.streamDelay = Math.min(state.streamDelay * 2, 60000);
    state.streamRetry = setTimeout(function () {
      state.streamRetry = null;
      if (key !== state.project || state.access === 'denied') return;
      // Detect an expired session (api() redirects on 401), then reconnect.
      api('GET', '/api/v1/me').then(function () {
        if (key === state.project && !state.stream) {
          openStream();
          refresh();
        }
      }, function (e) {
        if (e.status !== 401 && key === state.project && !state.stream) openStream();
      });
    }, delay);
  });

  // The server could not replay what this page missed (too much, or too old): reload.
  es.addEventListener('reset', function () {
    if (es !== state.stream) return;
    refresh();
  });

  es.addEventListener('presence-changed', function (ev) {
    if (es !== state.stream) return;
    var d = parseData(ev);
    if (d && d.project && d.project !== state.project) return;
    refresh();
  });

  es.addEventListener('chat-status', function (ev) {
    if (es !== state.stream) return;
    var d = parseData(ev);
    if (!d || d.project !== state.project || typeof d.online !== 'boolean') return;
    if (state.presence && state.presenceFor === state.project) state.presence.chat_online = d.online;
    renderChatStatus(d.online);
  });
}
