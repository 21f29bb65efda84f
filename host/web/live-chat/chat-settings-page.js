// The chat widget settings of one project, for its admins (LC-1 … LC-8): where the widget
// may appear, who may use it, its texts, and the snippet to paste into other sites.

import { $, el } from '../core/dom.js';
import { api, projectPath } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';
import { startBusinessHours } from './business-hours-form.js';

var project = (new URLSearchParams(window.location.search).get('project') || '').toUpperCase();

function snippet() {
  var src = window.location.origin + '/assets/widget/chat-widget.js?project=' + encodeURIComponent(project);
  return '<script type="module" src="' + src + '"></script>';
}

function identitySnippet() {
  var src = window.location.origin + '/assets/widget/chat-widget.js?project=' + encodeURIComponent(project);
  return '<script type="module" src="' + src + '"\n' +
    '  data-user-token="JWT signed with HS256 and the secret: sub, name, email, exp"></script>';
}

// Identity verification: the secret, shown to the project's admins, and a new one or none.
function showIdentity(view) {
  var on = !!view.secret;
  $('identity-off').hidden = on;
  $('identity-on').hidden = !on;
  $('identity-disable').hidden = !on;
  $('identity-secret').value = view.secret || '';
  $('identity-snippet').value = identitySnippet();
  $('identity').hidden = false;
}

function changeIdentity(enabled) {
  if (enabled && $('identity-secret').value &&
      !window.confirm('Tokens your site signed with the current secret stop working. Generate a new secret?')) return;
  $('identity-error').hidden = true;
  api('PUT', projectPath(project) + '/chat/identity-secret', { enabled: enabled }).then(showIdentity, function (e) {
    $('identity-error').textContent = errorText(e);
    $('identity-error').hidden = false;
  });
}

function fill(settings, groups) {
  $('portal').checked = settings.portal;
  $('external').checked = settings.external;
  $('allowed-sites').value = settings.allowed_sites.join('\n');
  $('anonymous').checked = settings.anonymous;
  $('registration').checked = settings.registration;
  $('welcome').value = settings.welcome_override || '';
  $('greeting').value = settings.greeting || '';
  $('retention').value = settings.retention_days == null ? '' : String(settings.retention_days);
  var box = $('groups');
  box.textContent = '';
  groups.forEach(function (group) {
    var row = el('div', 'field-inline');
    var input = el('input');
    input.type = 'checkbox';
    input.id = 'group-' + group.id;
    input.value = group.id;
    input.checked = settings.login_blocked_groups.indexOf(group.id) !== -1;
    var label = el('label', '', group.name);
    label.htmlFor = input.id;
    row.append(input, label);
    box.append(row);
  });
  $('snippet-field').hidden = !settings.external;
}

function read() {
  var text = function (id) { var v = $(id).value.trim(); return v ? v : null; };
  return {
    portal: $('portal').checked,
    external: $('external').checked,
    allowed_sites: $('allowed-sites').value.split('\n').map(function (s) { return s.trim(); }).filter(Boolean),
    anonymous: $('anonymous').checked,
    registration: $('registration').checked,
    login_blocked_groups: Array.prototype.map.call($('groups').querySelectorAll('input:checked'), function (i) { return i.value; }),
    welcome_override: text('welcome'),
    greeting: text('greeting'),
    // The form's own checks keep this a whole number from 1 to 3650 before it is sent.
    retention_days: text('retention') === null ? null : Number(text('retention'))
  };
}

function start() {
  $('project-key').textContent = project;
  $('snippet').value = snippet();
  $('inbox-link').href = '/inbox?project=' + encodeURIComponent(project);
  $('banner-close').addEventListener('click', function () { clearBanner('settings'); });
  $('external').addEventListener('change', function () { $('snippet-field').hidden = !$('external').checked; });
  Promise.all([
    api('GET', '/api/v1/me'),
    api('GET', projectPath(project) + '/chat/widget-settings'),
    api('GET', '/api/v1/directory/groups')
  ]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    fill(answers[1], answers[2]);
    $('settings-form').hidden = false;
    return api('GET', projectPath(project) + '/chat/identity-secret').then(function (identity) {
      showIdentity(identity);
      return startBusinessHours(project);
    }).then(function () {
      document.body.setAttribute('data-ready', '1');
    });
  }, function (e) {
    if (showNotAllowed(e, 'the admins of this project')) return;
    showBanner(errorText(e), 'settings');
    document.body.setAttribute('data-ready', 'error');
  });
  $('identity-new').addEventListener('click', function () { changeIdentity(true); });
  $('identity-disable').addEventListener('click', function () { changeIdentity(false); });
  $('settings-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('settings-error').hidden = true;
    $('settings-saved').hidden = true;
    $('save').disabled = true;
    api('PUT', projectPath(project) + '/chat/widget-settings', read()).then(function (saved) {
      return api('GET', '/api/v1/directory/groups').then(function (groups) {
        fill(saved, groups);
        $('settings-saved').hidden = false;
      });
    }, function (e) {
      $('settings-error').textContent = errorText(e);
      $('settings-error').hidden = false;
    }).then(function () { $('save').disabled = false; });
  });
}

start();
