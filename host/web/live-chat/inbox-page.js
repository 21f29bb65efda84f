// The agents' chat inbox (LC-9, PR-11): the project's conversations (unassigned, mine,
// all), the open conversation with its messages, typing and "seen", taking and ending.
// Typing `/` in the reply picks a canned reply (LC-14, `canned-picker.js`). Everything
// updates live from the push stream; server text is set with textContent only.

import { $, el, storageGet, storageSet } from '../core/dom.js';
import { api, conversationPath, projectPath } from '../core/api.js';
import { startHeartbeat } from '../core/heartbeat.js';
import { showBanner, clearBanner, errorText } from '../core/banner.js';
import { formatTime } from '../core/format.js';
import { openStream } from '../core/stream.js';
import { showPresence } from '../presence/presence-link.js';
import { events } from '../core/contract.js';
import { cannedPicker } from './canned-picker.js';
import { loadVisitor, showVisitor } from './visitor-panel.js';
import { addNote, loadNotes, sendNote } from './notes-panel.js';
import { fillTransferTargets, loadOffers, sendTransfer } from './transfer-panel.js';

var PROJECT_KEY = 'helpdesk.project';
var state = {
  me: null, project: null, view: 'unassigned', list: [], cursor: null,
  current: null, lastSeq: 0, stream: null, typingSent: 0, typingTimer: null, revisions: {},
  canned: null, noting: false
};


