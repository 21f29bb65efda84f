// Presence dialog (#presence-dialog): own status line, go online / offline
// (with "in all projects" and duration), the list of agents online, open/close.

import { $, el } from './dom.js';
import { api, projectPath } from './api.js';
import { errorText } from './banner.js';
import { state, hasTime, projectName, currentPresence, viewerInfo } from './state.js';
import { appendUntil, untilText } from './format.js';
import { refresh } from './refresh.js';

export function renderDialog() {
  var p = currentPresence();
  var viewer = viewerInfo(p);
  var key = state.project;

  $('presence-dialog-title').textContent = key ? 'Agent presence \u00b7 ' + projectName(key) : 'Agent presence';

  // Own state line.
  var line = $('dialog-own-status');
  line.replaceChildren();
  if (p && viewer.isAgent) {
    line.appendChild(document.createTextNode('You are '));
    line.appendChild(el('strong', null, viewer.online ? 'online' : 'offline'));
    line.appendChild(document.createTextNode(' in ' + projectName(key)));
    if (viewer.online && viewer.until !== null) {
      line.appendChild(document.createTextNode(' ' + untilText(viewer.until)));
    }
    line.appendChild(document.createTextNode('.'));
    line.hidden = false;
  } else {
    line.hidden = true;
  }

  var canAct = !!p && viewer.isAgent;
  $('dialog-not-agent').hidden = !p || viewer.isAgent;
  $('all-projects-field').hidden = !canAct;
  $('duration-field').hidden = !canAct || viewer.online;
  $('go-online').hidden = !canAct || viewer.online;
  $('go-offline').hidden = !canAct || !viewer.online;

  // Agents online.
  var list = $('online-agents');
  var agents = (p && Array.isArray(p.online_agents)) ? p.online_agents : [];
  var selfId = state.me && state.me.user ? state.me.user.id : null;
  list.replaceChildren();
  agents.forEach(function (a) {
    if (!a) return;
    var name = a.display_name || a.user || '';
    var li = el('li');
    li.dataset.user = String(a.user);
    if (selfId !== null && a.user === selfId) li.classList.add('self');

    var avatar = el('span', 'avatar');
    avatar.setAttribute('aria-hidden', 'true');
    avatar.dataset.initial = name ? name.trim().charAt(0).toUpperCase() : '?';
    li.appendChild(avatar);

    var nameEl = el('span', 'agent-name', name);
    nameEl.title = name;
    li.appendChild(nameEl);

    if (hasTime(a.until)) {
      appendUntil(li, a.until, 'Online until ');
    }
    list.appendChild(li);
  });
  $('no-agents').hidden = agents.length > 0;

  setBusy(state.busy);
}

function setBusy(busy) {
  state.busy = busy;
  ['go-online', 'go-offline', 'all-projects', 'duration'].forEach(function (id) {
    $(id).disabled = busy;
  });
  var form = $('presence-form');
  if (busy) form.setAttribute('aria-busy', 'true');
  else form.removeAttribute('aria-busy');
}

function showDialogError(message, requestId) {
  var box = $('presence-error');
  box.textContent = message || '';
  box.title = requestId ? 'Request id: ' + requestId : '';
  box.hidden = !message;
}

export function changePresence(goOnline) {
  if (state.busy || !state.project) return;
  var key = state.project;
  var body = { all_projects: $('all-projects').checked };
  if (goOnline) {
    var minutes = $('duration').value;
    body.duration_minutes = minutes ? parseInt(minutes, 10) : null;
  }
  showDialogError('');
  setBusy(true);
  api('POST', projectPath(key) + '/presence/' + (goOnline ? 'online' : 'offline'), body)
    .then(function () {
      return refresh();
    })
    .then(null, function (e) {
      if (e && e.status === 401) return;
      showDialogError(errorText(e), e && e.requestId);
    })
    .then(function () {
      setBusy(false);
      // The clicked button may have been hidden: keep focus inside the dialog.
      var dialog = $('presence-dialog');
      if (dialog.open) {
        var active = document.activeElement;
        if (!active || active === document.body || active.hidden || !dialog.contains(active)) {
          var target = !$('go-offline').hidden ? $('go-offline') : (!$('go-online').hidden ? $('go-online') : $('dialog-close'));
          target.focus();
        }
      }
    });
}

export function openDialog() {
  var dialog = $('presence-dialog');
  $('all-projects').checked = false;
  $('duration').value = '';
  showDialogError('');
  renderDialog();
  if (!dialog.open) {
    if (typeof dialog.showModal === 'function') dialog.showModal();
    else dialog.setAttribute('open', '');
  }
  var primary = !$('go-online').hidden ? $('go-online') : (!$('go-offline').hidden ? $('go-offline') : $('dialog-close'));
  primary.focus();
  refresh();
}

export function closeDialog() {
  var dialog = $('presence-dialog');
  if (!dialog.open) return;
  if (typeof dialog.close === 'function') dialog.close();
  else dialog.removeAttribute('open');
}
