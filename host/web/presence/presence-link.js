// The presence indicator of pages other than the presence page (PR-3: every page shows
// it): the number of agents online in the page's project, red at zero, and the viewer's own
// status, live from the push stream. It links to the presence page, where the dialog
// changes the viewer's state. Markup: an <a id="presence-link"> holding #own-status and
// #online-count, as on the inbox and team chat pages.

import { $ } from '../core/dom.js';
import { state, subscribe, currentView, viewer, start, selectProject } from './presence-store.js';
import { untilText } from '../core/format.js';

var subscribed = false;

function render() {
  var link = $('presence-link');
  var view = currentView();
  if (!link || !view || state.access === 'denied') {
    if (link) link.hidden = true;
    return;
  }
  var count = typeof view.online_count === 'number' ? view.online_count : 0;
  var me = viewer();
  var pill = $('online-count');
  pill.textContent = String(count);
  pill.dataset.onlineCount = String(count);
  pill.classList.toggle('count-zero', count === 0);
  pill.classList.toggle('count-nonzero', count !== 0);
  var ownOnline = me.isAgent && me.online;
  $('own-status').classList.toggle('status-online', ownOnline);
  $('own-status').classList.toggle('status-offline', !ownOnline);
  var label = count + (count === 1 ? ' agent' : ' agents') + ' online in ' + state.project;
  if (me.isAgent) {
    label += ' \u2014 you are ' + (ownOnline ? 'online' : 'offline');
    if (ownOnline && me.until !== null) label += ' ' + untilText(me.until);
  }
  link.setAttribute('aria-label', label + '. Open agent presence');
  link.title = label;
  link.href = '/?project=' + encodeURIComponent(state.project);
  link.hidden = false;
}

// Shows the presence of `project` for the user `me` (the answer of GET /api/v1/me); again
// with another project when the page switches.
export function showPresence(me, project) {
  if (!subscribed) {
    subscribed = true;
    start(me);
    subscribe(render);
  }
  selectProject(project);
}
