// The agent presence page (index.html): its one entry module. It starts the page, keeps the
// toolbar (project, user, theme, log out) and the banner, and connects the presence
// components, which render from the presence store.

import { $, el, storageGet, storageSet } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';
import { setTimeZone } from '../core/format.js';
import { THEME_KEY, applyTheme, toggleTheme } from '../core/theme.js';
import { startHeartbeat } from '../core/heartbeat.js';
import {
  state, subscribe, start, selectProject, projectByKey, projectName, refresh, connectStream, closeStream, markReady
} from './presence-store.js';
import './presence-indicator.js';
import './presence-dialog.js';
import './schedule-dialog.js';
import './chat-availability.js';
import './my-status.js';
import './presence-history.js';

var PROJECT_KEY = 'helpdesk.project';

function pickInitialProject() {
  var fromUrl = new URLSearchParams(window.location.search).get('project');
  if (fromUrl) {
    if (projectByKey(fromUrl)) return fromUrl;
    if (projectByKey(fromUrl.toUpperCase())) return fromUrl.toUpperCase();
  }
  var stored = storageGet(PROJECT_KEY);
  if (stored && projectByKey(stored)) return stored;
  // Where the user works: a project they are an agent of, else any project they hold a
  // role in (an admin's), and only then the first one listed.
  var withRole = function (test) {
    for (var i = 0; i < state.projects.length; i++) {
      if (test(state.projects[i].roles || [])) return state.projects[i].key;
    }
    return null;
  };
  return withRole(function (roles) { return roles.indexOf('agent') !== -1; }) ||
    withRole(function (roles) { return roles.length > 0; }) ||
    (state.projects.length ? state.projects[0].key : null);
}

function switchProject(key) {
  if (!selectProject(key)) return;
  storageSet(PROJECT_KEY, key);
  try {
    var url = new URL(window.location.href);
    url.searchParams.set('project', key);
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  } catch (e) { /* ignore */ }
  document.querySelector('presence-dialog').close();
}

function renderToolbar() {
  var select = $('project-select');
  select.replaceChildren();
  state.projects.forEach(function (p) {
    var option = el('option', null, (p.name || p.key) + ' (' + p.key + ')');
    option.value = p.key;
    select.appendChild(option);
  });
  select.disabled = state.projects.length === 0;
  if (state.project) select.value = state.project;
  var user = (state.me && state.me.user) || {};
  $('user-name').textContent = user.display_name || user.id || '';
  $('user-name').title = user.email || '';
}

function renderPage() {
  var key = state.project;
  $('project-title').textContent = key ? projectName(key) : 'No project';
  $('project-key').textContent = key || '';
  document.title = (key ? projectName(key) + ' \u00b7 ' : '') + 'Helpdesk';
  if ($('project-select').value !== key && key) $('project-select').value = key;
  if (state.problems.length) showBanner(state.problems.join(' '), 'load');
  else clearBanner('load');
  var requests = state.requests;
  $('chat-requests').hidden = !requests;
  if (requests) {
    $('chat-requests').href = '/inbox?project=' + encodeURIComponent(key);
    $('chat-requests-count').textContent = String(requests.unassigned);
    $('chat-requests-count').dataset.count = String(requests.unassigned);
    $('chat-requests-count').className = 'count-pill ' + (requests.unassigned ? 'count-attention' : 'count-idle');
  }
  renderAdminLinks(key);
  if (state.ready) document.body.dataset.ready = '1';
}

// The pages the viewer administers: the project's (its admins) and the site's (site admins).
function renderAdminLinks(key) {
  var user = (state.me && state.me.user) || {};
  var project = projectByKey(key);
  var projectAdmin = !!project && ((project.roles || []).indexOf('project-admin') !== -1 || user.site_admin);
  var links = [];
  if (projectAdmin) {
    var q = '?project=' + encodeURIComponent(key);
    links.push(['/chat-settings' + q, 'Chat widget of ' + projectName(key)]);
    links.push(['/presence-settings' + q, 'Presence settings of ' + projectName(key)]);
  }
  if (user.site_admin) {
    links.push(['/chat-texts', 'Chat texts and translations']);
    links.push(['/outbox', 'Mail outbox']);
    links.push(['/people', 'People']);
    links.push(['/team-chat-settings', 'Team chat settings']);
    links.push(['/team-chat-trace', 'Team chat trace']);
  }
  var list = $('admin-links-list');
  list.replaceChildren();
  links.forEach(function (link) {
    var a = el('a', null, link[1]);
    a.href = link[0];
    var li = el('li');
    li.appendChild(a);
    list.appendChild(li);
  });
  $('admin-links').hidden = links.length === 0;
}

function logout() {
  var button = $('logout');
  button.disabled = true;
  closeStream();
  api('POST', '/api/v1/auth/logout').then(function () {
    window.location.assign('/login');
  }, function (e) {
    if (e.status === 401) return; // already logged out; api() redirects
    button.disabled = false;
    showBanner('Could not log out: ' + errorText(e), 'logout');
    connectStream();
  });
}

function bindHandlers() {
  $('theme-toggle').addEventListener('click', toggleTheme);
  $('logout').addEventListener('click', logout);
  $('banner-close').addEventListener('click', function () { clearBanner(); });
  $('project-select').addEventListener('change', function (ev) { switchProject(ev.target.value); });
  document.addEventListener('presence-dialog-open', function () { document.querySelector('presence-dialog').open(); });
  document.addEventListener('select-project', function (ev) { switchProject(ev.detail); });
  window.addEventListener('storage', function (ev) {
    if (ev.key === THEME_KEY) applyTheme();
  });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && state.ready) refresh();
  });
  window.addEventListener('pageshow', function (ev) {
    if (ev.persisted && state.ready) {
      connectStream();
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
  subscribe(renderPage);
  api('GET', '/api/v1/me').then(function (me) {
    if (me.user && me.user.member === false) {
      // A customer's place is the help center, where the chat shows whether it is online.
      var asked = new URLSearchParams(window.location.search).get('project');
      window.location.replace('/portal' + (asked ? '?project=' + encodeURIComponent(asked) : ''));
      return undefined;
    }
    start(me);
    startHeartbeat();
    // Team chat is for members; the page there says when it is off or not allowed.
    $('team-chat-link').hidden = false;
    setTimeZone(state.me.user && state.me.user.time_zone);
    var key = pickInitialProject();
    renderToolbar();
    if (!key) {
      showBanner('There is no project on this site yet.', 'setup');
      markReady();
      return undefined;
    }
    switchProject(key);
    return refresh().then(markReady);
  }, function (e) {
    if (e.status === 401) return; // going to /login
    $('project-title').textContent = 'Helpdesk';
    showBanner('Could not load your profile: ' + errorText(e), 'load');
    markReady();
  });
}

// Module scripts are deferred, so the DOM is normally parsed already.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
