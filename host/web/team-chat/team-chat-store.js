// The team chat's state (TC-1 … TC-9): the viewer's chats with their unread counts, the
// open chat's messages, and the push stream that keeps both live. Components subscribe and
// render from it; nothing needs a reload button.

import { api } from '../core/api.js';
import { openStream } from '../core/stream.js';
import { events } from '../core/contract.js';

export var state = {
  me: null,            // the viewer (directory user)
  access: null,        // what they may do (team-chat-access)
  chats: [],           // chat-summary, in the server's order
  openId: null,        // the chat shown
  messages: [],        // its messages, oldest first
  moreBefore: false,   // older messages remain
  view: 'all',         // how far back the open chat shows (TC-6)
  people: [],          // person: the user list with statuses (TC-8, PR-14)
  participants: [],    // person: the open issue chat's participants (TC-5)
  notice: null,        // { chat, text }: a mention or an invitation, until dismissed
  error: null          // the last failure, in words
};

var listeners = [];
var stream = null;
var streamTopics = '';

export function subscribe(listener) { listeners.push(listener); }
function changed() { listeners.forEach(function (listener) { listener(); }); }

function path(chat) { return '/api/v1/team-chat/chats/' + encodeURIComponent(chat); }

export function openChatSummary() {
  return state.chats.find(function (chat) { return chat.id === state.openId; }) || null;
}

export function unreadTotal() {
  return state.chats.reduce(function (sum, chat) { return sum + (chat.unread || 0); }, 0);
}

// How often a page with team chat off (or not allowed) asks again, so it comes back by
// itself when a site admin switches it on or lets the viewer in (no stream tells it then).
var ACCESS_RETRY_MS = 30000;
var accessRetry = null;

export function start(me) {
  state.me = me;
  clearTimeout(accessRetry);
  return api('GET', '/api/v1/team-chat/access').then(function (access) {
    state.access = access;
    if (!access.enabled || !access.may_see) {
      state.chats = [];
      state.openId = null;
      state.messages = [];
      changed();
      accessRetry = setTimeout(function () { start(me).catch(function () {}); }, ACCESS_RETRY_MS);
      return;
    }
    return loadChats();
  });
}

// Back in a tab that shows team chat off: ask at once.
document.addEventListener('visibilitychange', function () {
  var off = state.access && (!state.access.enabled || !state.access.may_see);
  if (document.visibilityState === 'visible' && off && state.me) start(state.me).catch(function () {});
});

// The list again, and the stream following every chat in it.
export function loadChats() {
  return api('GET', '/api/v1/team-chat/chats').then(function (chats) {
    var open = openChatSummary();
    // An issue chat opened but not yet taken part in stays while it is open.
    if (open && open.kind === 'issue' && !chats.some(function (c) { return c.id === open.id; })) chats.push(open);
    state.chats = chats;
    if (state.openId && !openChatSummary()) {
      state.openId = null;
      state.messages = [];
    }
    follow();
    changed();
  });
}

function follow() {
  var topics = ['team-lists:site', 'team-people:site', 'team-inbox:' + state.me.id].concat(
    state.chats.map(function (chat) { return 'team-chat:' + chat.id; })
  );
  var key = topics.join('\n');
  if (stream && key === streamTopics) return;
  if (stream) stream.close();
  streamTopics = key;
  stream = openStream(topics, {
    // Once subscribed, read the state: nothing pushed since is missed.
    ready: function () { refreshAll(); },
    reset: function () { refreshAll(); },
    // A topic refused (a room taken away, chat switched off): the list decides anew.
    denied: function () {
      stream = null;
      streamTopics = '';
      start(state.me).catch(function (e) { state.error = e.message; changed(); });
      return true;
    },
    events: {
      [events.teamChat.teamMessage]: onMessage,
      [events.teamChat.chatChanged]: function () { loadChats(); },
      [events.teamChat.previewChanged]: function () { loadChats(); },
      [events.teamChat.chatDeleted]: function () { loadChats(); },
      [events.teamChat.chatAdded]: function (chat) {
        // An invitation into an issue chat is news; a user chat's first message shows as unread.
        if (chat.kind === 'issue') state.notice = { chat: chat.id, text: 'You were invited to the chat of ' + chat.name + '.' };
        loadChats();
      },
      [events.teamChat.listsChanged]: function () { loadChats(); },
      [events.teamChat.personChanged]: onPerson,
      [events.teamChat.participantsChanged]: function (chat) { if (chat === state.openId) loadParticipants(); },
      [events.teamChat.mentioned]: function (message) {
        if (message.chat === state.openId && !document.hidden) return;
        var chat = state.chats.find(function (c) { return c.id === message.chat; });
        state.notice = {
          chat: message.chat,
          text: message.author_name + ' mentioned you' + (chat ? ' in ' + chat.name : '') + ': ' + message.body.slice(0, 140)
        };
        changed();
      }
    }
  });
}

function refreshAll() {
  loadPeople();
  loadChats().then(function () {
    if (state.openId) return loadMessages(state.openId);
  }).catch(function (e) { state.error = e.message; changed(); });
}

function onMessage(message) {
  var chat = state.chats.find(function (c) { return c.id === message.chat; });
  if (!chat) return;
  if (message.seq > chat.last_seq) {
    chat.last_seq = message.seq;
    chat.last_at = message.at;
    chat.last_preview = message.body.slice(0, 100);
    if (message.author !== state.me.id) chat.unread = (chat.unread || 0) + 1;
  }
  if (message.chat === state.openId) {
    var known = state.messages.findIndex(function (m) { return m.seq === message.seq; });
    if (known >= 0) {
      // Edited or deleted (TC-10): the same number, shown anew.
      state.messages[known] = message;
    } else {
      state.messages.push(message);
      state.messages.sort(function (a, b) { return a.seq - b.seq; });
      markRead();
    }
  }
  changed();
}

