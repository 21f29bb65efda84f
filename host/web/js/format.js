// Time formatting: "HH:MM" and full date/time in the user's time zone
// (from the profile), else the browser's.

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
