// Time formatting in the user's time zone (from the profile, set with setTimeZone), else the
// browser's: "HH:MM", "21 Nov 14:05", and a full date and time for hover titles.

import { el } from './dom.js';

var zone = null;
var timeFormat = makeTimeFormat(null);
var dayFormat = null;

function makeTimeFormat(timeZone) {
  var opts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  if (timeZone) {
    try {
      return new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: timeZone }, opts));
    } catch (e) { /* unknown zone: fall back to the browser's */ }
  }
  return new Intl.DateTimeFormat('en-GB', opts);
}

export function setTimeZone(timeZone) {
  zone = timeZone || null;
  timeFormat = makeTimeFormat(zone);
  dayFormat = null;
}

function pad2(v) {
  var s = String(v);
  return s.length < 2 ? '0' + s : s;
}

// "HH:MM" (24 h).
export function formatTime(ms) {
  var d = new Date(ms);
  if (isNaN(d.getTime())) return '';
  try {
    var parts = timeFormat.formatToParts(d);
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
  try {
    return new Intl.DateTimeFormat(undefined, zone ? Object.assign({ timeZone: zone }, opts) : opts).format(d);
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

function dayParts(d) {
  if (!dayFormat) {
    var opts = { day: 'numeric', month: 'short', year: 'numeric' };
    if (zone) {
      try {
        dayFormat = new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: zone }, opts));
      } catch (e) { /* unknown zone: fall back to the browser's */ }
    }
    if (!dayFormat) dayFormat = new Intl.DateTimeFormat('en-GB', opts);
  }
  var out = { day: '', month: '', year: '' };
  dayFormat.formatToParts(d).forEach(function (p) {
    if (Object.prototype.hasOwnProperty.call(out, p.type)) out[p.type] = p.value;
  });
  return out;
}

// "21 Nov 14:05"; the year is added when it is not this year.
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
