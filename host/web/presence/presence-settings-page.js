// A project's presence settings, for its admins: the inactivity timeout (PR-9) and the
// monitoring alerts (PR-12): recipients, threshold and optional expected hours.

import { $, el } from '../core/dom.js';
import { api, projectPath } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';
import { DAYS, dayName, timeText, minuteOf } from './weekdays.js';

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
  var zones = $('time-zones');
  if (!zones.firstChild && typeof Intl.supportedValuesOf === 'function') {
    Intl.supportedValuesOf('timeZone').forEach(function (zone) {
      var option = el('option');
      option.value = zone;
      zones.appendChild(option);
    });
  }
  var days = $('expected-days');
  days.replaceChildren();
  DAYS.forEach(function (day) {
    var row = el('fieldset', 'schedule-day');
    row.dataset.day = day;
    row.appendChild(el('legend', null, dayName(day)));
    var list = el('ul', 'schedule-switches');
    settings.expected_hours.filter(function (span) { return span.day === day; }).forEach(function (span) {
      list.appendChild(spanRow(day, span.from_minute, span.to_minute));
    });
    var add = el('button', 'btn btn-default schedule-add', 'Add hours');
    add.type = 'button';
    add.setAttribute('aria-label', 'Add hours on ' + dayName(day));
    add.addEventListener('click', function () {
      list.appendChild(spanRow(day, 9 * 60, 17 * 60));
      list.lastElementChild.querySelector('input').focus();
    });
    row.append(list, add);
    days.appendChild(row);
  });
  $('monitoring-form').hidden = false;
}

function spanRow(day, from, to) {
  var item = el('li', 'schedule-switch');
  var start = timeInput(day + ': from', from);
  var end = timeInput(day + ': to', to % 1440);
  var remove = el('button', 'btn btn-default', 'Remove');
  remove.type = 'button';
  remove.setAttribute('aria-label', 'Remove hours on ' + dayName(day));
  remove.addEventListener('click', function () { item.remove(); });
  item.append(start, el('span', null, 'to'), end, remove);
  return item;
}

function timeInput(label, minute) {
  var input = el('input');
  input.type = 'time';
  input.step = 60;
  input.required = true;
  input.value = timeText(minute);
  input.setAttribute('aria-label', label);
  return input;
}

function saveMonitoring() {
  $('monitoring-error').hidden = true;
  $('monitoring-saved').hidden = true;
  var spans = [];
  document.querySelectorAll('#expected-days .schedule-day').forEach(function (row) {
    row.querySelectorAll('.schedule-switch').forEach(function (item) {
      var times = item.querySelectorAll('input');
      var to = minuteOf(times[1].value);
      // An end of 00:00 is midnight at the day's end.
      spans.push({ day: row.dataset.day, from_minute: minuteOf(times[0].value), to_minute: to === 0 ? 1440 : to });
    });
  });
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
