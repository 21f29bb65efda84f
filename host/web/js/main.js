// Entry point of the agent presence page (plain ES modules, no build step):
// start-up, project selection, log out, and the wiring of DOM events.

import { $, storageGet, storageSet } from './dom.js';
import { api } from './api.js';
import { showBanner, clearBanner, errorText } from './banner.js';
import { state, projectByKey } from './state.js';
import { makeTimeFormat } from './format.js';
import { THEME_KEY, applyTheme, toggleTheme } from './theme.js';
import { renderProjectSelect, renderUserName } from './header.js';
import { openDialog, closeDialog, changePresence } from './dialog.js';
import { renderAll, refresh } from './refresh.js';
import { openStream, closeStream } from './stream.js';
import { loadOlder } from './history.js';

var PROJECT_KEY = 'helpdesk.project';

function markReady() {
  if (state.ready) return;
  state.ready = true;
  document.body.dataset.ready = '1';
}

/* ------------------------------------------------------------------ */
/* Project selection                                                   */
/* ------------------------------------------------------------------ */

function pickInitialProject() {
  var params = new URLSearchParams(window.location.search);
  var fromUrl = params.get('project');
  if (fromUrl) {
    if (projectByKey(fromUrl)) return fromUrl;
    if (projectByKey(fromUrl.toUpperCase())) return fromUrl.toUpperCase();
  }
  var stored = storageGet(PROJECT_KEY);
  if (stored && projectByKey(stored)) return stored;
  for (var i = 0; i < state.projects.length; i++) {
    var roles = state.projects[i].roles || [];
    if (roles.indexOf('agent') !== -1) return state.projects[i].key;
  }
  return state.projects.length ? state.projects[0].key : null;
}

function rememberProject(key) {
  storageSet(PROJECT_KEY, key);
  try {
    var url = new URL(window.location.href);
    url.searchParams.set('project', key);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  } catch (e) { /* ignore */ }
}

function switchProject(key) {
  if (!key || key === state.project || !projectByKey(key)) return;
  state.project = key;
  state.access = 'unknown';
  rememberProject(key);
  $('project-select').value = key;
  var dialog = $('presence-dialog');
  if (dialog.open) dialog.close();
  renderAll();
  openStream();
  refresh();
}

/* ------------------------------------------------------------------ */
/* Log out                                                             */
/* ------------------------------------------------------------------ */

function logout() {
  var btn = $('logout');
  btn.disabled = true;
  closeStream();
  api('POST', '/api/v1/auth/logout').then(function () {
    window.location.assign('/login');
  }, function (e) {
    if (e.status === 401) return; // already logged out; api() redirects
    btn.disabled = false;
    showBanner('Could not log out: ' + errorText(e), 'logout');
    openStream();
  });
}

/* ------------------------------------------------------------------ */
/* Wiring                                                              */
/* ------------------------------------------------------------------ */

function bindHandlers() {
  $('theme-toggle').addEventListener('click', toggleTheme);
  $('logout').addEventListener('click', logout);
  $('banner-close').addEventListener('click', function () { clearBanner(); });
  $('presence-indicator').addEventListener('click', openDialog);
  $('dialog-close').addEventListener('click', closeDialog);
  $('go-online').addEventListener('click', function () { changePresence(true); });
  $('go-offline').addEventListener('click', function () { changePresence(false); });
  $('presence-form').addEventListener('submit', function (ev) { ev.preventDefault(); });
  $('presence-history-more').addEventListener('click', loadOlder);

  var dialog = $('presence-dialog');
  // A click on the backdrop lands on the <dialog> itself (the content is in .modal-inner).
  dialog.addEventListener('click', function (ev) {
    if (ev.target === dialog) closeDialog();
  });

  $('project-select').addEventListener('change', function (ev) {
    switchProject(ev.target.value);
  });

  $('my-status').addEventListener('click', function (ev) {
    var link = ev.target.closest ? ev.target.closest('a.project-link') : null;
    if (!link || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
    ev.preventDefault();
    switchProject(link.dataset.project);
  });

  window.addEventListener('storage', function (ev) {
    if (ev.key === THEME_KEY) applyTheme();
  });

  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && state.ready) refresh();
  });

  window.addEventListener('pageshow', function (ev) {
    if (ev.persisted && state.ready) {
      openStream();
      refresh();
    }
  });
  window.addEventListener('pagehide', function (ev) {
    if (ev.persisted) closeStream();
  });
}

function init() {
  applyTheme();
  bindHandlers();

  api('GET', '/api/v1/me').then(function (me) {
    state.me = me || {};
    state.projects = Array.isArray(state.me.projects) ? state.me.projects.filter(function (p) { return p && p.key; }) : [];
    var user = state.me.user || {};
    state.timeFormat = makeTimeFormat(user.time_zone);
    renderUserName(user);

    state.project = pickInitialProject();
    if (state.project) rememberProject(state.project);
    renderProjectSelect();
    renderAll();

    if (!state.project) {
      $('project-title').textContent = 'No project';
      showBanner('There is no project on this site yet.', 'setup');
      markReady();
      return undefined;
    }

    openStream();
    return refresh().then(markReady);
  }, function (e) {
    if (e.status === 401) return; // redirecting to /login
    state.timeFormat = makeTimeFormat(null);
    $('project-title').textContent = 'Helpdesk';
    showBanner('Could not load your profile: ' + errorText(e), 'load');
    markReady();
  });
}

// Module scripts are deferred, so the DOM is normally parsed already.
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', init);
} else {
  init();
}
