// Main content: project title and key, document title, the customers'
// chat availability line, and the "My status" table.

import { $ } from './dom.js';
import { state, projectName, currentPresence } from './state.js';
import { renderMyStatus } from './my-status.js';

export function renderMain() {
  var key = state.project;
  $('project-title').textContent = key ? projectName(key) : 'No project';
  $('project-key').textContent = key || '';
  document.title = (key ? projectName(key) + ' \u00b7 ' : '') + 'Helpdesk';

  // Chat availability for customers (PR-2 data, informational).
  var p = currentPresence();
  var chat = $('chat-status');
  if (p && typeof p.chat_online === 'boolean') {
    renderChatStatus(p.chat_online);
  } else {
    chat.hidden = true;
  }

  // My status table.
  renderMyStatus();
}

export function renderChatStatus(online) {
  $('chat-status').hidden = false;
  $('chat-status-dot').classList.toggle('dot-on', !!online);
  $('chat-status-text').textContent = online
    ? 'Live chat is available to customers of this project.'
    : 'Live chat is unavailable: no agent is online.';
}
