// The trace of team chat (TC-10), for site admins: search by person, chat, issue and days
// (in the admin's time zone), newest first, page by page; export what matches as CSV or
// JSON.

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';
import { formatDateTime, formatFull, setTimeZone } from '../core/format.js';

var names = {};
var cursor = null;
var zone = null; // the admin's time zone, from the directory

// How far `zone` is ahead of UTC at the instant `ms`, in milliseconds.
function zoneOffset(ms) {
  var parts = {};
  new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit'
  }).formatToParts(new Date(ms)).forEach(function (part) { parts[part.type] = part.value; });
  var local = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
  return local - Math.floor(ms / 1000) * 1000;
}

// The start of a date picked: 00:00 in the admin's own time zone (the browser's without one).
function dayStart(value, plusDays) {
  if (!value) return null;
  var parts = value.split('-').map(Number);
  if (!zone) return new Date(parts[0], parts[1] - 1, parts[2] + (plusDays || 0)).getTime();
  var utcMidnight = Date.UTC(parts[0], parts[1] - 1, parts[2] + (plusDays || 0));
  try {
    // Twice, so a DST change between the two guesses is taken into account.
    var guess = utcMidnight - zoneOffset(utcMidnight);
    return utcMidnight - zoneOffset(guess);
  } catch (e) {
    return new Date(parts[0], parts[1] - 1, parts[2] + (plusDays || 0)).getTime();
  }
}

function filters() {
  var query = new URLSearchParams();
  if ($('trace-user').value) query.set('user', $('trace-user').value);
  if ($('trace-chat').value.trim()) query.set('chat', $('trace-chat').value.trim());
  if ($('trace-issue').value.trim()) query.set('issue', $('trace-issue').value.trim().toUpperCase());
  var since = dayStart($('trace-since').value, 0);
  var until = dayStart($('trace-until').value, 1);
  if (since !== null) query.set('since', String(since));
  if (until !== null) query.set('until', String(until));
  return query;
}

function exportLinks() {
  ['csv', 'json'].forEach(function (format) {
    var query = filters();
    query.set('format', format);
    $('export-' + format).href = '/api/v1/team-chat/trace/export?' + query.toString();
  });
}

function who(entry) {
  var author = names[entry.author] || entry.author;
  if (entry.actor === entry.author) return author;
  return (names[entry.actor] || entry.actor) + ' (message of ' + author + ')';
}

function search(more) {
  var query = filters();
  query.set('limit', '100');
  if (more && cursor) query.set('before', cursor);
  api('GET', '/api/v1/team-chat/trace?' + query.toString()).then(function (page) {
    var rows = $('trace-rows');
    if (!more) rows.replaceChildren();
    page.entries.forEach(function (entry) {
      var row = el('tr');
      var when = el('td', null, formatDateTime(entry.at));
      when.title = formatFull(entry.at);
      var where = el('td', null, entry.place);
      where.title = entry.chat;
      row.append(when, el('td', 'trace-action', entry.action), where, el('td', null, who(entry)),
        el('td', 'trace-body', entry.body));
      rows.append(row);
    });
    cursor = page.cursor || null;
    $('trace-older').hidden = !cursor;
    $('trace-empty').hidden = rows.childElementCount > 0;
    exportLinks();
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    if (showNotAllowed(e, 'site administrators')) return;
    showBanner(errorText(e), 'trace');
    document.body.setAttribute('data-ready', 'error');
  });
}

function start() {
  $('banner-close').addEventListener('click', function () { clearBanner('trace'); });
  $('trace-filter').addEventListener('submit', function (ev) { ev.preventDefault(); search(false); });
  $('trace-filter').addEventListener('change', exportLinks);
  $('trace-older').addEventListener('click', function () { search(true); });
  Promise.all([api('GET', '/api/v1/me'), api('GET', '/api/v1/directory/users')]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    setTimeZone(answers[0].user.time_zone);
    zone = answers[0].user.time_zone || null;
    answers[1].forEach(function (user) {
      names[user.id] = user.display_name;
      if (!user.member) return;
      var option = el('option', null, user.display_name);
      option.value = user.id;
      $('trace-user').append(option);
    });
    search(false);
  }, function (e) { showBanner(errorText(e), 'trace'); });
}

start();
