// Canned replies in the agents' composer (LC-14): a reply that starts with `/` opens the list
// of the project's replies and the agent's own, narrowed by shortcut and title as they type;
// Enter, Tab or a click puts the reply in, filled for this conversation by the plugin. The
// filled text goes into the textarea as text, never as HTML.

import { el } from '../core/dom.js';
import { api, conversationPath, projectPath } from '../core/api.js';

// `/word` and nothing else: the composer asks for a canned reply.
var QUERY = /^\/([^\s/]*)$/;

// Attaches the picker to `textarea`. `conversation()` names the open conversation;
// `failed(error)` shows an error. Attach before other keydown handlers of the textarea, so
// that Enter picks a reply instead of sending `/word`.
export function cannedPicker(textarea, conversation, failed) {
  var state = { project: null, replies: [], matches: [], active: 0 };
  var list = el('ul', 'canned-list');
  list.id = 'canned-list';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Canned replies');
  list.hidden = true;
  textarea.parentNode.insertBefore(list, textarea);
  textarea.setAttribute('role', 'combobox');
  textarea.setAttribute('aria-autocomplete', 'list');
  textarea.setAttribute('aria-controls', list.id);
  textarea.setAttribute('aria-expanded', 'false');

  function close() {
    list.hidden = true;
    state.matches = [];
    textarea.setAttribute('aria-expanded', 'false');
    textarea.removeAttribute('aria-activedescendant');
  }

  function render() {
    list.textContent = '';
    if (!state.matches.length) {
      var none = el('li', 'canned-none muted', state.replies.length
        ? 'No canned reply matches ' + textarea.value
        : 'No canned replies yet: add them on the Canned replies page');
      none.setAttribute('aria-disabled', 'true');
      list.append(none);
    }
    state.matches.forEach(function (reply, index) {
      var item = el('li', 'canned-item');
      item.id = 'canned-' + reply.id;
      item.setAttribute('role', 'option');
      item.setAttribute('data-shortcut', reply.shortcut);
      item.setAttribute('aria-selected', index === state.active ? 'true' : 'false');
      item.append(el('span', 'canned-shortcut', '/' + reply.shortcut));
      item.append(el('span', 'canned-title', reply.title));
      item.append(el('span', 'canned-whose muted', reply.owner ? 'mine' : 'project'));
      // mousedown, not click: the textarea keeps its focus.
      item.addEventListener('mousedown', function (ev) { ev.preventDefault(); pick(reply); });
      list.append(item);
    });
    list.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    var active = state.matches[state.active];
    if (active) textarea.setAttribute('aria-activedescendant', 'canned-' + active.id);
    else textarea.removeAttribute('aria-activedescendant');
  }

  function narrow() {
    var match = QUERY.exec(textarea.value);
    if (!match) { close(); return; }
    var query = match[1].toLowerCase();
    state.matches = state.replies.filter(function (reply) {
      return reply.shortcut.indexOf(query) === 0 || reply.title.toLowerCase().indexOf(query) >= 0;
    });
    state.active = 0;
    render();
  }

  function pick(reply) {
    var id = conversation();
    close();
    if (!id) return;
    api('GET', conversationPath(id) + '/canned-replies/' + encodeURIComponent(reply.id))
      .then(function (text) {
        textarea.value = text;
        textarea.focus();
        textarea.setSelectionRange(text.length, text.length);
      }, failed);
  }

  textarea.addEventListener('input', narrow);
  textarea.addEventListener('blur', close);
  textarea.addEventListener('keydown', function (ev) {
    if (list.hidden) return;
    var count = state.matches.length;
    if (ev.key === 'Escape') { close(); ev.preventDefault(); ev.stopImmediatePropagation(); return; }
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (count) state.active = (state.active + (ev.key === 'ArrowDown' ? 1 : count - 1)) % count;
      render();
      ev.preventDefault();
      ev.stopImmediatePropagation();
      return;
    }
    if ((ev.key === 'Enter' && !ev.shiftKey) || ev.key === 'Tab') {
      if (!count) { if (ev.key === 'Enter') { close(); ev.preventDefault(); ev.stopImmediatePropagation(); } return; }
      ev.preventDefault();
      ev.stopImmediatePropagation();
      pick(state.matches[state.active]);
    }
  });

  return {
    // Reads the replies of `project` (again, when it changed on the stream).
    load: function (project) {
      state.project = project || state.project;
      if (!state.project) return Promise.resolve();
      var asked = state.project;
      return api('GET', projectPath(asked) + '/chat/canned-replies').then(function (replies) {
        if (asked !== state.project) return;
        state.replies = replies;
        if (!list.hidden) narrow();
      }, function () { state.replies = []; });
    }
  };
}
