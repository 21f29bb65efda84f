// The presence page's state and everything that changes it: loading the current project's
// presence, the viewer's own status and the presence history (one coalesced refresh), the
// push stream, paging, and going online or offline. Components subscribe and render; this
// module knows no element, so nothing imports back into it.

import { api, ApiError, projectPath } from '../core/api.js';
import { openStream } from '../core/stream.js';
import { events } from '../core/contract.js';

var HISTORY_PAGE = 20;
var HISTORY_MAX = 200; // the server's largest page
var AGENTS_PAGE = 50;
var MAX_TIMEOUT = 2147483647;

export var state = {
  me: null,             // GET /me
  projects: [],         // me.projects
  project: null,        // the current project's key
  view: null,           // GET /projects/{key}/presence for viewFor
  viewFor: null,
  access: 'unknown',    // 'ok' | 'denied' | 'unknown'
  moreAgents: [],       // online agents paged in after view.online_agents
  moreCursor: null,     // where the next page of online agents starts
  mine: null,           // GET /presence/me
  requests: null,       // the project's inbox counts (LC-9 new-request notice), for its staff
  history: null,        // presence changes shown for historyFor, newest first
  historyNames: {},     // user id -> display name, from the history pages
  historyFilter: { user: '', since: null, until: null },
  historyFor: null,
  historyCursor: null,  // `before` of the next older page; null at the end
  historyAccess: 'unknown',
  historyError: null,
  historyWanted: 0,     // how many changes a reload asks for (grows with "Show older")
  loadingOlder: false,
  problems: [],         // load errors for the banner
  busy: false,          // a change of presence is under way
  changeError: null,    // { message, requestId } of a refused change
  ready: false
};

var listeners = [];

export function subscribe(listener) {
  listeners.push(listener);
  listener(state);
}

function notify() {
  listeners.forEach(function (listener) { listener(state); });
  scheduleExpiryRefresh();
}

export function hasTime(v) {
  return typeof v === 'number' && isFinite(v);
}

export function projectByKey(key) {
  for (var i = 0; i < state.projects.length; i++) {
    if (state.projects[i].key === key) return state.projects[i];
  }
  return null;
}

export function projectName(key) {
  var p = projectByKey(key);
  return (p && p.name) || key;
}

export function currentView() {
  return state.viewFor === state.project ? state.view : null;
}

export function viewer() {
  var v = (currentView() && currentView().viewer) || {};
  return {
    isAgent: v.is_agent !== false, online: !!v.online, until: hasTime(v.until) ? v.until : null,
    mayPutOffline: v.may_put_offline === true
  };
}

export function onlineAgents() {
  var view = currentView();
  return view ? (view.online_agents || []).concat(state.moreAgents) : [];
}

export function selfId() {
  return state.me && state.me.user ? state.me.user.id : null;
}

function settle(promise) {
  return promise.then(
    function (value) { return { ok: true, value: value }; },
    function (error) { return { ok: false, error: error }; }
  );
}

function errorText(e) {
  return (e && e.message) || 'Something went wrong.';
}

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

function historyLimit(project) {
  if (state.historyFor !== project) return HISTORY_PAGE;
  return Math.min(Math.max(state.historyWanted, HISTORY_PAGE), HISTORY_MAX);
}

function historyPath(project, limit, before) {
  var path = projectPath(project) + '/presence/history?limit=' + limit;
  var filter = state.historyFilter;
  if (filter.user) path += '&user=' + encodeURIComponent(filter.user);
  if (hasTime(filter.since)) path += '&since=' + filter.since;
  if (hasTime(filter.until)) path += '&until=' + filter.until;
  if (before) path += '&before=' + encodeURIComponent(before);
  return path;
}

// Remembers the display names a history page names (PR-15).
function keepNames(page) {
  ((page && page.names) || []).forEach(function (n) {
    if (n && n.user) state.historyNames[n.user] = n.display_name;
  });
}

// PR-15: narrows the history to one agent ('' for all) and a time range (ms, or null).
export function setHistoryFilter(filter) {
  state.historyFilter = { user: filter.user || '', since: filter.since, until: filter.until };
  if (state.project) resetHistory(state.project, state.historyAccess);
  return refresh();
}

function changesOf(page) {
  var changes = page && Array.isArray(page.changes) ? page.changes : [];
  return changes.filter(function (c) { return c && typeof c === 'object'; });
}

function resetHistory(project, access) {
  state.history = null;
  state.historyCursor = null;
  state.historyFor = project;
  state.historyAccess = access;
  state.historyWanted = HISTORY_PAGE;
}

