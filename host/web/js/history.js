// "Presence history" card (#presence-history): the current project's presence
// changes, newest first. refresh() reloads the newest changes together with the
// presence; "Show older" (#presence-history-more) appends the next page.

import { $, el } from './dom.js';
import { api, projectPath } from './api.js';
import { errorText } from './banner.js';
import { state, hasTime, currentPresence } from './state.js';
import { appendUntil, formatDateTime, formatFull } from './format.js';
import { refresh } from './refresh.js';

var PAGE = 20;
var MAX_LIMIT = 200; // the server's largest page

// Bumped whenever a reload replaces the list: an older page requested before
// that no longer continues what is shown.
var generation = 0;
var loadingOlder = null; // the generation an older page is being loaded for

function historyPath(project, limit, before) {
  var path = projectPath(project) + '/presence/history?limit=' + limit;
  if (before) path += '&before=' + encodeURIComponent(before);
  return path;
}

// How many changes a reload of `project` asks for: as many as are shown, so a
// reload keeps the older pages the user opened (up to the server's limit).
export function historyLimit(project) {
  if (state.historyFor !== project) return PAGE;
  return Math.min(Math.max(state.historyWanted, PAGE), MAX_LIMIT);
}

// The newest changes of `project`; refresh() loads them along with the presence.
export function loadHistory(project, limit) {
  return api('GET', historyPath(project, limit || PAGE));
}

function changesOf(page) {
  var changes = page && Array.isArray(page.changes) ? page.changes : [];
  return changes.filter(function (c) { return c && typeof c === 'object'; });
}

function cursorOf(page) {
  return page && typeof page.cursor === 'string' && page.cursor ? page.cursor : null;
}

// Takes a settled loadHistory() result ({ ok, value } or { ok, error }) for the
// current project. Errors stay in the card, never in the banner.
export function applyHistory(project, result, limit) {
  var same = state.historyFor === project;
  if (result.ok) {
    // An older page was appended while this loaded: load again with the new size
    // rather than drop it (refresh() coalesces this into one more load).
    if (same && state.historyAccess === 'ok' && historyLimit(project) > limit) {
      refresh();
      return;
    }
    state.history = changesOf(result.value);
    state.historyCursor = cursorOf(result.value);
    state.historyFor = project;
    state.historyAccess = 'ok';
    state.historyError = null;
    state.historyWanted = Math.max(state.history.length, PAGE);
    generation++;
  } else if (result.error.status === 403) {
    state.history = null;
    state.historyCursor = null;
    state.historyFor = project;
    state.historyAccess = 'denied';
    state.historyError = null;
    state.historyWanted = PAGE;
    generation++;
  } else if (result.error.status !== 401) {
    if (!same) {
      state.history = null;
      state.historyCursor = null;
      state.historyFor = project;
      state.historyAccess = 'unknown';
      state.historyWanted = PAGE;
      generation++;
    }
    state.historyError = 'Could not load the presence history: ' + errorText(result.error);
  }
}

// "Show older": append the page after the last change shown.
export function loadOlder() {
  var project = state.project;
  var cursor = state.historyCursor;
  if (!project || state.historyFor !== project || !cursor || loadingOlder === generation) return;
  var gen = generation;
  loadingOlder = gen;
  state.historyError = null;
  renderHistory();
  api('GET', historyPath(project, PAGE, cursor)).then(function (page) {
    if (loadingOlder === gen) loadingOlder = null;
    if (project !== state.project || state.historyFor !== project) return;
    if (gen !== generation) {
      // A reload replaced the list meanwhile, so this page may not follow it: have a
      // reload fetch one page more instead (unless a newer "Show older" is under way).
      if (loadingOlder === null) {
        state.historyWanted = (state.history ? state.history.length : 0) + PAGE;
        refresh();
      }
      return;
    }
    var older = changesOf(page);
    state.history = (state.history || []).concat(older);
    state.historyCursor = cursorOf(page);
    state.historyWanted = state.history.length;
    renderHistory();
  }, function (e) {
    if (loadingOlder === gen) loadingOlder = null;
    if (e.status === 401 || project !== state.project || state.historyFor !== project) return;
    if (e.status === 403) {
      applyHistory(project, { ok: false, error: e }, PAGE);
    } else {
      state.historyError = 'Could not load older changes: ' + errorText(e);
    }
    renderHistory();
  });
}

