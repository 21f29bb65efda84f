// <room-dialog>: adding or editing a room (TC-3): its name, and public or private; a
// private room's users, groups and companies move between "Available" and "Selected".

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { state, loadChats, openChat } from './team-chat-store.js';

// A member entry's option value: "user:alice", "group:support-team", "company:acme".
function value(member) {
  var kind = Object.keys(member)[0];
  return kind + ':' + member[kind];
}

function member(optionValue) {
  var at = optionValue.indexOf(':');
  var entry = {};
  entry[optionValue.slice(0, at)] = optionValue.slice(at + 1);
  return entry;
}

class RoomDialog extends HTMLElement {
  connectedCallback() {
    this.dialog = $('room-dialog');
    this.editing = null;
    $('room-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.save(); });
    $('room-cancel').addEventListener('click', () => this.dialog.close());
    $('room-select').addEventListener('click', () => this.move($('room-available'), $('room-selected')));
    $('room-unselect').addEventListener('click', () => this.move($('room-selected'), $('room-available')));
    this.querySelectorAll('input[name="room-access"]').forEach((radio) => {
      radio.addEventListener('change', () => this.showLists());
    });
  }

  // Everyone and everything a room may list, once.
  entries() {
    if (this.known) return Promise.resolve(this.known);
    return Promise.all([
      api('GET', '/api/v1/directory/users'),
      api('GET', '/api/v1/directory/groups'),
      api('GET', '/api/v1/directory/companies')
    ]).then((answers) => {
      var users = answers[0]
        .filter((u) => u.member)
        .map((u) => ['user:' + u.id, u.display_name]);
      var groups = answers[1].map((g) => ['group:' + g.id, 'Group: ' + g.name]);
      var companies = answers[2].map((c) => ['company:' + c.id, 'Company: ' + c.name]);
      this.known = users.concat(groups, companies);
      return this.known;
    });
  }

  open(chat) {
    this.editing = chat || null;
    $('room-dialog-title').textContent = chat ? 'Edit chat room' : 'Add chat room';
    $('room-error').hidden = true;
    var spec = chat ? api('GET', '/api/v1/team-chat/rooms/' + encodeURIComponent(chat.id))
      : Promise.resolve({ name: '', private: false, members: [] });
    Promise.all([spec, this.entries()]).then((answers) => {
      var room = answers[0];
      $('room-name-input').value = room.name;
      this.querySelector('input[value="' + (room.private ? 'private' : 'public') + '"]').checked = true;
      var selected = room.members.map(value);
      // A new room's creator is always in it, so they are not offered; an editor sees the
      // list as it is, themselves included if they are on it.
      var offered = this.known.filter((entry) => chat || entry[0] !== 'user:' + state.me.id);
      this.fill($('room-selected'), offered.filter((entry) => selected.indexOf(entry[0]) >= 0));
      this.fill($('room-available'), offered.filter((entry) => selected.indexOf(entry[0]) < 0));
      this.showLists();
      this.dialog.showModal();
      $('room-name-input').focus();
    }, (e) => window.alert(e.message));
  }

  fill(select, entries) {
    select.replaceChildren();
    entries.forEach((entry) => {
      var option = el('option', null, entry[1]);
      option.value = entry[0];
      select.append(option);
    });
  }

  move(from, to) {
    Array.prototype.slice.call(from.selectedOptions).forEach((option) => {
      option.selected = false;
      to.append(option);
    });
  }

  showLists() {
    $('room-access-lists').hidden = !this.querySelector('input[value="private"]').checked;
  }

  save() {
    var priv = this.querySelector('input[value="private"]').checked;
    var body = {
      name: $('room-name-input').value,
      private: priv,
      members: priv ? Array.prototype.map.call($('room-selected').options, (option) => member(option.value)) : []
    };
    var request = this.editing
      ? api('PUT', '/api/v1/team-chat/rooms/' + encodeURIComponent(this.editing.id), body)
      : api('POST', '/api/v1/team-chat/rooms', body);
    request.then((chat) => {
      this.dialog.close();
      return loadChats().then(() => openChat(chat.id));
    }, (e) => {
      $('room-error').textContent = e.message;
      $('room-error').hidden = false;
    });
  }
}

customElements.define('room-dialog', RoomDialog);
