// <my-status>: the viewer's presence in every project where they are an agent, with links
// that make a project the current one (they ask with a `select-project` event).

import { state, subscribe, hasTime, projectName } from './presence-store.js';
import { el } from '../core/dom.js';
import { appendUntil } from '../core/format.js';

class MyStatus extends HTMLElement {
  connectedCallback() {
    this.rows = this.querySelector('tbody');
    this.empty = this.querySelector('.muted');
    this.addEventListener('click', (ev) => {
      var link = ev.target.closest ? ev.target.closest('a.project-link') : null;
      if (!link || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      this.dispatchEvent(new CustomEvent('select-project', { bubbles: true, detail: link.dataset.project }));
    });
    subscribe(() => this.render());
  }

  render() {
    var rows = Array.isArray(state.mine) ? state.mine : [];
    this.rows.replaceChildren();
    rows.forEach((s) => {
      if (s && s.project) this.rows.appendChild(this.row(s));
    });
    this.empty.hidden = rows.length > 0 || state.mine === null;
  }

  row(s) {
    var tr = el('tr');
    tr.dataset.project = String(s.project);
    if (s.project === state.project) {
      tr.classList.add('current');
      tr.setAttribute('aria-current', 'true');
    }
    var project = el('td', 'project');
    var link = el('a', 'project-link', projectName(s.project));
    link.href = '/?project=' + encodeURIComponent(s.project);
    link.dataset.project = String(s.project);
    project.appendChild(link);
    if (projectName(s.project) !== s.project) {
      project.appendChild(document.createTextNode(' '));
      project.appendChild(el('span', 'project-link-key', s.project));
    }
    tr.appendChild(project);
    var online = !!s.online;
    var status = el('td', 'state ' + (online ? 'state-online' : 'state-offline'));
    status.appendChild(el('span', 'lozenge' + (online ? ' lozenge-online' : ''), online ? 'Online' : 'Offline'));
    if (hasTime(s.until)) appendUntil(status, s.until, 'Until ');
    tr.appendChild(status);
    return tr;
  }
}

customElements.define('my-status', MyStatus);