function clientId() {
  var raw = new Uint8Array(12);
  crypto.getRandomValues(raw);
  return Array.prototype.map.call(raw, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
}

function belongs(conv) {
  // Transferred to another project (LC-13), it leaves this inbox.
  if (conv.project !== state.project) return false;
  if (state.view === 'all') return true;
  if (conv.status !== 'open') return false;
  if (state.view === 'unassigned') return !conv.assignee;
  return !!conv.assignee && conv.assignee.user === state.me.id;
}

function renderCounts(counts) {
  $('count-unassigned').textContent = String(counts.unassigned);
  var pill = $('new-requests');
  pill.textContent = String(counts.unassigned);
  pill.className = 'count-pill ' + (counts.unassigned ? 'count-attention' : 'count-idle');
  document.title = (counts.unassigned ? '(' + counts.unassigned + ') ' : '') + 'Helpdesk · Chat inbox';
}

function renderList() {
  var list = $('conversation-list');
  list.textContent = '';
  state.list.forEach(function (conv) {
    var item = el('li', 'conversation-item');
    item.setAttribute('data-id', conv.id);
    item.tabIndex = 0;
    if (state.current && state.current.id === conv.id) item.setAttribute('aria-current', 'true');
    item.append(el('span', 'name', conv.customer.name));
    if (conv.status === 'ended') item.append(el('span', 'ended', 'ended'));
    else if (conv.unread_for_agents) item.append(el('span', 'unread', conv.unread_for_agents));
    else item.append(el('span', 'muted', formatTime(conv.last_at)));
    item.append(el('span', 'preview', conv.last_preview));
    item.addEventListener('click', function () { openConversation(conv.id); });
    item.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') openConversation(conv.id); });
    list.append(item);
  });
  $('list-empty').hidden = state.list.length > 0;
  $('list-more').hidden = !state.cursor;
  document.querySelectorAll('.tab').forEach(function (tab) {
    tab.setAttribute('aria-selected', tab.getAttribute('data-view') === state.view ? 'true' : 'false');
  });
}

function loadList(more) {
  var query = '?view=' + state.view + '&limit=50' + (more && state.cursor ? '&before=' + encodeURIComponent(state.cursor) : '');
  return api('GET', projectPath(state.project) + '/chat/inbox' + query).then(function (page) {
    state.list = more ? state.list.concat(page.conversations) : page.conversations;
    state.cursor = page.cursor;
    renderCounts(page.counts);
    renderList();
  });
}

// Answers and push events can arrive out of order: keep the highest revision of each.
function newer(conv) {
  var known = state.revisions[conv.id] || 0;
  if (conv.revision < known) return false;
  state.revisions[conv.id] = conv.revision;
  return true;
}

function upsert(conv) {
  if (!newer(conv)) return;
  state.list = state.list.filter(function (c) { return c.id !== conv.id; });
  if (belongs(conv)) {
    state.list.unshift(conv);
    state.list.sort(function (a, b) { return b.last_at - a.last_at; });
  }
  renderList();
  if (state.current && state.current.id === conv.id) {
    state.current = conv;
    renderConversation();
  }
}

function renderConversation() {
  var conv = state.current;
  $('conversation').hidden = !conv;
  $('no-selection').hidden = !!conv;
  if (!conv) return;
  $('customer-name').textContent = conv.customer.name;
  var details = [conv.customer.email, conv.page_url, conv.locale].filter(Boolean);
  $('customer-details').textContent = details.join(' · ');
  $('assignee').textContent = conv.assignee ? 'Assigned to ' + conv.assignee.display_name : 'Unassigned';
  var open = conv.status === 'open';
  $('ended-label').hidden = open;
  $('ended-label').textContent = open ? '' : 'Ended' + (conv.ended ? ' ' + formatTime(conv.ended) : '');
  var mine = !!conv.assignee && conv.assignee.user === state.me.id;
  // A colleague pulled in (no project of theirs here) reads along and writes notes only.
  var staff = !!state.project;
  $('take').hidden = !open || mine || !staff;
  $('unassign').hidden = !open || !conv.assignee || !staff;
  $('hand-over').hidden = !open || !staff;
  if (open && staff) fillHandOver(conv);
  $('end').hidden = !open || !staff;
  $('transfer').hidden = !open || !staff;
  if (!open) $('transfer').open = false;
  $('make-issue').hidden = !!conv.issue || !staff;
  $('mode-reply').hidden = !staff;
  if (!staff && !state.noting) setNoting(true);
  $('issue-link').hidden = !conv.issue;
  $('issue-link').textContent = '';
  if (conv.issue) {
    // One click to the issue, and one to its team chat (TC-5).
    var issue = el('a', '', 'Issue ' + conv.issue);
    issue.href = '/issue?key=' + encodeURIComponent(conv.issue);
    var issueChat = el('a', '', 'Issue chat');
    issueChat.id = 'issue-chat-link';
    issueChat.href = '/team-chat?issue=' + encodeURIComponent(conv.issue);
    $('issue-link').append(issue, document.createTextNode(' · '), issueChat);
  }
  $('compose').hidden = !open;
  renderSeen();
}

// The agents online now who could take the conversation over (PR-6's list), for the
// "Hand over to…" menu; the one it is assigned to is left out.
function fillHandOver(conv) {
  var select = $('hand-over');
  var id = conv.id;
  api('GET', projectPath(state.project) + '/presence/online-agents?limit=200').then(function (page) {
    if (!state.current || state.current.id !== id) return;
    select.replaceChildren(el('option', '', 'Hand over to…'));
    select.firstChild.value = '';
    page.agents.forEach(function (agent) {
      if (conv.assignee && conv.assignee.user === agent.user) return;
      var option = el('option', '', agent.user === state.me.id ? agent.display_name + ' (me)' : agent.display_name);
      option.value = agent.user;
      select.append(option);
    });
    select.disabled = select.options.length < 2;
    select.title = select.disabled ? 'No other agent is online' : 'Assign it to an agent online now';
  }, function () {
    // A busy host answers later: ask again while the conversation stays open here.
    select.disabled = true;
    setTimeout(function () {
      if (state.current && state.current.id === id && state.current.status === 'open') fillHandOver(state.current);
    }, 2000);
  });
}

// "Seen" under the agents' last message once the customer has seen it.
function renderSeen() {
  var conv = state.current;
  document.querySelectorAll('#messages .seen').forEach(function (n) { n.remove(); });
  var agentLines = document.querySelectorAll('#messages .message.agent');
  var last = agentLines[agentLines.length - 1];
  if (conv && last && conv.seen_by_customer >= Number(last.getAttribute('data-seq'))) last.append(el('span', 'seen', 'Seen'));
}

// Adds a message in its place by number, once: the page of messages read when the stream
// is ready and the messages pushed meanwhile arrive in either order.
function addMessage(message) {
  var list = $('messages');
  if (list.querySelector('[data-seq="' + message.seq + '"]')) return;
  state.lastSeq = Math.max(state.lastSeq, message.seq);
  var line = el('li', 'message ' + message.author);
  line.setAttribute('data-seq', String(message.seq));
  line.setAttribute('data-at', String(message.at));
  if (message.author !== 'system') line.append(el('span', 'who', message.author_name + ' · ' + formatTime(message.at)));
  line.append(document.createTextNode(message.body));
  var later = Array.prototype.find.call(list.children, function (other) {
    return Number(other.getAttribute('data-seq')) > message.seq;
  });
  list.insertBefore(line, later || null);
  list.scrollTop = list.scrollHeight;
  renderSeen();
}

function markSeen() {
  var conv = state.current;
  if (!conv || document.hidden || conv.seen_by_agents >= state.lastSeq) return;
  api('POST', conversationPath(conv.id) + '/seen', { seq: state.lastSeq }).then(upsert, function () {});
}

function connect() {
  if (state.stream) state.stream.close();
  // A colleague pulled into a chat of a project they do not staff follows just that chat.
  var topics = ['chat-personal:' + state.me.id];
  if (state.project) topics.push('inbox:' + state.project);
  if (state.current) topics.push('conversation:' + state.current.id, 'notes:' + state.current.id);
  state.stream = openStream(topics, {
    ready: function () {
      if (state.project) loadList(false).catch(function (e) { showBanner(errorText(e), 'inbox'); });
      // What changed while the stream was (re)connecting is read once it is subscribed.
      if (state.current) {
        api('GET', conversationPath(state.current.id)).then(upsert, function () {});
        loadMessages(state.current.id);
      }
    },
    reset: function () { if (state.project) loadList(false); },
    events: {
      [events.liveChat.conversationUpdated]: upsert,
      [events.liveChat.inboxCounts]: function (counts) { if (counts.project === state.project) renderCounts(counts); },
      [events.liveChat.chatMessage]: function (message) {
        if (!state.current || message.conversation !== state.current.id) return;
        addMessage(message);
        if (message.author === 'customer') $('typing').textContent = '';
        markSeen();
      },
      [events.liveChat.typing]: function (data) {
        if (!state.current || data.conversation !== state.current.id || data.author !== 'customer') return;
        $('typing').textContent = data.typing ? data.name + ' is typing…' : '';
      },
      [events.liveChat.noteAdded]: function (note) {
        if (state.current && note.conversation === state.current.id) addNote(note);
      },
      [events.liveChat.transferOffered]: function () { loadOffers(openConversation, showError); },
      [events.liveChat.transferAnswered]: function (answer) {
        showBanner(answer.by.display_name + (answer.accepted ? ' took over conversation ' : ' declined conversation ') + answer.conversation + '.', 'inbox');
      },
      [events.liveChat.colleaguePulledIn]: function (pulled) {
        var link = el('a', '', 'Open the chat');
        link.href = '/inbox?conversation=' + encodeURIComponent(pulled.conversation) + '&project=' + encodeURIComponent(pulled.project);
        showBanner(pulled.by.display_name + ' asks for your help in a chat with ' + pulled.customer + ': “' + pulled.note + '” ', 'inbox');
        $('banner-text').append(link);
      },
      [events.liveChat.visitorContextChanged]: function (context) {
        if (state.current && context.conversation === state.current.id) showVisitor(context);
      },
      [events.liveChat.cannedRepliesChanged]: function (changed) {
        if (changed.project === state.project && (!changed.owner || changed.owner === state.me.id)) state.canned.load();
      }
    }
  });
}

function loadMessages(id) {
  return api('GET', conversationPath(id) + '/messages?limit=200').then(function (page) {
    if (!state.current || state.current.id !== id) return;
    page.messages.forEach(addMessage);
    renderConversation();
    markSeen();
  });
}

function openConversation(id) {
  api('GET', conversationPath(id)).then(function (conv) {
    newer(conv);
    state.current = conv;
    state.lastSeq = 0;
    $('messages').textContent = '';
    $('typing').textContent = '';
    $('conversation-error').hidden = true;
    renderConversation();
    renderList();
    connect();
    var stillOpen = function (shown) { return !!state.current && state.current.id === shown; };
    loadVisitor(id, stillOpen);
    loadNotes(id, stillOpen);
  }, function (e) { showBanner(errorText(e), 'inbox'); });
}

function act(promise) {
  $('conversation-error').hidden = true;
  return promise.then(upsert, function (e) {
    $('conversation-error').textContent = errorText(e);
    $('conversation-error').hidden = false;
  });
}

// The composer writes to the customer, or a note for agents only (LC-18).
function setNoting(noting) {
  state.noting = noting;
  $('mode-reply').setAttribute('aria-pressed', noting ? 'false' : 'true');
  $('mode-note').setAttribute('aria-pressed', noting ? 'true' : 'false');
  $('compose').classList.toggle('noting', noting);
  $('reply').placeholder = noting
    ? 'Note for agents only; the customer never sees it. @name pulls a colleague in.'
    : 'Reply… (Enter sends, Shift+Enter for a new line, / for a canned reply)';
  $('send').textContent = noting ? 'Add note' : 'Send';
}

function showError(e) {
  $('conversation-error').textContent = errorText(e);
  $('conversation-error').hidden = false;
}

function wire() {
  // First: Enter in an open canned-reply list picks a reply instead of sending.
  state.canned = cannedPicker($('reply'), function () { return state.current && state.current.id; }, showError);
  document.querySelectorAll('.tab').forEach(function (tab) {
    tab.addEventListener('click', function () {
      state.view = tab.getAttribute('data-view');
      state.cursor = null;
      loadList(false);
    });
  });
  $('list-more').addEventListener('click', function () { loadList(true); });
  $('take').addEventListener('click', function () {
    if (!state.current) return;
    act(api('POST', conversationPath(state.current.id) + '/assign', { assignee: state.me.id }));
  });
  $('unassign').addEventListener('click', function () {
    if (!state.current) return;
    act(api('POST', conversationPath(state.current.id) + '/assign', { assignee: null }));
  });
  $('hand-over').addEventListener('change', function () {
    if (!state.current) return;
    var to = $('hand-over').value;
    $('hand-over').value = '';
    if (to) act(api('POST', conversationPath(state.current.id) + '/assign', { assignee: to }));
  });
  $('make-issue').addEventListener('click', function () {
    if (!state.current) return;
    act(api('POST', conversationPath(state.current.id) + '/issue', {}));
  });
  $('end').addEventListener('click', function () {
    if (!state.current) return;
    act(api('POST', conversationPath(state.current.id) + '/end'));
  });
  $('reply').addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); $('compose').requestSubmit(); }
  });
  $('reply').addEventListener('input', function () {
    var now = Date.now();
    var id = state.current && state.current.id;
    if (!id) return;
    if (now - state.typingSent > 3000) {
      state.typingSent = now;
      api('POST', conversationPath(id) + '/typing', { typing: true }).catch(function () {});
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () {
      state.typingSent = 0;
      api('POST', conversationPath(id) + '/typing', { typing: false }).catch(function () {});
    }, 4000);
  });
  $('transfer').addEventListener('toggle', function () {
    if ($('transfer').open && state.current) fillTransferTargets(state.current, state.me.id, state.meAll.projects);
  });
  $('transfer-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!state.current) return;
    $('transfer-send').disabled = true;
    sendTransfer(state.current.id).then(function (conv) {
      $('transfer').open = false;
      $('transfer-note').value = '';
      upsert(conv);
    }, showError).then(function () { $('transfer-send').disabled = false; });
  });
  $('mode-reply').addEventListener('click', function () { setNoting(false); });
  $('mode-note').addEventListener('click', function () { setNoting(true); });
  $('compose').addEventListener('submit', function (ev) {
    ev.preventDefault();
    var body = $('reply').value.trim();
    if (!body || !state.current) return;
    $('send').disabled = true;
    if (state.noting) {
      sendNote(state.current.id, clientId(), body).then(function () { $('reply').value = ''; }, showError)
        .then(function () { $('send').disabled = false; $('reply').focus(); });
      return;
    }
    api('POST', conversationPath(state.current.id) + '/messages', { client_id: clientId(), body: body }).then(function (message) {
      addMessage(message);
      $('reply').value = '';
      clearTimeout(state.typingTimer);
      state.typingSent = 0;
    }, function (e) {
      $('conversation-error').textContent = errorText(e);
      $('conversation-error').hidden = false;
    }).then(function () { $('send').disabled = false; $('reply').focus(); });
  });
  document.addEventListener('visibilitychange', markSeen);
  $('banner-close').addEventListener('click', function () { clearBanner('inbox'); });
  $('project-select').addEventListener('change', function () {
    state.project = $('project-select').value;
    storageSet(PROJECT_KEY, state.project);
    $('canned-link').href = '/canned-replies?project=' + encodeURIComponent(state.project);
    state.canned.load(state.project);
    showPresence(state.meAll, state.project);
    state.current = null;
    renderConversation();
    connect();
  });
}

