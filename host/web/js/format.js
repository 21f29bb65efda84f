// Time formatting: "HH:MM" and full date/time in the user's time zone
// (from the profile), else the browser's.

import { el } from './dom.js';
import { state } from './state.js';

export function makeTimeFormat(timeZone) {
  var opts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (timeZone) {
    try {
      return new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: timeZone }, opts));
    } catch (e) { /* unknown zone: fall back to the browser's */ }
  }
  return new Intl.DateTimeFormat('en-GB', opts);
}

function pad2(v) {
  var s = String(v);
  return s.length < 2 ? '0' + s : s;
}

// "HH:MM" (24 h) in the user's time zone (profile), else the browser's.
export function formatTime(ms) {
  var d = new Date(ms);
  if (isNaN(d.getTime())) return '';
  try {
    var parts = state.timeFormat.formatToParts(d);
    var h = '', m = '';
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].type === 'hour') h = parts[i].value;
      if (parts[i].type === 'minute') m = parts[i].value;
    }
    if (h === '24') h = '00';
    if (h && m) return pad2(h) + ':' + pad2(m);
  } catch (e) { /* fall through */ }
  return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
}

export function formatFull(ms) {
  var d = new Date(ms);
  if (isNaN(d.getTime())) return '';
  var opts = { dateStyle: 'medium', timeStyle: 'short' };
  var tz = state.me && state.me.user && state.me.user.time_zone;
  try {
    return new Intl.DateTimeFormat(undefined, tz ? Object.assign({ timeZone: tz }, opts) : opts).format(d);
  } catch (e) {
    return d.toLocaleString();
  }
}

export function untilText(until) {
  return 'until ' + formatTime(until);
}

// Appends " until HH:MM" to `parent`, with the full date and time on hover.
export function appendUntil(parent, until, titlePrefix) {
  parent.appendChild(document.createTextNode(' '));
  var span = el('span', 'until', untilText(until));
  span.title = titlePrefix + formatFull(until);
  parent.appendChild(span);
}

// Day formatter ("21 Nov 2026") in the user's time zone, rebuilt when the zone changes.
var dayFormat = null;
var dayFormatZone = null;

function dayParts(d) {
  var tz = (state.me && state.me.user && state.me.user.time_zone) || null;
  if (!dayFormat || dayFormatZone !== tz) {
    var opts = { day: 'numeric', month: 'short', year: 'numeric' };
    dayFormat = null;
    if (tz) {
      try {
        dayFormat = new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: tz }, opts));
      } catch (e) { /* unknown zone: fall back to the browser's */ }
    }
    if (!dayFormat) dayFormat = new Intl.DateTimeFormat('en-GB', opts);
    dayFormatZone = tz;
  }
  var out = { day: '', month: '', year: '' };
  dayFormat.formatToParts(d).forEach(function (p) {
    if (Object.prototype.hasOwnProperty.call(out, p.type)) out[p.type] = p.value;
  });
  return out;
}

// "21 Nov 14:05" in the user's time zone; the year is added when it is not this year.
export function formatDateTime(ms) {
  var d = new Date(ms);
  if (isNaN(d.getTime())) return '';
  try {
    var day = dayParts(d);
    if (day.day && day.month) {
      var text = day.day + ' ' + day.month;
      if (day.year && day.year !== dayParts(new Date()).year) text += ' ' + day.year;
      return text + ' ' + formatTime(ms);
    }
  } catch (e) { /* fall through */ }
  return formatFull(ms);
}
