// <presence-dialog>: the presence dialog opened from the indicator (PR-4 … PR-6): the
// viewer's own state, going online (here or in all projects, optionally for a while) and
// offline, and the agents online, a page at a time.

import {
  state, subscribe, hasTime, projectName, currentView, viewer, onlineAgents, selfId,
  changePresence, putOffline, loadMoreOnline, refresh
} from './presence-store.js';
import { el } from '../core/dom.js';
import { appendUntil, untilText } from '../core/format.js';

// An open door with an arrow leaving it: "put this agent offline".
var DOOR_ICON = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path fill="currentColor" ' +
  'd="M5 3h10a2 2 0 0 1 2 2v3h-2V5H5v14h10v-3h2v3a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm11.6 5.4L20.2 12l-3.6 3.6-1.4-1.4 1.2-1.2H9v-2h7.4l-1.2-1.2z"/></svg>';

class PresenceDialog extends HTMLElement {
  connectedCallback() {
    this.dialog = this.querySelector('dialog');
    this.byId = (id) => this.querySelector('#' + id);
    this.byId('dialog-close').addEventListener('click', () => this.close());
    this.byId('go-online').addEventListener('click', () => this.change(true));
    this.byId('go-offline').addEventListener('click', () => this.change(false));
    this.byId('online-agents-more').addEventListener('click', loadMoreOnline);
    this.byId('put-all-offline').addEventListener('click', () => {
      if (window.confirm('Put every agent online in ' + projectName(state.project) + ' offline?')) putOffline(null);
    });
    this.byId('presence-form').addEventListener('submit', (ev) => ev.preventDefault());
    // PR-7: the schedule has its own dialog; this one steps aside for it.
    this.byId('edit-schedule').addEventListener('click', () => {
      this.close();
      document.querySelector('schedule-dialog').open();
    });
    // A click on the backdrop lands on the <dialog> itself (the content is in .modal-inner).
    this.dialog.addEventListener('click', (ev) => {
      if (ev.target === this.dialog) this.close();
    });
    subscribe(() => this.render());
  }

  open() {
    this.byId('all-projects').checked = false;
    this.byId('duration').value = '';
    this.render();
    if (!this.dialog.open) {
      if (typeof this.dialog.showModal === 'function') this.dialog.showModal();
      else this.dialog.setAttribute('open', '');
    }
    this.focusPrimary();
    refresh();
  }

  close() {
    if (!this.dialog.open) return;
    if (typeof this.dialog.close === 'function') this.dialog.close();
    else this.dialog.removeAttribute('open');
  }

  change(online) {
    var minutes = this.byId('duration').value;
    changePresence(online, this.byId('all-projects').checked, online && minutes ? parseInt(minutes, 10) : null)
      .then(() => {
        // The clicked button may have been hidden: keep focus inside the dialog.
        var active = document.activeElement;
        if (this.dialog.open && (!active || active === document.body || active.hidden || !this.dialog.contains(active))) {
          this.focusPrimary();
        }
      });
  }

  focusPrimary() {
    var online = this.byId('go-online');
    var offline = this.byId('go-offline');
    (!offline.hidden ? offline : (!online.hidden ? online : this.byId('dialog-close'))).focus();
  }

  render() {
    if (state.access === 'denied') this.close();
    var view = currentView();
    var me = viewer();
    var key = state.project;
    this.byId('presence-dialog-title').textContent = key ? 'Agent presence \u00b7 ' + projectName(key) : 'Agent presence';

    var line = this.byId('dialog-own-status');
    line.replaceChildren();
    line.hidden = !(view && me.isAgent);
    if (!line.hidden) {
      line.appendChild(document.createTextNode('You are '));
      line.appendChild(el('strong', null, me.online ? 'online' : 'offline'));
      line.appendChild(document.createTextNode(' in ' + projectName(key)));
      if (me.online && me.until !== null) line.appendChild(document.createTextNode(' ' + untilText(me.until)));
      line.appendChild(document.createTextNode('.'));
    }

    var canAct = !!view && me.isAgent;
    this.byId('dialog-not-agent').hidden = !view || me.isAgent;
    this.byId('all-projects-field').hidden = !canAct;
    // Online already, an agent may still go online in all projects or for another while
    // ("Update"), without going offline first.
    this.byId('duration-field').hidden = !canAct;
    this.byId('go-online').hidden = !canAct;
    this.byId('go-online').textContent = me.online ? 'Update' : 'Go online';
    this.byId('go-offline').hidden = !canAct || !me.online;
    this.byId('edit-schedule').hidden = !canAct;

    var error = this.byId('presence-error');
    error.textContent = state.changeError ? state.changeError.message : '';
    error.title = state.changeError && state.changeError.requestId ? 'Request id: ' + state.changeError.requestId : '';
    error.hidden = !state.changeError;

    ['go-online', 'go-offline', 'all-projects', 'duration'].forEach((id) => { this.byId(id).disabled = state.busy; });
    if (state.busy) this.byId('presence-form').setAttribute('aria-busy', 'true');
    else this.byId('presence-form').removeAttribute('aria-busy');

    this.renderAgents();
  }

  renderAgents() {
    var list = this.byId('online-agents');
    var agents = onlineAgents();
    var self = selfId();
    var mayPutOffline = viewer().mayPutOffline;
    list.replaceChildren();
    agents.forEach((a) => {
      if (!a) return;
      var name = a.display_name || a.user || '';
      var li = el('li');
      li.dataset.user = String(a.user);
      if (self !== null && a.user === self) li.classList.add('self');
      var avatar = el('span', 'avatar');
      avatar.setAttribute('aria-hidden', 'true');
      avatar.dataset.initial = name ? name.trim().charAt(0).toUpperCase() : '?';
      li.appendChild(avatar);
      var label = el('span', 'agent-name', name);
      label.title = name;
      li.appendChild(label);
      if (hasTime(a.until)) appendUntil(li, a.until, 'Online until ');
      if (mayPutOffline) {
        // PR-8: the "door" puts this agent offline; only admins who may use it see it.
        var door = el('button', 'door-button');
        door.type = 'button';
        door.title = 'Put ' + name + ' offline';
        door.setAttribute('aria-label', 'Put ' + name + ' offline');
        door.innerHTML = DOOR_ICON;
        door.disabled = state.busy;
        door.addEventListener('click', () => putOffline(String(a.user)));
        li.appendChild(door);
      }
      list.appendChild(li);
    });
    var putAll = this.byId('put-all-offline');
    putAll.hidden = !mayPutOffline || agents.length === 0;
    putAll.disabled = state.busy;
    this.byId('no-agents').hidden = agents.length > 0;
    var view = currentView();
    var total = view && typeof view.online_count === 'number' ? view.online_count : agents.length;
    var more = this.byId('online-agents-more');
    more.hidden = !state.moreCursor;
    more.textContent = 'Show more (' + Math.max(total - agents.length, 0) + ' more online)';
  }
}

customElements.define('presence-dialog', PresenceDialog);
