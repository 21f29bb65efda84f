// A project's presence settings, for its admins: the inactivity timeout (PR-9) and the
// monitoring alerts (PR-12): recipients, threshold and optional expected hours.

import { $, el } from '../core/dom.js';
import { api, projectPath } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';
import { offerZones, showHours, readHours } from './hours-editor.js';

var project = (new URLSearchParams(window.location.search).get('project') || '').toUpperCase();

function start() {
  $('project-key').textContent = project;
  $('home-link').href = '/?project=' + encodeURIComponent(project);
  $('banner-close').addEventListener('click', function () { clearBanner('settings'); });
  Promise.all([api('GET', '/api/v1/me'), api('GET', projectPath(project) + '/presence/settings')]).then(function (answers) {
    $('user-name').textContent = answers[0].user.display_name;
    $('inactivity').value = String(answers[1].inactivity_minutes);
    $('settings-form').hidden = false;
    return api('GET', projectPath(project) + '/presence/monitoring').then(showMonitoring, function (e) {
      // Agents read the timeout; only admins see who is alerted.
      if (e.status !== 403) throw e;
    });
  }).then(function () {
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    if (showNotAllowed(e, 'the admins of this project')) return;
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
  $('monitoring-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    saveMonitoring();
  });
}

function showMonitoring(settings) {
  $('recipients').value = settings.recipients.join('\n');
  $('threshold').value = String(settings.threshold_seconds);
  $('monitoring-zone').value = settings.time_zone;
  offerZones($('time-zones'));
  showHours($('expected-days'), settings.expected_hours);
  $('monitoring-form').hidden = false;
}

function saveMonitoring() {
  $('monitoring-error').hidden = true;
  $('monitoring-saved').hidden = true;
  var spans = readHours($('expected-days'));
  var body = {
    recipients: $('recipients').value.split('\n').map(function (line) { return line.trim(); }).filter(Boolean),
    threshold_seconds: parseInt($('threshold').value, 10),
    expected_hours: spans,
    time_zone: $('monitoring-zone').value.trim()
  };
  api('PUT', projectPath(project) + '/presence/monitoring', body).then(function (saved) {
    showMonitoring(saved);
    $('monitoring-saved').hidden = false;
  }, function (e) {
    $('monitoring-error').textContent = errorText(e);
    $('monitoring-error').hidden = false;
  });
}

start();
