// The team chat page (/team-chat): its one entry module. It starts the store, shows why
// chat is hidden when it is off or not allowed (TC-1), keeps the unread total in the
// toolbar, and connects the components.

import { $, storageGet } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';
import { setTimeZone } from '../core/format.js';
import { startHeartbeat } from '../core/heartbeat.js';
import {
  state, subscribe, start, openChatSummary, unreadTotal, loadChats, openChat, openIssueChat, dismissNotice
} from './team-chat-store.js';
import { showPresence } from '../presence/presence-link.js';
import './chat-list.js';
import './chat-room.js';
import './people-list.js';
import './room-dialog.js';

function render() {
  var access = state.access;
  if (!access) return;
  var on = access.enabled && access.may_see;
  $('team-chat').hidden = !on;
  $('team-chat-off').hidden = on;
  $('team-chat-off').textContent = !access.enabled
    ? 'Team chat is switched off on this site.'
    : 'You may not use team chat. Ask a site admin for access.';
  $('add-room').hidden = !access.may_create_rooms;
  var total = unreadTotal();
  $('unread-total').textContent = String(total);
  $('unread-total').className = 'count-pill ' + (total > 0 ? 'count-attention' : 'count-idle');
  document.title = (total > 0 ? '(' + total + ') ' : '') + 'Helpdesk · Team chat';
  if (state.error) showBanner(state.error, 'team-chat');
  $('mention-toast').hidden = !state.notice;
  if (state.notice) $('mention-text').textContent = state.notice.text;
}

function init() {
  $('banner-close').addEventListener('click', function () { clearBanner('team-chat'); });
  $('add-room').addEventListener('click', function () { document.querySelector('room-dialog').open(null); });
  $('edit-room').addEventListener('click', function () { document.querySelector('room-dialog').open(openChatSummary()); });
  $('delete-room').addEventListener('click', function () {
    var chat = openChatSummary();
    if (!chat || !window.confirm('Delete the room "' + chat.name + '" for everyone?')) return;
    api('DELETE', '/api/v1/team-chat/rooms/' + encodeURIComponent(chat.id)).then(loadChats, function (e) {
      showBanner(errorText(e), 'team-chat');
    });
  });
  $('mention-close').addEventListener('click', dismissNotice);
  $('mention-open').addEventListener('click', function () {
    var notice = state.notice;
    dismissNotice();
    if (notice) loadChats().then(function () { return openChat(notice.chat); });
  });
  subscribe(render);
  api('GET', '/api/v1/me').then(function (me) {
    $('user-name').textContent = me.user.display_name;
    setTimeZone(me.user.time_zone);
    startHeartbeat();
    // The inbox and presence are for the staff of a project (PR-3: presence in every
    // page's toolbar), in the project last chosen on the presence page or the inbox.
    var staffed = me.projects.filter(function (p) {
      return me.user.site_admin || (p.roles || []).some(function (r) { return r === 'agent' || r === 'project-admin'; });
    });
    $('inbox-link').hidden = staffed.length === 0;
    var last = storageGet('helpdesk.project');
    var project = staffed.filter(function (p) { return p.key === last; })[0] || staffed[0] || me.projects[0];
    if (project) showPresence(me, project.key);
    return start(me.user);
  }).then(function () {
    // A link may name the chat to open: `?issue=SUP-12` (the issue page, an issue's menu)
    // or `?chat=<id>`.
    var query = new URLSearchParams(window.location.search);
    if (!state.access || !state.access.may_see) return undefined;
    if (query.get('issue')) return openIssueChat(query.get('issue'));
    if (query.get('chat')) return openChat(query.get('chat'));
    return undefined;
  }).then(function () {
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    showBanner(errorText(e), 'team-chat');
    document.body.setAttribute('data-ready', 'error');
  });
}

init();
