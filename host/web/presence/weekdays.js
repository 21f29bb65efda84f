// Weekdays and times of day as the schedule (PR-7) and the expected hours (PR-12) give
// them: the contract's weekday cases in its order, named by its docs, and minutes after
// midnight shown as "HH:MM".

import { presence as contract } from '../core/contract.js';

export var DAYS = Object.keys(contract.weekday);

export function dayName(day) { return String(contract.weekday[day]).replace(/\.$/, ''); }

function pad2(n) { return (n < 10 ? '0' : '') + n; }

// 540 → "09:00"; 1440 (the end of the day) → "24:00".
export function timeText(minute) { return pad2(Math.floor(minute / 60)) + ':' + pad2(minute % 60); }

// "09:00" → 540; "24:00" → 1440; anything else → null.
export function minuteOf(text) {
  var parts = /^(\d{1,2}):(\d{2})$/.exec(text || '');
  if (!parts) return null;
  var minute = parseInt(parts[1], 10) * 60 + parseInt(parts[2], 10);
  return minute <= 1440 ? minute : null;
}
