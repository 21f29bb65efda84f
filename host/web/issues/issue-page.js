// One issue (TC-5): its history with an "All / Comments only" view, the chat button that
// opens the chat, and the history following the chat live (each chat message is a
// comment of the issue).

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';
import { formatDateTime, formatFull, setTimeZone } from '../core/format.js';
import { openStream } from '../core/stream.js';
import { appendLinkified } from '../core/linkify.js';
import { events } from '../core/contract.js';

var key = new URLSearchParams(window.location.search).get('key') || '';
var onlyComments = false;
var names = {};

function showView() {
  $('view-all').setAttribute('aria-pressed', String(!onlyComments));
  $('view-comments').setAttribute('aria-pressed', String(onlyComments));
}

// The whole history, 500 entries at a time, oldest first.
function fetchHistory(after, gathered) {
  var query = '?limit=500' + (onlyComments ? '&kind=comment' : '') + (after ? '&after=' + after : '');
  return api('GET', '/api/v1/issues/' + encodeURIComponent(key) + '/history' + query).then(function (entries) {
    var all = gathered.concat(entries);
    return entries.length === 500 ? fetchHistory(entries[entries.length - 1].id, all) : all;
  });
}

function loadHistory() {
  return fetchHistory(null, []).then(function (entries) {
    var list = $('issue-history');
    list.replaceChildren();
    entries.forEach(function (entry) {
      var item = el('li', 'history-entry kind-' + entry.kind);
      var meta = el('div', 'history-meta');
      meta.append(el('span', 'history-author', entry.author ? (names[entry.author] || entry.author) : 'System'));
      meta.append(el('span', null, entry.kind === 'comment' ? 'commented' : 'changed'));
      var time = el('time', null, formatDateTime(entry.created));
      time.title = formatFull(entry.created);
      meta.append(time);
      item.append(meta, appendLinkified(el('div', 'history-body'), entry.body));
      list.append(item);
    });
    $('no-history').hidden = entries.length > 0;
  });
}

function start() {
  $('banner-close').addEventListener('click', function () { clearBanner('issue'); });
  $('issue-chat').href = '/team-chat?issue=' + encodeURIComponent(key);
  $('view-all').addEventListener('click', function () { onlyComments = false; showView(); loadHistory(); });
  $('view-comments').addEventListener('click', function () { onlyComments = true; showView(); loadHistory(); });
  Promise.all([
    api('GET', '/api/v1/me'),
    api('GET', '/api/v1/issues/' + encodeURIComponent(key)),
    api('GET', '/api/v1/directory/users')
  ]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    setTimeZone(answers[0].user.time_zone);
    $('issue-key').textContent = answers[1].key;
    $('issue-summary').textContent = answers[1].summary;
    document.title = answers[1].key + ' ' + answers[1].summary + ' · Helpdesk';
    answers[2].forEach(function (user) { names[user.id] = user.display_name; });
    return loadHistory();
  }).then(function () {
    document.body.setAttribute('data-ready', '1');
    // The issue chat's messages are comments: the history follows them live, where the
    // viewer may follow the chat (team chat on and allowed).
    openStream(['team-chat:issue-' + key], {
      events: { [events.teamChat.teamMessage]: function () { loadHistory(); } },
      denied: function () { return true; }
    });
  }, function (e) {
    showBanner(errorText(e), 'issue');
    document.body.setAttribute('data-ready', 'error');
  });
}

start();
