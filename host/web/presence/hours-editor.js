// Weekly hours as a form: one fieldset per weekday with spans from/to, added and removed by
// hand, and a time zone field with the browser's zones offered. PR-12's expected hours and
// LC-22's business hours are both edited with it.

import { el } from '../core/dom.js';
import { DAYS, dayName, timeText, minuteOf } from './weekdays.js';

// Offers every IANA zone the browser knows in the datalist `zones`, once.
export function offerZones(zones) {
  if (zones.firstChild || typeof Intl.supportedValuesOf !== 'function') return;
  Intl.supportedValuesOf('timeZone').forEach(function (zone) {
    var option = el('option');
    option.value = zone;
    zones.appendChild(option);
  });
}

// Shows `spans` ({ day, from_minute, to_minute }) in `days`, a fieldset per weekday.
export function showHours(days, spans) {
  days.replaceChildren();
  DAYS.forEach(function (day) {
    var row = el('fieldset', 'schedule-day');
    row.dataset.day = day;
    row.appendChild(el('legend', null, dayName(day)));
    var list = el('ul', 'schedule-switches');
    spans.filter(function (span) { return span.day === day; }).forEach(function (span) {
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
}

// The spans shown in `days`; an end of 00:00 is midnight at the day's end.
export function readHours(days) {
  var spans = [];
  days.querySelectorAll('.schedule-day').forEach(function (row) {
    row.querySelectorAll('.schedule-switch').forEach(function (item) {
      var times = item.querySelectorAll('input');
      var to = minuteOf(times[1].value);
      spans.push({ day: row.dataset.day, from_minute: minuteOf(times[0].value), to_minute: to === 0 ? 1440 : to });
    });
  });
  return spans;
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
