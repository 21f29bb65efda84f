// The issue list (TC-5): newest first, filtered by project; each issue's menu (right-click
// or its "⋯" button) opens the issue or its chat.

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';

function issueLink(key) { return '/issue?key=' + encodeURIComponent(key); }
function chatLink(key) { return '/team-chat?issue=' + encodeURIComponent(key); }

function showMenu(key, x, y) {
  var menu = $('issue-menu');
  $('issue-menu-open').href = issueLink(key);
  $('issue-menu-chat').href = chatLink(key);
  menu.dataset.issue = key;
  menu.style.left = Math.min(x, window.innerWidth - 180) + 'px';
  menu.style.top = Math.min(y, window.innerHeight - 90) + 'px';
  menu.hidden = false;
  $('issue-menu-open').focus();
}

function hideMenu() { $('issue-menu').hidden = true; }

function load() {
  var project = $('issue-project').value;
  api('GET', '/api/v1/issues' + (project ? '?project=' + encodeURIComponent(project) : '')).then(function (issues) {
    var rows = $('issue-rows');
    rows.replaceChildren();
    issues.forEach(function (issue) {
      var row = el('tr', 'issue-row');
      row.dataset.issue = issue.key;
      var key = el('td');
      var link = el('a', null, issue.key);
      link.href = issueLink(issue.key);
      key.append(link);
      var actions = el('td');
      var more = el('button', 'btn btn-default', '⋯');
      more.type = 'button';
      more.setAttribute('aria-label', 'Menu of ' + issue.key);
      more.setAttribute('aria-haspopup', 'menu');
      more.addEventListener('click', function (ev) {
        var box = more.getBoundingClientRect();
        ev.stopPropagation();
        showMenu(issue.key, box.left - 120, box.bottom);
      });
      actions.append(more);
      row.append(key, el('td', null, issue.summary), actions);
      row.addEventListener('contextmenu', function (ev) {
        ev.preventDefault();
        showMenu(issue.key, ev.clientX, ev.clientY);
      });
      rows.append(row);
    });
    $('no-issues').hidden = issues.length > 0;
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    showBanner(errorText(e), 'issues');
    document.body.setAttribute('data-ready', 'error');
  });
}

function start() {
  $('banner-close').addEventListener('click', function () { clearBanner('issues'); });
  document.addEventListener('click', hideMenu);
  document.addEventListener('keydown', function (ev) { if (ev.key === 'Escape') hideMenu(); });
  $('issue-project').addEventListener('change', load);
  Promise.all([api('GET', '/api/v1/me'), api('GET', '/api/v1/projects')]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    answers[1].forEach(function (project) {
      var option = el('option', null, project.name + ' (' + project.key + ')');
      option.value = project.key;
      $('issue-project').append(option);
    });
    var asked = new URLSearchParams(window.location.search).get('project');
    if (asked) $('issue-project').value = asked;
    load();
  }, function (e) { showBanner(errorText(e), 'issues'); });
}

start();