function start() {
  api('GET', '/api/v1/me').then(function (me) {
    state.me = me.user;
    state.meAll = me;
    startHeartbeat();
    $('user-name').textContent = state.me.display_name;
    var staffed = me.projects.filter(function (p) {
      return (p.roles || []).some(function (r) { return r === 'agent' || r === 'project-admin'; }) || state.me.site_admin;
    });
    var select = $('project-select');
    staffed.forEach(function (p) {
      var option = el('option', '', p.name + ' (' + p.key + ')');
      option.value = p.key;
      select.append(option);
    });
    var params = new URLSearchParams(window.location.search);
    var wanted = params.get('project') || storageGet(PROJECT_KEY);
    var chosen = staffed.filter(function (p) { return p.key === wanted; })[0] || staffed[0];
    // A colleague pulled into one chat (LC-18) opens it here, staff of its project or not.
    var asked = params.get('conversation');
    if (!chosen && asked) {
      document.querySelector('.inbox-list').hidden = true;
      $('project-select').hidden = true;
      wire();
      openConversation(asked);
      document.body.setAttribute('data-ready', '1');
      return;
    }
    if (!chosen) {
      showBanner('You are no agent or admin of any project, so you have no chat inbox; when a colleague asks for your help in a chat, it shows here.', 'inbox');
      document.querySelector('.inbox-list').hidden = true;
      $('project-select').hidden = true;
      wire();
      // Only the calls for help (LC-18) reach someone without an inbox of their own.
      connect();
      document.body.setAttribute('data-ready', '1');
      return;
    }
    state.project = chosen.key;
    select.value = chosen.key;
    showPresence(me, chosen.key);
    var settings = $('settings-link');
    settings.href = '/chat-settings?project=' + encodeURIComponent(chosen.key);
    settings.hidden = !(chosen.roles || []).includes('project-admin') && !state.me.site_admin;
    $('canned-link').href = '/canned-replies?project=' + encodeURIComponent(chosen.key);
    wire();
    state.canned.load(chosen.key);
    renderConversation();
    connect();
    loadOffers(openConversation, showError);
    if (asked) openConversation(asked);
    document.body.setAttribute('data-ready', '1');
  }, function (e) { showBanner(errorText(e), 'inbox'); });
}

start();
