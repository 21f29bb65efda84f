// <chat-list>: the viewer's chats (TC-2 company chats first, rooms, user-to-user chats)
// with their unread counts, live; a click opens one.

import { el } from '../core/dom.js';
import { state, subscribe, openChat } from './team-chat-store.js';

var KIND_LABEL = { company: 'Company', room: 'Room', direct: 'Person', issue: 'Issue' };

class ChatList extends HTMLElement {
  connectedCallback() {
    this.list = document.getElementById('chat-list');
    subscribe(() => this.render());
  }

  render() {
    this.list.replaceChildren();
    state.chats.forEach((chat) => {
      var item = el('li', 'chat-item');
      item.dataset.chat = chat.id;
      if (chat.id === state.openId) item.classList.add('open');
      var button = el('button', 'chat-button');
      button.type = 'button';
      var name = el('span', 'chat-name', chat.name);
      var kind = el('span', 'chat-kind', chat.private ? 'Private room' : KIND_LABEL[chat.kind] || chat.kind);
      button.append(name, kind);
      if (chat.last_preview) button.append(el('span', 'chat-preview', chat.last_preview));
      if (chat.unread > 0) {
        var count = el('span', 'count-pill count-attention chat-unread', String(chat.unread));
        count.setAttribute('aria-label', chat.unread + ' unread');
        button.append(count);
      }
      button.addEventListener('click', () => openChat(chat.id));
      item.append(button);
      this.list.append(item);
    });
  }
}

customElements.define('chat-list', ChatList);
