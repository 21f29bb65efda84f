// Business hours in the widget (LC-22): the plugin says the team is closed, in the visitor's
// language, with `{time}` where the time it is back goes; the visitor's browser writes that
// time in its own language and time zone. The widget asks again when the hours begin or end.

// The closed sentence with its time written out, as text.
export function closedNote(closed) {
  if (!closed.back_at) return closed.text;
  var when;
  try {
    when = new Intl.DateTimeFormat(undefined, {
      weekday: 'long', day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit'
    }).format(new Date(closed.back_at));
  } catch (e) {
    when = new Date(closed.back_at).toLocaleString();
  }
  return closed.text.replace('{time}', when);
}

// Calls `again` once `at` (ms since the epoch) has passed; a later call replaces the timer.
var timer = null;
export function whenHoursChange(at, again) {
  clearTimeout(timer);
  if (!at) return;
  // A second late, so the host's answer is the new one; at most a day ahead (timers cap).
  var delay = Math.min(Math.max(at - Date.now(), 0) + 1000, 24 * 60 * 60 * 1000);
  timer = setTimeout(again, delay);
}
