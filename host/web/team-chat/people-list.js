// <people-list>: the site's members (TC-8), each opening a user-to-user chat with them
// (TC-4); opening it tells them nothing until a message is sent.

import { el } from '../core/dom.js';
import { api } from '../core/api.js';
import { state, subscribe, openDirect } from './team-chat-store.js';

class PeopleList extends HTMLElement {
  connectedCallback() {
    this.list = document.getElementById('people-list');
    this.people = null;
    subscribe(() => this.load());
  }

  load() {
    if (this.people !== null || !state.access || !state.access.may_see) return;
    this.people = [];
    api('GET', '/api/v1/directory/users').then((users) => {
      this.people = users
        .filter((user) => user.member && user.id !== state.me.id)
        .sort((a, b) => a.display_name.localeCompare(b.display_name));
      this.render();
    }, () => { this.people = null; });
  }

  render() {
    this.list.replaceChildren();
    var mayPost = state.access && state.access.may_post;
    this.people.forEach((user) => {
      var item = el('li', 'person');
      item.dataset.user = user.id;
      var button = el('button', 'person-button', user.display_name);
      button.type = 'button';
      button.title = mayPost ? 'Chat with ' + user.display_name : user.display_name;
      button.disabled = !mayPost;
      button.addEventListener('click', () => openDirect(user.id).catch((e) => window.alert(e.message)));
      item.append(button);
      this.list.append(item);
    });
  }
}

customElements.define('people-list', PeopleList);
