// <people-list>: everyone in team chat with their status and words, online people first,
// live (TC-8, PR-14); a click opens a user-to-user chat (TC-4). At the top, the viewer sets
// their own status and words.

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { state, subscribe, openDirect, setMyStatus, openChatSummary, invite } from './team-chat-store.js';

var STATUS_LABEL = { online: 'Online', busy: 'Busy', away: 'Away', offline: 'Offline' };

class PeopleList extends HTMLElement {
  connectedCallback() {
    this.list = $('people-list');
    this.loaded = false;
    $('my-status-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.saveStatus(); });
    $('my-status').addEventListener('change', () => this.saveStatus());
    $('my-status-until').addEventListener('change', () => this.saveStatus());
    $('my-auto-away').addEventListener('change', () => this.saveStatus());
    this.menuFor = null;
    document.addEventListener('click', () => { $('person-menu').hidden = true; });
    document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') $('person-menu').hidden = true; });
    $('person-menu-info').addEventListener('click', () => this.showInfo(this.menuFor));
    $('person-menu-chat').addEventListener('click', () => this.chatWith(this.menuFor));
    $('person-dialog-close').addEventListener('click', () => $('person-dialog').close());
    $('person-dialog-chat').addEventListener('click', () => {
      $('person-dialog').close();
      this.chatWith(this.menuFor);
    });
    subscribe(() => this.render());
  }

  loadMine() {
    if (this.loaded || !state.access || !state.access.may_see) return;
    this.loaded = true;
    api('GET', '/api/v1/team-chat/status').then((mine) => {
      this.mine = mine;
      $('my-status').value = mine.status;
      $('my-status-text').value = mine.status_text || '';
      var away = mine.auto_away_minutes === null ? '' : String(mine.auto_away_minutes);
      if (!Array.prototype.some.call($('my-auto-away').options, (o) => o.value === away)) {
        var option = el('option', null, 'After ' + away + ' minutes');
        option.value = away;
        $('my-auto-away').append(option);
      }
      $('my-auto-away').value = away;
      $('my-status-until').value = '';
    });
  }

  // When the words end: in so many minutes, or at midnight tonight where the browser is.
  textUntil() {
    var choice = $('my-status-until').value;
    if (!choice) return null;
    if (choice === 'today') {
      var midnight = new Date();
      midnight.setHours(24, 0, 0, 0);
      return midnight.getTime();
    }
    return Date.now() + parseInt(choice, 10) * 60000;
  }

  saveStatus() {
    var away = $('my-auto-away').value;
    var words = $('my-status-text').value.trim() || null;
    // Words kept as they were keep their end, unless a new one is chosen.
    var until = this.textUntil();
    if (until === null && words && this.mine && words === this.mine.status_text) until = this.mine.text_until;
    var wanted = {
      status: $('my-status').value,
      status_text: words,
      text_until: words ? until : null,
      auto_away_minutes: away ? parseInt(away, 10) : null
    };
    setMyStatus(wanted).then(() => {
      this.mine = wanted;
      $('my-status-error').hidden = true;
    }, (e) => {
      $('my-status-error').textContent = e.message;
      $('my-status-error').hidden = false;
    });
  }

  personItem(person) {
    var item = el('li', 'person status-' + person.status);
    item.dataset.user = person.user;
    var line = el('div', 'person-line');
    var dot = el('span', 'status-dot');
    dot.title = STATUS_LABEL[person.status] || person.status;
    line.append(dot, el('span', 'person-name', person.display_name));
    var detail = STATUS_LABEL[person.status] + (person.status_text ? ' · ' + person.status_text : '');
    line.append(el('span', 'person-status', detail));
    item.append(line);
    return item;
  }

  openMenu(person, x, y) {
    this.menuFor = person;
    var menu = $('person-menu');
    $('person-menu-chat').disabled = !(state.access && state.access.may_post);
    menu.style.left = Math.min(x, window.innerWidth - 200) + 'px';
    menu.style.top = Math.min(y, window.innerHeight - 90) + 'px';
    menu.hidden = false;
    $('person-menu-info').focus();
  }

  chatWith(person) {
    if (!person || !(state.access && state.access.may_post)) return;
    openDirect(person.user).catch((e) => window.alert(e.message));
  }

  // User information (TC-8): from the directory, with their status and local time.
  showInfo(person) {
    if (!person) return;
    var fill = (users) => {
      var user = users.find((u) => u.id === person.user) || {};
      $('person-dialog-name').textContent = person.display_name;
      $('person-dialog-status').textContent = STATUS_LABEL[person.status] + (person.status_text ? ' · ' + person.status_text : '');
      $('person-dialog-id').textContent = person.user;
      $('person-dialog-email').textContent = user.email || '';
      var time = '';
      try {
        time = new Intl.DateTimeFormat(undefined, { timeZone: user.time_zone, hour: '2-digit', minute: '2-digit', weekday: 'short' })
          .format(new Date()) + ' (' + user.time_zone + ')';
      } catch (e) { time = user.time_zone || ''; }
      $('person-dialog-time').textContent = time;
      $('person-dialog-chat').disabled = !(state.access && state.access.may_post);
      $('person-dialog').showModal();
    };
    if (this.directory) fill(this.directory);
    else api('GET', '/api/v1/directory/users').then((users) => { this.directory = users; fill(users); });
  }

  // The open issue chat's participants under its key, and who may be invited (TC-5).
  renderParticipants(chat) {
    var section = $('issue-participants');
    section.hidden = !chat || chat.kind !== 'issue';
    if (section.hidden) return [];
    $('participants-title').textContent = chat.issue;
    var list = $('participants-list');
    list.replaceChildren();
    state.participants.forEach((person) => list.append(this.personItem(person)));
    if (!state.participants.length) list.append(el('li', 'muted person-none', 'Nobody has written yet.'));
    return state.participants.map((person) => person.user);
  }

  // What others see of the viewer now: away by itself after the idle time, though chosen
  // online (PR-14).
  renderMine() {
    var me = state.me && state.people.find((person) => person.user === state.me.id);
    var shown = $('my-status-shown');
    var chosen = $('my-status').value;
    shown.hidden = !me || me.status === chosen;
    if (me && me.status !== chosen) {
      shown.textContent = 'Shown as ' + STATUS_LABEL[me.status] + (me.status === 'away' ? ' (idle)' : '');
    }
    // Words that ended by themselves leave the field too.
    if (me && this.mine && this.mine.status_text && !me.status_text && document.activeElement !== $('my-status-text')) {
      $('my-status-text').value = '';
      this.mine.status_text = null;
      this.mine.text_until = null;
    }
  }

  render() {
    this.loadMine();
    this.renderMine();
    var chat = openChatSummary();
    var participants = this.renderParticipants(chat);
    var mayInvite = chat && chat.kind === 'issue' && state.me && participants.indexOf(state.me.id) >= 0;
    this.list.replaceChildren();
    var mayPost = state.access && state.access.may_post;
    state.people.forEach((person) => {
      if (state.me && person.user === state.me.id) return;
      var item = el('li', 'person status-' + person.status);
      item.dataset.user = person.user;
      var button = el('button', 'person-button');
      button.type = 'button';
      var dot = el('span', 'status-dot');
      dot.title = STATUS_LABEL[person.status] || person.status;
      button.append(dot, el('span', 'person-name', person.display_name));
      var detail = STATUS_LABEL[person.status] + (person.status_text ? ' · ' + person.status_text : '');
      button.append(el('span', 'person-status', detail));
      button.title = mayPost ? 'Chat with ' + person.display_name : person.display_name;
      button.disabled = !mayPost;
      button.addEventListener('click', () => this.chatWith(person));
      // Right-click (or the context-menu key) opens the person's menu (TC-8).
      button.addEventListener('contextmenu', (ev) => {
        ev.preventDefault();
        this.openMenu(person, ev.clientX, ev.clientY);
      });
      item.append(button);
      if (mayInvite && person.status !== 'offline' && participants.indexOf(person.user) < 0) {
        var inviteButton = el('button', 'btn btn-default invite-button', 'Invite to ' + chat.issue);
        inviteButton.type = 'button';
        inviteButton.addEventListener('click', () => invite(person.user).catch((e) => window.alert(e.message)));
        item.append(inviteButton);
      }
      this.list.append(item);
    });
  }
}

customElements.define('people-list', PeopleList);