/* ------------------------------------------------------------------ */
/* Rendering                                                           */
/* ------------------------------------------------------------------ */

// Display names are not in the history: use those the page already knows.
function knownNames() {
  var names = {};
  var p = currentPresence();
  ((p && p.online_agents) || []).forEach(function (a) {
    if (a && a.user && a.display_name) names[a.user] = a.display_name;
  });
  var me = state.me && state.me.user;
  if (me && me.id && me.display_name) names[me.id] = me.display_name;
  return names;
}

export function causeText(c) {
  var by = c.by ? String(c.by) : '';
  switch (c.cause) {
    case 'manual':
      return !by || by === c.user ? 'by themselves' : 'by ' + by;
    case 'schedule': return 'schedule';
    case 'duration-ended': return 'duration ended';
    case 'inactivity': return 'inactivity';
    case 'admin': return by ? 'by admin ' + by : 'by admin';
    case 'force-logout': return by ? 'forced logout by ' + by : 'forced logout';
    default: return c.cause ? String(c.cause) : '';
  }
}

function renderRow(c, names, selfId) {
  var user = c.user ? String(c.user) : '';
  var tr = el('tr');
  tr.dataset.user = user;
  tr.dataset.cause = c.cause ? String(c.cause) : '';
  if (selfId !== null && user === selfId) tr.classList.add('self');

  var tdTime = el('td', 'history-time');
  if (hasTime(c.at)) {
    var time = el('time', null, formatDateTime(c.at));
    time.dateTime = new Date(c.at).toISOString();
    time.title = formatFull(c.at);
    tdTime.appendChild(time);
  }
  tr.appendChild(tdTime);

  var name = names[user] || user;
  var tdAgent = el('td', 'history-agent', name);
  if (name !== user) tdAgent.title = user;
  tr.appendChild(tdAgent);

  var online = !!c.online;
  var tdChange = el('td', 'history-change ' + (online ? 'state-online' : 'state-offline'));
  tdChange.appendChild(el('span', 'lozenge' + (online ? ' lozenge-online' : ''), online ? 'Online' : 'Offline'));
  if (online && hasTime(c.until)) {
    appendUntil(tdChange, c.until, 'Until ');
  }
  tr.appendChild(tdChange);

  tr.appendChild(el('td', 'history-how', causeText(c)));
  return tr;
}

export function renderHistory() {
  var card = $('presence-history');
  var key = state.project;
  if (!key || state.historyFor !== key || state.historyAccess === 'denied') {
    card.hidden = true;
    $('presence-history-rows').replaceChildren();
    return;
  }

  var rows = Array.isArray(state.history) ? state.history : [];
  var names = knownNames();
  var selfId = state.me && state.me.user && state.me.user.id ? String(state.me.user.id) : null;
  var tbody = $('presence-history-rows');
  tbody.replaceChildren();
  rows.forEach(function (c) { tbody.appendChild(renderRow(c, names, selfId)); });

  $('presence-history-table').hidden = rows.length === 0;
  $('presence-history-empty').hidden = rows.length > 0 || state.history === null;

  var error = $('presence-history-error');
  error.textContent = state.historyError || '';
  error.hidden = !state.historyError;

  var more = $('presence-history-more');
  var busy = loadingOlder !== null && loadingOlder === generation;
  more.hidden = !state.historyCursor;
  more.disabled = busy;
  more.textContent = busy ? 'Loading\u2026' : 'Show older';
  if (busy) card.setAttribute('aria-busy', 'true');
  else card.removeAttribute('aria-busy');

  card.hidden = false;
}