function applyView(project, result, problems) {
  if (result.ok) {
    state.view = result.value || null;
    state.viewFor = project;
    state.access = 'ok';
    state.moreAgents = [];
    state.moreCursor = state.view ? state.view.more_online || null : null;
  } else if (result.error.status === 403) {
    state.view = null;
    state.viewFor = project;
    state.access = 'denied';
  } else if (result.error.status !== 401) {
    if (state.viewFor !== project) {
      state.view = null;
      state.viewFor = project;
      state.access = 'unknown';
    }
    problems.push('Could not load presence for ' + projectName(project) + ': ' + errorText(result.error));
  }
}

function applyHistory(project, result, limit) {
  if (result.ok && state.historyFor === project && state.historyAccess === 'ok' && historyLimit(project) > limit) {
    // An older page was added while this loaded: load again with the new size rather than
    // drop it (refresh() makes this one more load).
    refresh();
    return;
  }
  if (result.ok) {
    keepNames(result.value);
    state.history = changesOf(result.value);
    state.historyCursor = result.value && result.value.cursor ? result.value.cursor : null;
    state.historyFor = project;
    state.historyAccess = 'ok';
    state.historyError = null;
    state.historyWanted = Math.max(state.history.length, limit, HISTORY_PAGE);
  } else if (result.error.status === 403) {
    resetHistory(project, 'denied');
    state.historyError = null;
  } else if (result.error.status !== 401) {
    if (state.historyFor !== project) resetHistory(project, 'unknown');
    state.historyError = 'Could not load the presence history: ' + errorText(result.error);
  }
}

function load() {
  var project = state.project;
  if (!project) {
    notify();
    return Promise.resolve();
  }
  var limit = historyLimit(project);
  return Promise.all([
    settle(api('GET', projectPath(project) + '/presence')),
    settle(api('GET', '/api/v1/presence/me')),
    settle(api('GET', historyPath(project, limit)))
  ]).then(function (results) {
    if (project !== state.project) return; // switched meanwhile; a reload follows
    var problems = [];
    applyView(project, results[0], problems);
    if (results[1].ok) {
      state.mine = Array.isArray(results[1].value) ? results[1].value : [];
    } else if (results[1].error.status !== 401) {
      problems.push('Could not load your status: ' + errorText(results[1].error));
    }
    applyHistory(project, results[2], limit);
    state.problems = problems;
    notify();
  });
}

// At most one load in flight; asking meanwhile causes exactly one more load once it ends.
var refreshing = null;
var refreshAgain = false;

export function refresh() {
  if (refreshing) {
    refreshAgain = true;
    return refreshing;
  }
  refreshing = new Promise(function (resolve) {
    function run() {
      refreshAgain = false;
      var step;
      try { step = load(); } catch (e) { step = Promise.reject(e); }
      step.then(null, function (e) {
        if (!(e instanceof ApiError && e.status === 401)) {
          state.problems = [errorText(e)];
          notify();
        }
      }).then(function () {
        if (refreshAgain) {
          run();
          return;
        }
        refreshing = null;
        resolve();
      });
    }
    run();
  });
  return refreshing;
}

// Durations end on the server by themselves: reload shortly after the earliest known end.
var expiryTimer = null;

function scheduleExpiryRefresh() {
  if (expiryTimer) clearTimeout(expiryTimer);
  expiryTimer = null;
  var now = Date.now();
  var next = Infinity;
  function consider(t) {
    if (hasTime(t) && t > now - 60000 && t < next) next = t;
  }
  consider(viewer().until);
  onlineAgents().forEach(function (a) { if (a) consider(a.until); });
  (state.mine || []).forEach(function (s) { if (s && s.online) consider(s.until); });
  if (next === Infinity) return;
  // Do not loop fast on an end time the server has not applied yet.
  var delay = next <= now ? 5000 : Math.min(Math.max(next - now + 1000, 1000), MAX_TIMEOUT);
  expiryTimer = setTimeout(function () {
    expiryTimer = null;
    refresh();
  }, delay);
}

/* ------------------------------------------------------------------ */
/* The push stream                                                     */
/* ------------------------------------------------------------------ */

var stream = null;

export function closeStream() {
  if (stream) stream.close();
  stream = null;
}

// Whether the user answers or oversees the project's chats (and so follows its inbox).
export function followsInbox(key) {
  var project = projectByKey(key);
  var site = state.me && state.me.user && state.me.user.site_admin;
  return !!project && (site || (project.roles || []).some(function (r) { return r === 'agent' || r === 'project-admin'; }));
}

function loadRequests(key) {
  if (!followsInbox(key)) {
    state.requests = null;
    notify();
    return;
  }
  api('GET', '/api/v1/projects/' + encodeURIComponent(key) + '/chat/inbox/counts').then(function (counts) {
    if (state.project !== key) return;
    state.requests = counts;
    notify();
  }, function () {});
}

