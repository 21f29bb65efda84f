// <chat-availability>: whether customers can chat in the current project right now (PR-2),
// as the push stream tells it.

import { subscribe, currentView } from './presence-store.js';

class ChatAvailability extends HTMLElement {
  connectedCallback() {
    this.dot = this.querySelector('.dot');
    this.text = this.querySelector('.chat-status-text');
    subscribe(() => this.render());
  }

  render() {
    var view = currentView();
    var known = !!view && typeof view.chat_online === 'boolean';
    this.hidden = !known;
    if (!known) return;
    this.dot.classList.toggle('dot-on', view.chat_online);
    this.text.textContent = view.chat_online
      ? 'Live chat is available to customers of this project.'
      : 'Live chat is unavailable: no agent is online.';
  }
}

customElements.define('chat-availability', ChatAvailability);
