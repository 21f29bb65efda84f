// Team chat's settings, for site admins (TC-1): the switch for the site, and per permission
// (see, write, create rooms, edit rooms, delete rooms) who holds it: all members, holders of
// a project role, members of chosen groups. The permissions and roles are the contract's.

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';
import { teamChat, types } from '../core/contract.js';

var PERMISSIONS = Object.keys(teamChat.chatPermission);
var ROLES = Object.keys(types.projectRole);
var ROLE_NAMES = { 'agent': 'Agents', 'project-admin': 'Project admins' };

function grantOf(settings, permission) {
  var grant = settings.grants.find(function (g) { return g.permission === permission; });
  return grant ? grant.grantees : [];
}

// A grantee's JSON form: "all-members", { group: id }, { "project-role": role }.
function has(grantees, test) { return grantees.some(test); }

function checkbox(label, checked, data) {
  var wrap = el('label', 'grant-choice');
  var box = el('input');
  box.type = 'checkbox';
  box.checked = checked;
  Object.keys(data).forEach(function (key) { box.dataset[key] = data[key]; });
  wrap.append(box, document.createTextNode(' ' + label));
  return wrap;
}

function render(settings, groups) {
  $('team-chat-enabled').checked = settings.enabled;
  var rows = $('permission-rows');
  rows.replaceChildren();
  PERMISSIONS.forEach(function (permission) {
    var grantees = grantOf(settings, permission);
    var row = el('tr');
    row.dataset.permission = permission;
    var name = el('th', null, String(teamChat.chatPermission[permission]).replace(/\.$/, ''));
    name.scope = 'row';
    var all = el('td');
    all.append(checkbox('Everyone', has(grantees, function (g) { return g === 'all-members'; }), { all: '1' }));
    var roles = el('td');
    ROLES.forEach(function (role) {
      roles.append(checkbox(ROLE_NAMES[role] || role, has(grantees, function (g) { return g['project-role'] === role; }), { role: role }));
    });
    var groupCell = el('td');
    groups.forEach(function (group) {
      groupCell.append(checkbox(group.name, has(grantees, function (g) { return g.group === group.id; }), { group: group.id }));
    });
    row.append(name, all, roles, groupCell);
    rows.append(row);
  });
  $('team-chat-settings').hidden = false;
}

function collect() {
  var grants = [];
  document.querySelectorAll('#permission-rows tr').forEach(function (row) {
    var grantees = [];
    row.querySelectorAll('input:checked').forEach(function (box) {
      if (box.dataset.all) grantees.push('all-members');
      else if (box.dataset.role) grantees.push({ 'project-role': box.dataset.role });
      else if (box.dataset.group) grantees.push({ group: box.dataset.group });
    });
    if (grantees.length) grants.push({ permission: row.dataset.permission, grantees: grantees });
  });
  return { enabled: $('team-chat-enabled').checked, grants: grants };
}

function start() {
  $('banner-close').addEventListener('click', function () { clearBanner('settings'); });
  var groups = [];
  Promise.all([
    api('GET', '/api/v1/me'),
    api('GET', '/api/v1/team-chat/settings'),
    api('GET', '/api/v1/directory/groups')
  ]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    groups = answers[2];
    render(answers[1], groups);
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    if (showNotAllowed(e, 'site administrators')) return;
    showBanner(errorText(e), 'settings');
    document.body.setAttribute('data-ready', 'error');
  });
  $('team-chat-settings').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('settings-error').hidden = true;
    $('settings-saved').hidden = true;
    api('PUT', '/api/v1/team-chat/settings', collect()).then(function (saved) {
      render(saved, groups);
      $('settings-saved').hidden = false;
    }, function (e) {
      $('settings-error').textContent = errorText(e);
      $('settings-error').hidden = false;
    });
  });
}

start();
