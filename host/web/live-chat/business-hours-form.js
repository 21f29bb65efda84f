// A project's business hours (LC-22) on the widget settings page: whether they close the
// chat, the weekly hours in a time zone, and holidays. Outside them the widget says when
// the team is back and takes a message answered by e-mail.

import { $ } from '../core/dom.js';
import { api, projectPath } from '../core/api.js';
import { errorText } from '../core/banner.js';
import { offerZones, showHours, readHours } from '../presence/hours-editor.js';

function show(hours) {
  $('hours-enabled').checked = hours.enabled;
  $('hours-zone').value = hours.time_zone;
  offerZones($('hours-zones'));
  showHours($('hours-days'), hours.hours);
  $('holidays').value = hours.holidays.join('\n');
  $('hours-form').hidden = false;
}

// Reads the project's hours into the form and saves them from it.
export function startBusinessHours(project) {
  var path = projectPath(project) + '/chat/business-hours';
  $('hours-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    $('hours-error').hidden = true;
    $('hours-saved').hidden = true;
    var body = {
      enabled: $('hours-enabled').checked,
      time_zone: $('hours-zone').value.trim(),
      hours: readHours($('hours-days')),
      holidays: $('holidays').value.split('\n').map(function (line) { return line.trim(); }).filter(Boolean)
    };
    api('PUT', path, body).then(function (saved) {
      show(saved);
      $('hours-saved').hidden = false;
    }, function (e) {
      $('hours-error').textContent = errorText(e);
      $('hours-error').hidden = false;
    });
  });
  return api('GET', path).then(show);
}
