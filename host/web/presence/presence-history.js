// <presence-history>: the current project's presence changes, newest first (PR-15): who,
// what, how and when. Admins see everyone's, an agent their own; "Show older" pages on.
// How a change came about is told in the words of the contract (the WIT docs of each
// `change-cause`), so the page keeps no list of causes of its own.

import {
  state, subscribe, hasTime, currentView, selfId, loadOlderHistory, setHistoryFilter, projectByKey
} from './presence-store.js';
import { el } from '../core/dom.js';
import { appendUntil, formatDateTime, formatFull } from '../core/format.js';
import { presence as contract } from '../core/contract.js';

// Display names: those the history pages named, and those the page knows otherwise.
function knownNames() {
  var names = Object.assign({}, state.historyNames);
  var view = currentView();
  ((view && view.online_agents) || []).forEach((a) => {
    if (a && a.user && a.display_name) names[a.user] = a.display_name;
  });
  var me = state.me && state.me.user;
  if (me && me.id && me.display_name) names[me.id] = me.display_name;
  return names;
}

export function howText(change, names) {
  var how = contract.changeCause[change.cause] || String(change.cause || '');
  if (change.by && change.by !== change.user) how += ' (' + (names[change.by] || change.by) + ')';
  return how;
}

class PresenceHistory extends HTMLElement {
  connectedCallback() {
    this.byId = (id) => this.querySelector('#' + id);
    this.byId('presence-history-more').addEventListener('click', loadOlderHistory);
    this.byId('history-filter').addEventListener('submit', (ev) => {
      ev.preventDefault();
      setHistoryFilter(this.readFilter());
    });
    subscribe(() => this.render());
  }

  // The filter as the API takes it: the agent, and whole days in the viewer's browser.
  readFilter() {
    var day = (id, after) => {
      var value = this.byId(id).value;
      if (!value) return null;
      var parts = value.split('-').map(Number);
      return new Date(parts[0], parts[1] - 1, parts[2] + (after ? 1 : 0)).getTime();
    };
    return { user: this.byId('history-user').value, since: day('history-since', false), until: day('history-until', true) };
  }

  // Admins choose an agent; an agent sees only their own changes anyway.
  renderFilter(names) {
    var project = projectByKey(state.project);
    var admin = (state.me && state.me.user && state.me.user.site_admin) ||
      (!!project && (project.roles || []).indexOf('project-admin') !== -1);
    var select = this.byId('history-user');
    this.byId('history-user-field').hidden = !admin;
    var chosen = state.historyFilter.user;
    var options = Object.keys(names).sort((a, b) => names[a].localeCompare(names[b]));
    if (chosen && options.indexOf(chosen) === -1) options.push(chosen);
    if (select.options.length !== options.length + 1) {
      select.replaceChildren(el('option', null, 'All agents'));
      select.options[0].value = '';
      options.forEach((id) => {
        var option = el('option', null, names[id] || id);
        option.value = id;
        select.appendChild(option);
      });
    }
    select.value = chosen;
  }

  render() {
    var rows = this.byId('presence-history-rows');
    if (!state.project || state.historyFor !== state.project || state.historyAccess === 'denied') {
      this.hidden = true;
      rows.replaceChildren();
      return;
    }
    var changes = Array.isArray(state.history) ? state.history : [];
    var names = knownNames();
    var self = selfId();
    this.renderFilter(names);
    rows.replaceChildren();
    changes.forEach((c) => rows.appendChild(this.row(c, names, self)));
    this.byId('presence-history-table').hidden = changes.length === 0;
    this.byId('presence-history-empty').hidden = changes.length > 0 || state.history === null;
    var error = this.byId('presence-history-error');
    error.textContent = state.historyError || '';
    error.hidden = !state.historyError;
    var more = this.byId('presence-history-more');
    more.hidden = !state.historyCursor;
    more.disabled = state.loadingOlder;
    more.textContent = state.loadingOlder ? 'Loading\u2026' : 'Show older';
    if (state.loadingOlder) this.setAttribute('aria-busy', 'true');
    else this.removeAttribute('aria-busy');
    this.hidden = false;
  }

  row(c, names, self) {
    var user = c.user ? String(c.user) : '';
    var tr = el('tr');
    tr.dataset.user = user;
    tr.dataset.cause = c.cause ? String(c.cause) : '';
    if (self !== null && user === self) tr.classList.add('self');
    var when = el('td', 'history-time');
    if (hasTime(c.at)) {
      var time = el('time', null, formatDateTime(c.at));
      time.dateTime = new Date(c.at).toISOString();
      time.title = formatFull(c.at);
      when.appendChild(time);
    }
    tr.appendChild(when);
    var name = names[user] || user;
    var agent = el('td', 'history-agent', name);
    if (name !== user) agent.title = user;
    tr.appendChild(agent);
    var online = !!c.online;
    var change = el('td', 'history-change ' + (online ? 'state-online' : 'state-offline'));
    change.appendChild(el('span', 'lozenge' + (online ? ' lozenge-online' : ''), online ? 'Online' : 'Offline'));
    if (online && hasTime(c.until)) appendUntil(change, c.until, 'Until ');
    tr.appendChild(change);
    tr.appendChild(el('td', 'history-how', howText(c, names)));
    return tr;
  }
}

customElements.define('presence-history', PresenceHistory);
