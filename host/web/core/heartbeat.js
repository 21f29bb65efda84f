// The heartbeat (PR-9, PR-10, PR-14): opening a page is an action, and while the person is
// using it (a key, a click, the pointer or a scroll within the last minute, and the page
// visible), tell the server once a minute that they are active, so the inactivity timeout
// does not put them offline and team chat shows them online. An open but unused tab sends
// nothing.

import { api } from './api.js';

var BEAT_MS = 60000;
var started = false;

export function startHeartbeat() {
  if (started) return;
  started = true;
  var lastInput = Date.now();
  var mark = function () { lastInput = Date.now(); };
  ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'].forEach(function (kind) {
    window.addEventListener(kind, mark, { passive: true, capture: true });
  });
  var beat = function () {
    api('POST', '/api/v1/activity').catch(function () { /* the next beat tries again */ });
  };
  if (document.visibilityState === 'visible') beat();
  setInterval(function () {
    if (document.visibilityState !== 'visible' || Date.now() - lastInput > BEAT_MS) return;
    beat();
  }, BEAT_MS);
}