export function connectStream() {
  closeStream();
  var key = state.project;
  if (!key) return;
  var topics = ['presence:' + key, 'chat-status:' + key];
  if (followsInbox(key)) topics.push('inbox:' + key);
  stream = openStream(topics, {
    ready: function () { loadRequests(key); return refresh(); },
    reset: function () { loadRequests(key); return refresh(); },
    denied: function () { return state.access === 'denied'; },
    events: {
      [events.presence.presenceChanged]: function (d) {
        if (!d.project || d.project === state.project) refresh();
      },
      [events.liveChat.inboxCounts]: function (counts) {
        if (counts.project !== state.project) return;
        state.requests = counts;
        notify();
      },
      [events.presence.chatStatus]: function (d) {
        var view = currentView();
        if (d.project !== state.project || typeof d.online !== 'boolean' || !view) return;
        view.chat_online = d.online;
        notify();
      }
    }
  });
}

/* ------------------------------------------------------------------ */
/* Actions                                                             */
/* ------------------------------------------------------------------ */

export function start(me) {
  state.me = me || {};
  state.projects = Array.isArray(state.me.projects)
    ? state.me.projects.filter(function (p) { return p && p.key; })
    : [];
}

export function selectProject(key) {
  if (!key || key === state.project || !projectByKey(key)) return false;
  state.project = key;
  state.access = 'unknown';
  state.changeError = null;
  notify();
  connectStream();
  refresh();
  return true;
}

export function markReady() {
  if (state.ready) return;
  state.ready = true;
  notify();
}

// Goes online (with `durationMinutes`, or without an end) or offline, here or everywhere.
export function changePresence(online, allProjects, durationMinutes) {
  if (state.busy || !state.project) return Promise.resolve();
  var body = { all_projects: !!allProjects };
  if (online) body.duration_minutes = durationMinutes || null;
  state.busy = true;
  state.changeError = null;
  notify();
  var path = projectPath(state.project) + '/presence/' + (online ? 'online' : 'offline');
  return api('POST', path, body)
    .then(function () { return refresh(); })
    .then(null, function (e) {
      if (e && e.status === 401) return;
      state.changeError = { message: errorText(e), requestId: e && e.requestId };
    })
    .then(function () {
      state.busy = false;
      notify();
    });
}

// PR-8: puts one agent (by id) or, with null, every agent of the project offline.
export function putOffline(agent) {
  if (state.busy || !state.project) return Promise.resolve();
  state.busy = true;
  state.changeError = null;
  notify();
  return api('POST', projectPath(state.project) + '/presence/put-offline', { agent: agent })
    .then(function () { return refresh(); })
    .then(null, function (e) {
      if (e && e.status === 401) return;
      state.changeError = { message: errorText(e), requestId: e && e.requestId };
    })
    .then(function () {
      state.busy = false;
      notify();
    });
}

// The next page of online agents after those shown.
export function loadMoreOnline() {
  var project = state.project;
  var cursor = state.moreCursor;
  if (!project || !cursor) return;
  state.moreCursor = null;
  var path = projectPath(project) + '/presence/online-agents?limit=' + AGENTS_PAGE + '&after=' + encodeURIComponent(cursor);
  api('GET', path).then(function (page) {
    if (project !== state.project) return;
    state.moreAgents = state.moreAgents.concat((page && page.agents) || []);
    state.moreCursor = (page && page.cursor) || null;
    notify();
  }, function (e) {
    if (e.status === 401 || project !== state.project) return;
    state.moreCursor = cursor;
    state.problems = ['Could not load more agents: ' + errorText(e)];
    notify();
  });
}

// "Show older": the history page after the last change shown. A reload that replaced the
// list meanwhile makes this page moot; then a reload asks for one page more instead.
export function loadOlderHistory() {
  var project = state.project;
  var cursor = state.historyCursor;
  if (!project || state.historyFor !== project || !cursor || state.loadingOlder) return;
  var shown = state.history;
  state.loadingOlder = true;
  state.historyError = null;
  notify();
  api('GET', historyPath(project, HISTORY_PAGE, cursor)).then(function (page) {
    state.loadingOlder = false;
    if (project !== state.project || state.historyFor !== project) return;
    if (state.history !== shown) {
      state.historyWanted = (state.history ? state.history.length : 0) + HISTORY_PAGE;
      refresh();
      return;
    }
    keepNames(page);
    state.history = (state.history || []).concat(changesOf(page));
    state.historyCursor = page && page.cursor ? page.cursor : null;
    state.historyWanted = state.history.length;
    notify();
  }, function (e) {
    state.loadingOlder = false;
    if (e.status === 401 || project !== state.project) return;
    if (e.status === 403) resetHistory(project, 'denied');
    else state.historyError = 'Could not load older changes: ' + errorText(e);
    notify();
  });
}