// Changes one of the viewer's own messages (TC-10).
export function editMessage(seq, body) {
  return api('PUT', path(state.openId) + '/messages/' + seq, { body: body }).then(onMessage);
}

// Deletes a message: one's own, or any as a site admin (TC-10).
export function deleteMessage(seq) {
  return api('DELETE', path(state.openId) + '/messages/' + seq).then(onMessage);
}

export function openChat(id) {
  state.openId = id;
  state.messages = [];
  state.moreBefore = false;
  state.participants = [];
  state.error = null;
  changed();
  var chat = openChatSummary();
  if (chat && chat.kind === 'issue') loadParticipants();
  return loadMessages(id);
}

// The open issue chat's participants, for the panel under the issue key (TC-5).
export function loadParticipants() {
  var id = state.openId;
  return api('GET', path(id) + '/participants').then(function (people) {
    if (state.openId !== id) return;
    state.participants = people;
    changed();
  });
}

// Opens an issue's chat (from the issue page or an issue's menu): shown even before the
// viewer takes part in it.
export function openIssueChat(key) {
  return api('POST', '/api/v1/issues/' + encodeURIComponent(key) + '/chat').then(function (chat) {
    if (!state.chats.some(function (c) { return c.id === chat.id; })) state.chats.push(chat);
    follow();
    return openChat(chat.id);
  });
}

// "Invite to SUP-12": the invited person joins the open issue chat and is told.
export function invite(user) {
  return api('POST', path(state.openId) + '/participants', { user: user }).then(loadParticipants);
}

function loadMessages(id) {
  return api('GET', path(id) + '/messages?limit=50&view=' + state.view).then(function (page) {
    if (state.openId !== id) return;
    state.messages = page.messages;
    state.moreBefore = page.more_before;
    markRead();
    changed();
  });
}

// How far back the open chat shows: yesterday, 7 or 30 days, or all (TC-6), days starting
// at midnight in the viewer's time zone (the server's rule).
export function setView(view) {
  state.view = view;
  if (!state.openId) return Promise.resolve();
  state.messages = [];
  changed();
  return loadMessages(state.openId);
}

// Older messages, a page at a time (TC-6): the newest page opens as fast in a chat of
// 100,000 messages as in an empty one.
export function loadOlder() {
  var id = state.openId;
  if (!id || !state.moreBefore || !state.messages.length) return Promise.resolve(false);
  var query = '/messages?limit=50&view=' + state.view + '&before=' + state.messages[0].seq;
  return api('GET', path(id) + query).then(function (page) {
    if (state.openId !== id) return false;
    state.messages = page.messages.concat(state.messages);
    state.moreBefore = page.more_before;
    changed();
    return true;
  });
}

// Reading happens only while the page is seen: a message arriving in a hidden tab stays
// unread (and counts in the title) until the person looks.
function markRead() {
  var chat = openChatSummary();
  var last = state.messages.length ? state.messages[state.messages.length - 1].seq : 0;
  if (!chat || !last || document.hidden) return;
  chat.unread = 0;
  api('POST', path(chat.id) + '/read', { seq: last }).catch(function () { /* the next read says it again */ });
}

function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  return String(Date.now()) + '-' + String(Math.random()).slice(2, 12);
}

// The client id of the draft being sent: kept until the server has stored it, so pressing
// Send again after a lost answer stores the message once.
var draft = { chat: null, body: null, clientId: null };

// Sends a message; a retry of the same draft reuses its client id.
export function send(body) {
  var id = state.openId;
  if (draft.chat !== id || draft.body !== body) draft = { chat: id, body: body, clientId: newClientId() };
  return api('POST', path(id) + '/messages', { client_id: draft.clientId, body: body }).then(function (message) {
    draft = { chat: null, body: null, clientId: null };
    onMessage(message);
    return message;
  });
}

document.addEventListener('visibilitychange', function () {
  if (!document.hidden && state.openId) {
    markRead();
    changed();
  }
});

export function openDirect(user) {
  return api('POST', '/api/v1/team-chat/direct', { user: user }).then(function (chat) {
    if (!state.chats.some(function (c) { return c.id === chat.id; })) state.chats.push(chat);
    follow();
    return openChat(chat.id);
  });
}

export function loadPeople() {
  return api('GET', '/api/v1/team-chat/people').then(function (people) {
    state.people = people;
    changed();
  });
}

var STATUS_ORDER = { online: 0, busy: 0, away: 0, offline: 1 };

// Online people first, then by name (TC-8), as the server orders them.
function sortPeople() {
  state.people.sort(function (a, b) {
    return (STATUS_ORDER[a.status] - STATUS_ORDER[b.status]) ||
      a.display_name.toLowerCase().localeCompare(b.display_name.toLowerCase()) ||
      (a.user < b.user ? -1 : a.user > b.user ? 1 : 0);
  });
}

function onPerson(person) {
  var known = state.people.findIndex(function (p) { return p.user === person.user; });
  if (known >= 0) state.people[known] = person;
  else state.people.push(person);
  sortPeople();
  var participant = state.participants.findIndex(function (p) { return p.user === person.user; });
  if (participant >= 0) state.participants[participant] = person;
  changed();
}

// The viewer's own status (PR-14): online, busy or away, with words.
export function setMyStatus(status) {
  return api('PUT', '/api/v1/team-chat/status', status).then(function (person) {
    onPerson(person);
    return person;
  });
}

export function dismissNotice() {
  state.notice = null;
  changed();
}
