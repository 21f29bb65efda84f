// Loading and re-rendering: renderAll, the coalescing refresh() that reloads
// presence + own status + presence history, and the timer that reloads when a
// duration ends.

import { api, ApiError, projectPath } from './api.js';
import { showBanner, clearBanner, errorText } from './banner.js';
import { state, hasTime, projectName, currentPresence } from './state.js';
import { renderHeader } from './header.js';
import { renderDialog } from './dialog.js';
import { renderMain } from './content.js';
import { historyLimit, loadHistory, applyHistory, renderHistory } from './history.js';

var MAX_TIMEOUT = 2147483647;

export function renderAll() {
  renderHeader();
  renderDialog();
  renderMain();
  renderHistory();
  scheduleExpiryRefresh();
}

function settle(promise) {
  return promise.then(
    function (value) { return { ok: true, value: value }; },
    function (error) { return { ok: false, error: error }; }
  );
}

function loadAndRender() {
  var project = state.project;
  if (!project) {
    renderAll();
    return Promise.resolve();
  }
  var limit = historyLimit(project);
  return Promise.all([
    settle(api('GET', projectPath(project) + '/presence')),
    settle(api('GET', '/api/v1/presence/me')),
    settle(loadHistory(project, limit))
  ]).then(function (results) {
    if (project !== state.project) return; // switched meanwhile; the loop reloads
    var pres = results[0];
    var mine = results[1];
    var problems = [];

    if (pres.ok) {
      state.presence = pres.value || null;
      state.presenceFor = project;
      state.access = 'ok';
    } else if (pres.error.status === 403) {
      state.presence = null;
      state.presenceFor = project;
      state.access = 'denied';
    } else if (pres.error.status !== 401) {
      if (state.presenceFor !== project) {
        state.presence = null;
        state.presenceFor = project;
        state.access = 'unknown';
      }
      problems.push('Could not load presence for ' + projectName(project) + ': ' + errorText(pres.error));
    }

    if (mine.ok) {
      state.mine = Array.isArray(mine.value) ? mine.value : [];
    } else if (mine.error.status !== 401) {
      problems.push('Could not load your status: ' + errorText(mine.error));
    }

    // History errors show in its card, not in the banner.
    applyHistory(project, results[2], limit);

    if (problems.length) showBanner(problems.join(' '), 'load');
    else clearBanner('load');

    renderAll();
  });
}

// Coalescing refresh: at most one load in flight; requests made meanwhile
// cause exactly one more load once it finishes.
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
      try { step = loadAndRender(); } catch (e) { step = Promise.reject(e); }
      step.then(null, function (e) {
        if (!(e instanceof ApiError && e.status === 401)) showBanner(errorText(e), 'load');
      }).then(function () {
        // Check and clear in the same callback so no request is lost.
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

// Durations end on the server without necessarily pushing anything:
// reload shortly after the earliest known end time.
function scheduleExpiryRefresh() {
  if (state.expiryTimer) {
    clearTimeout(state.expiryTimer);
    state.expiryTimer = null;
  }
  var now = Date.now();
  var next = Infinity;
  function consider(t) {
    if (hasTime(t) && t > now - 60000 && t < next) next = t;
  }
  var p = currentPresence();
  if (p) {
    if (p.viewer) consider(p.viewer.until);
    (p.online_agents || []).forEach(function (a) { if (a) consider(a.until); });
  }
  (state.mine || []).forEach(function (s) { if (s && s.online) consider(s.until); });
  if (next === Infinity) return;
  var delay = Math.min(Math.max(next - now + 1000, 1000), MAX_TIMEOUT);
  // Do not loop fast on an end time the server has not applied yet.
  if (next <= now) delay = 5000;
  state.expiryTimer = setTimeout(function () {
    state.expiryTimer = null;
    refresh();
  }, delay);
}
