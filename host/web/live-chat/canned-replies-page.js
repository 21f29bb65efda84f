// Canned replies (LC-14): the project's, which its admins keep, and the agent's own; added,
// changed and deleted here, used in the chat inbox by typing `/`. The lists follow changes
// made elsewhere live (`canned-replies-changed` on the inbox's topic).

import { $, el, storageGet, storageSet } from '../core/dom.js';
import { api, projectPath } from '../core/api.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';
import { openStream } from '../core/stream.js';
import { events } from '../core/contract.js';

var PROJECT_KEY = 'helpdesk.project';
var state = { me: null, projects: [], project: null, admin: false, editing: null, stream: null };

function path(reply) {
  var base = projectPath(state.project) + '/chat/canned-replies';
  return reply ? base + '/' + encodeURIComponent(reply.id) : base;
}

function showFormError(e) {
  $('form-error').textContent = errorText(e);
  $('form-error').hidden = false;
}

function row(reply) {
  var tr = el('tr');
  tr.setAttribute('data-shortcut', reply.shortcut);
  tr.append(el('td', 'canned-shortcut', '/' + reply.shortcut));
  tr.append(el('td', '', reply.title));
  tr.append(el('td', 'canned-text', reply.text));
  var actions = el('td', 'text-actions');
  if (reply.owner || state.admin) {
    var edit = el('button', 'btn btn-default', 'Edit');
    edit.type = 'button';
    edit.addEventListener('click', function () { startEditing(reply); });
    var remove = el('button', 'btn btn-default', 'Delete');
    remove.type = 'button';
    remove.addEventListener('click', function () {
      if (!window.confirm('Delete /' + reply.shortcut + '?')) return;
      api('DELETE', path(reply)).then(load, showFormError);
    });
    actions.append(edit, remove);
  }
  tr.append(actions);
  return tr;
}

function render(replies) {
  var project = replies.filter(function (r) { return !r.owner; });
  var own = replies.filter(function (r) { return !!r.owner; });
  $('project-replies').textContent = '';
  project.forEach(function (r) { $('project-replies').append(row(r)); });
  $('own-replies').textContent = '';
  own.forEach(function (r) { $('own-replies').append(row(r)); });
  $('project-empty').hidden = project.length > 0;
  $('own-empty').hidden = own.length > 0;
  document.body.setAttribute('data-ready', '1');
}

function load() {
  return api('GET', path()).then(render, function (e) { showBanner(errorText(e), 'canned'); });
}

function resetForm() {
  state.editing = null;
  $('reply-form').reset();
  $('reply-personal').checked = true;
  $('reply-personal').disabled = !state.admin;
  $('form-title').textContent = 'Add a reply';
  $('reply-save').textContent = 'Add';
  $('reply-cancel').hidden = true;
  $('form-error').hidden = true;
}

function startEditing(reply) {
  state.editing = reply;
  $('reply-title').value = reply.title;
  $('reply-shortcut').value = reply.shortcut;
  $('reply-text').value = reply.text;
  $('reply-personal').checked = !!reply.owner;
  // A reply stays the project's or its owner's.
  $('reply-personal').disabled = true;
  $('form-title').textContent = 'Change /' + reply.shortcut;
  $('reply-save').textContent = 'Save';
  $('reply-cancel').hidden = false;
  $('form-error').hidden = true;
  $('reply-title').focus();
}

function chooseProject(key) {
  state.project = key;
  storageSet(PROJECT_KEY, key);
  var chosen = state.projects.filter(function (p) { return p.key === key; })[0];
  state.admin = state.me.site_admin || (chosen.roles || []).indexOf('project-admin') >= 0;
  $('project-note').textContent = state.admin
    ? 'Every agent of the project sees these; you keep them as its admin.'
    : 'Every agent of the project sees these; its admins keep them.';
  $('inbox-link').href = '/inbox?project=' + encodeURIComponent(key);
  resetForm();
  if (state.stream) state.stream.close();
  state.stream = openStream(['inbox:' + key], {
    ready: load,
    events: {
      [events.liveChat.cannedRepliesChanged]: function (changed) {
        if (changed.project === state.project && (!changed.owner || changed.owner === state.me.id)) load();
      }
    }
  });
  return load();
}

$('banner-close').addEventListener('click', function () { clearBanner('canned'); });
$('reply-cancel').addEventListener('click', resetForm);
$('project-select').addEventListener('change', function () { chooseProject($('project-select').value); });
$('reply-form').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var draft = {
    title: $('reply-title').value,
    shortcut: $('reply-shortcut').value,
    text: $('reply-text').value,
    personal: $('reply-personal').checked
  };
  var request = state.editing ? api('PUT', path(state.editing), draft) : api('POST', path(), draft);
  $('reply-save').disabled = true;
  request.then(function () { resetForm(); return load(); }, showFormError)
    .then(function () { $('reply-save').disabled = false; });
});

api('GET', '/api/v1/me').then(function (me) {
  state.me = me.user;
  $('user-name').textContent = me.user.display_name;
  state.projects = me.projects.filter(function (p) {
    return (p.roles || []).some(function (r) { return r === 'agent' || r === 'project-admin'; }) || me.user.site_admin;
  });
  if (!state.projects.length) {
    showBanner('You are no agent or admin of any project, so you keep no canned replies.', 'canned');
    document.body.setAttribute('data-ready', '1');
    return;
  }
  state.projects.forEach(function (p) {
    var option = el('option', '', p.name + ' (' + p.key + ')');
    option.value = p.key;
    $('project-select').append(option);
  });
  var wanted = new URLSearchParams(window.location.search).get('project') || storageGet(PROJECT_KEY);
  var chosen = state.projects.filter(function (p) { return p.key === wanted; })[0] || state.projects[0];
  $('project-select').value = chosen.key;
  chooseProject(chosen.key);
}, function (e) { showBanner(errorText(e), 'canned'); });
