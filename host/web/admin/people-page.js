// People (site admins): everyone in the directory, and a forced logout per person (PR-13).

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';

function kind(user) {
  if (user.site_admin) return 'Site admin';
  return user.member ? 'Team member' : 'Customer';
}

function endSessions(user, button) {
  if (!window.confirm('Log ' + user.display_name + ' out of every browser and device now?')) return;
  button.disabled = true;
  clearBanner('people');
  api('POST', '/api/v1/directory/users/' + encodeURIComponent(user.id) + '/end-sessions').then(function (answer) {
    var status = $('people-status');
    var n = answer.ended_sessions;
    status.textContent = user.display_name + ': ' + n + (n === 1 ? ' session' : ' sessions') + ' ended.';
    status.hidden = false;
  }, function (e) { showBanner(errorText(e), 'people'); }).then(function () { button.disabled = false; });
}

function render(users, me) {
  var body = $('people');
  body.textContent = '';
  users.forEach(function (user) {
    var row = el('tr');
    row.setAttribute('data-user', user.id);
    row.append(el('td', '', user.display_name), el('td', '', user.id), el('td', '', user.email), el('td', '', kind(user)));
    var actions = el('td');
    if (user.id !== me.id) {
      var button = el('button', 'btn btn-default', 'Log out everywhere');
      button.type = 'button';
      button.addEventListener('click', function () { endSessions(user, button); });
      actions.append(button);
    }
    row.append(actions);
    body.append(row);
  });
}

$('banner-close').addEventListener('click', function () { clearBanner('people'); });
api('GET', '/api/v1/me').then(function (me) {
  $('user-name').textContent = me.user.display_name;
  if (!me.user.site_admin) {
    showBanner('Only site admins manage people.', 'people');
    document.body.setAttribute('data-ready', 'denied');
    return null;
  }
  return api('GET', '/api/v1/directory/users').then(function (users) {
    render(users, me.user);
    document.body.setAttribute('data-ready', '1');
  });
}).then(null, function (e) {
  if (showNotAllowed(e, 'site administrators')) return;
  showBanner(errorText(e), 'people');
  document.body.setAttribute('data-ready', 'error');
});
