// <chat-room>: the open chat (TC-6, TC-7): its messages, older ones paging in as the reader
// scrolls up, the viewer's own lines marked, and the composer (Enter or Send sends,
// Shift+Enter starts a new line).

import { $, el } from '../core/dom.js';
import { formatDateTime, formatFull } from '../core/format.js';
import { appendLinkified } from '../core/linkify.js';
import {
  state, subscribe, openChatSummary, loadOlder, send, setView, editMessage, deleteMessage
} from './team-chat-store.js';

var KIND_LABEL = { company: 'Company chat', room: 'Room', direct: 'User chat', issue: 'Issue chat' };

class ChatRoom extends HTMLElement {
  connectedCallback() {
    this.messages = $('room-messages');
    this.text = $('composer-text');
    $('composer').addEventListener('submit', (ev) => { ev.preventDefault(); this.submit(); });
    this.text.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && this.editing) {
        this.stopEdit();
        return;
      }
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        this.submit();
      }
    });
    this.messages.addEventListener('scroll', () => {
      if (this.messages.scrollTop < 40 && !this.loading) this.older();
    });
    $('room-history-view').addEventListener('change', (ev) => setView(ev.target.value));
    subscribe(() => this.render());
  }

  older() {
    var before = this.messages.scrollHeight;
    this.loading = true;
    loadOlder().then((loaded) => {
      this.loading = false;
      // Keep the line the reader looked at in place.
      if (loaded) this.messages.scrollTop += this.messages.scrollHeight - before;
    }, () => { this.loading = false; });
  }

  // Editing puts the message's text in the composer; Send saves it, Escape gives up.
  startEdit(message) {
    this.editing = message.seq;
    this.editingChat = state.openId;
    this.text.value = message.body;
    $('composer-send').textContent = 'Save';
    this.text.focus();
  }

  stopEdit() {
    this.editing = null;
    this.editingChat = null;
    this.text.value = '';
    $('composer-send').textContent = 'Send';
  }

  submit() {
    var body = this.text.value;
    if (!body.trim() || this.sending) return;
    this.sending = true;
    $('composer-send').disabled = true;
    var done = this.editing ? editMessage(this.editing, body) : send(body);
    done.then(() => {
      this.stopEdit();
      $('composer-error').hidden = true;
    }, (e) => {
      $('composer-error').textContent = e.message;
      $('composer-error').hidden = false;
    }).then(() => {
      this.sending = false;
      $('composer-send').disabled = false;
      this.text.focus();
    });
  }

  render() {
    // An edit belongs to its chat: moving to another gives it up.
    if (this.editing && this.editingChat !== state.openId) this.stopEdit();
    var chat = openChatSummary();
    $('no-chat').hidden = !!chat;
    $('room-view').hidden = !chat;
    if (!chat) return;
    $('room-name').textContent = chat.name;
    var issueLink = $('room-issue-link');
    issueLink.hidden = !chat.issue;
    if (chat.issue) issueLink.href = '/issue?key=' + encodeURIComponent(chat.issue);
    $('room-kind').textContent = chat.private ? 'Private room' : KIND_LABEL[chat.kind] || '';
    $('edit-room').hidden = !chat.may_edit;
    $('delete-room').hidden = !chat.may_delete;
    var mayPost = state.access && state.access.may_post;
    $('composer').hidden = !mayPost;
    var atBottom = this.messages.scrollHeight - this.messages.scrollTop - this.messages.clientHeight < 40;
    var shown = this.messages.childElementCount;
    this.messages.replaceChildren();
    $('room-history-view').value = state.view;
    if (state.moreBefore) {
      var more = el('li', 'older-hint muted', 'Scroll up for older messages');
      this.messages.append(more);
    } else if (state.view !== 'all') {
      this.messages.append(el('li', 'older-hint muted', 'Older messages are hidden by "Show messages from".'));
    }
    state.messages.forEach((message) => {
      var own = state.me && message.author === state.me.id;
      var item = el('li', own ? 'team-message own' : 'team-message');
      if (state.me && (message.mentions || []).indexOf(state.me.id) >= 0) item.classList.add('mentions-me');
      item.dataset.seq = String(message.seq);
      var head = el('div', 'message-head');
      head.append(el('span', 'message-author', own ? 'You' : message.author_name));
      var time = el('time', 'message-time', formatDateTime(message.at));
      time.title = formatFull(message.at);
      head.append(time);
      if (message.edited && !message.deleted) {
        var edited = el('span', 'message-edited', '(edited)');
        edited.title = 'Edited ' + formatFull(message.edited);
        head.append(edited);
      }
      if (message.deleted) {
        item.classList.add('deleted');
        item.append(head, el('div', 'message-body muted', 'Message deleted'));
      } else {
        item.append(head, appendLinkified(el('div', 'message-body'), message.body));
        this.actions(item, message, own);
      }
      this.messages.append(item);
    });
    if (atBottom || shown === 0 || this.messages.childElementCount - shown === 1) {
      this.messages.scrollTop = this.messages.scrollHeight;
    }
  }
}

// Edit for one's own lines; Delete for one's own, or any line for a site admin (TC-10).
ChatRoom.prototype.actions = function (item, message, own) {
  var admin = state.access && state.access.may_administer;
  if (!own && !admin) return;
  var bar = el('div', 'message-actions');
  if (own) {
    var edit = el('button', 'link-button', 'Edit');
    edit.type = 'button';
    edit.addEventListener('click', () => this.startEdit(message));
    bar.append(edit);
  }
  var remove = el('button', 'link-button', 'Delete');
  remove.type = 'button';
  remove.addEventListener('click', () => {
    if (window.confirm('Delete this message for everyone? The trace keeps it for site admins.')) {
      deleteMessage(message.seq).catch((e) => window.alert(e.message));
    }
  });
  bar.append(remove);
  item.append(bar);
};

customElements.define('chat-room', ChatRoom);
