// Toolbar rendering: project select, user name, and the presence indicator
// (online counter #online-count and own status icon #own-status).

import { $, el } from './dom.js';
import { state, currentPresence, viewerInfo, onlineCount } from './state.js';
import { untilText } from './format.js';

export function renderHeader() {
  var indicator = $('presence-indicator');
  var note = $('not-agent-note');
  var countEl = $('online-count');
  var own = $('own-status');
  var p = currentPresence();

  if (state.access === 'denied') {
    indicator.hidden = true;
    note.hidden = false;
    if ($('presence-dialog').open) $('presence-dialog').close();
    return;
  }
  note.hidden = true;

  if (!p) {
    indicator.hidden = true;
    return;
  }

  var count = onlineCount(p);
  var viewer = viewerInfo(p);

  countEl.textContent = String(count);
  countEl.dataset.onlineCount = String(count);
  countEl.classList.toggle('count-zero', count === 0);
  countEl.classList.toggle('count-nonzero', count !== 0);

  var ownOnline = viewer.isAgent && viewer.online;
  own.classList.toggle('status-online', ownOnline);
  own.classList.toggle('status-offline', !ownOnline);

  var label = count + (count === 1 ? ' agent' : ' agents') + ' online';
  if (viewer.isAgent) {
    label += ' \u2014 you are ' + (ownOnline ? 'online' : 'offline');
    if (ownOnline && viewer.until !== null) label += ' ' + untilText(viewer.until);
  }
  indicator.setAttribute('aria-label', label);
  indicator.title = label;
  indicator.hidden = false;
}

export function renderProjectSelect() {
  var select = $('project-select');
  select.replaceChildren();
  state.projects.forEach(function (p) {
    var label = (p.name || p.key) + ' (' + p.key + ')';
    var opt = el('option', null, label);
    opt.value = p.key;
    select.appendChild(opt);
  });
  select.disabled = state.projects.length === 0;
  if (state.project) select.value = state.project;
}

export function renderUserName(user) {
  $('user-name').textContent = user.display_name || user.id || '';
  $('user-name').title = user.email || '';
}
