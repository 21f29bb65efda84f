// A project's presence settings (PR-9), for its admins: the inactivity timeout.

import { $ } from '../core/dom.js';
import { api, projectPath } from '../core/api.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';

var project = (new URLSearchParams(window.location.search).get('project') || '').toUpperCase();

function start() {
  $('project-key').textContent = project;
  $('home-link').href = '/?project=' + encodeURIComponent(project);
  $('banner-close').addEventListener('click', function () { clearBanner('settings'); });
  Promise.all([api('GET', '/api/v1/me'), api('GET', projectPath(project) + '/presence/settings')]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    $('inactivity').value = String(answers[1].inactivity_minutes);
    $('settings-form').hidden = false;
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    showBanner(errorText(e), 'settings');
    document.body.setAttribute('data-ready', 'error');
  });
  $('settings-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('settings-error').hidden = true;
    $('settings-saved').hidden = true;
    var minutes = parseInt($('inactivity').value, 10);
    api('PUT', projectPath(project) + '/presence/settings', { inactivity_minutes: minutes }).then(function (saved) {
      $('inactivity').value = String(saved.inactivity_minutes);
      $('settings-saved').hidden = false;
    }, function (e) {
      $('settings-error').textContent = errorText(e);
      $('settings-error').hidden = false;
    });
  });
}

start();
