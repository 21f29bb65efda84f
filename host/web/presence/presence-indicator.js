// <presence-indicator>: the toolbar's presence indicator (PR-3): the number of agents online
// in the current project (red at zero, green otherwise) and the viewer's own status icon
// (grey offline, white online, black on a light toolbar). A click asks for the dialog.

import { state, subscribe, currentView, viewer } from './presence-store.js';
import { untilText } from '../core/format.js';

class PresenceIndicator extends HTMLElement {
  connectedCallback() {
    this.button = this.querySelector('.presence-indicator');
    this.note = this.querySelector('.toolbar-note');
    this.count = this.querySelector('.count-pill');
    this.own = this.querySelector('.status-icon');
    this.button.addEventListener('click', () => {
      this.dispatchEvent(new CustomEvent('presence-dialog-open', { bubbles: true }));
    });
    subscribe(() => this.render());
  }

  render() {
    var view = currentView();
    this.note.hidden = state.access !== 'denied';
    if (state.access === 'denied' || !view) {
      this.button.hidden = true;
      return;
    }
    var count = typeof view.online_count === 'number' ? view.online_count : 0;
    var me = viewer();
    this.count.textContent = String(count);
    this.count.dataset.onlineCount = String(count);
    this.count.classList.toggle('count-zero', count === 0);
    this.count.classList.toggle('count-nonzero', count !== 0);
    var ownOnline = me.isAgent && me.online;
    this.own.classList.toggle('status-online', ownOnline);
    this.own.classList.toggle('status-offline', !ownOnline);
    var label = count + (count === 1 ? ' agent' : ' agents') + ' online';
    if (me.isAgent) {
      label += ' \u2014 you are ' + (ownOnline ? 'online' : 'offline');
      if (ownOnline && me.until !== null) label += ' ' + untilText(me.until);
    }
    this.button.setAttribute('aria-label', label);
    this.button.title = label;
    this.button.hidden = false;
  }
}

customElements.define('presence-indicator', PresenceIndicator);
