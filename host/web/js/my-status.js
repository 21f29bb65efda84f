// "My status" table (#my-status): the viewer's presence in every project,
// with links that switch the current project.

import { $, el } from './dom.js';
import { state, hasTime, projectName } from './state.js';
import { appendUntil } from './format.js';

export function renderMyStatus() {
  var key = state.project;
  var tbody = $('my-status').tBodies[0];
  var rows = Array.isArray(state.mine) ? state.mine : [];
  tbody.replaceChildren();
  rows.forEach(function (s) {
    if (!s || !s.project) return;
    var tr = el('tr');
    tr.dataset.project = String(s.project);
    if (s.project === key) {
      tr.classList.add('current');
      tr.setAttribute('aria-current', 'true');
    }

    var tdProject = el('td', 'project');
    var link = el('a', 'project-link', projectName(s.project));
    link.href = '/?project=' + encodeURIComponent(s.project);
    link.dataset.project = String(s.project);
    tdProject.appendChild(link);
    if (projectName(s.project) !== s.project) {
      tdProject.appendChild(document.createTextNode(' '));
      tdProject.appendChild(el('span', 'project-link-key', s.project));
    }
    tr.appendChild(tdProject);

    var online = !!s.online;
    var tdState = el('td', 'state ' + (online ? 'state-online' : 'state-offline'));
    tdState.appendChild(el('span', 'lozenge' + (online ? ' lozenge-online' : ''), online ? 'Online' : 'Offline'));
    if (hasTime(s.until)) {
      appendUntil(tdState, s.until, 'Until ');
    }
    tr.appendChild(tdState);
    tbody.appendChild(tr);
  });
  $('my-status-empty').hidden = rows.length > 0 || state.mine === null;
}

