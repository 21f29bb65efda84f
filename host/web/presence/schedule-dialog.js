// <schedule-dialog>: an agent's weekly online schedule (PR-7), opened from the presence
// dialog's "Edit my online schedule". One row per weekday with its switch times; the times
// are in the agent's own time zone from the directory, which the plugin applies (DST too).

import { api } from '../core/api.js';
import { el } from '../core/dom.js';
import { errorText } from '../core/banner.js';
import { formatFull } from '../core/format.js';
import { DAYS, dayName, timeText, minuteOf } from './weekdays.js';

class ScheduleDialog extends HTMLElement {
  connectedCallback() {
    this.dialog = this.querySelector('dialog');
    this.byId = (id) => this.querySelector('#' + id);
    this.byId('schedule-close').addEventListener('click', () => this.close());
    this.byId('schedule-cancel').addEventListener('click', () => this.close());
    this.byId('schedule-copy').addEventListener('click', () => this.copyMonday());
    this.byId('schedule-form').addEventListener('submit', (ev) => { ev.preventDefault(); this.save(); });
    this.dialog.addEventListener('click', (ev) => { if (ev.target === this.dialog) this.close(); });
    this.renderDays();
  }

  open() {
    this.showMessage('');
    this.byId('schedule-saved').hidden = true;
    this.setBusy(true);
    if (!this.dialog.open) this.dialog.showModal();
    api('GET', '/api/v1/presence/schedule').then((view) => {
      this.show(view);
      this.setBusy(false);
      this.byId('schedule-enabled').focus();
    }, (e) => {
      this.showMessage(errorText(e));
      this.setBusy(false);
    });
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  renderDays() {
    var days = this.byId('schedule-days');
    days.replaceChildren();
    DAYS.forEach((day) => {
      var row = el('fieldset', 'schedule-day');
      row.dataset.day = day;
      row.appendChild(el('legend', null, dayName(day)));
      var list = el('ul', 'schedule-switches');
      row.appendChild(list);
      var add = el('button', 'btn btn-default schedule-add', 'Add a time');
      add.type = 'button';
      add.setAttribute('aria-label', 'Add a time on ' + dayName(day));
      add.addEventListener('click', () => {
        var last = list.lastElementChild;
        var online = last ? !(last.querySelector('select').value === 'online') : true;
        list.appendChild(this.switchRow(day, online ? 9 * 60 : 17 * 60, online));
        list.lastElementChild.querySelector('input').focus();
      });
      row.appendChild(add);
      days.appendChild(row);
    });
  }

  switchRow(day, minute, online) {
    var item = el('li', 'schedule-switch');
    var time = el('input');
    time.type = 'time';
    time.step = 60;
    time.required = true;
    time.value = timeText(minute);
    time.setAttribute('aria-label', dayName(day) + ': time');
    var state = el('select');
    state.setAttribute('aria-label', dayName(day) + ': go online or offline');
    [['online', 'Go online'], ['offline', 'Go offline']].forEach(function (choice) {
      var option = el('option', null, choice[1]);
      option.value = choice[0];
      state.appendChild(option);
    });
    state.value = online ? 'online' : 'offline';
    var remove = el('button', 'btn btn-default', 'Remove');
    remove.type = 'button';
    remove.setAttribute('aria-label', 'Remove ' + dayName(day) + ' ' + timeText(minute));
    remove.addEventListener('click', () => item.remove());
    item.append(time, state, remove);
    return item;
  }

  show(view) {
    this.byId('schedule-enabled').checked = !!view.schedule.enabled;
    this.byId('schedule-zone').textContent = view.time_zone;
    this.querySelectorAll('.schedule-day').forEach((row) => {
      var list = row.querySelector('ul');
      list.replaceChildren();
      view.schedule.switches
        .filter((s) => s.day === row.dataset.day)
        .forEach((s) => list.appendChild(this.switchRow(s.day, s.minute, s.online)));
    });
    var next = this.byId('schedule-next');
    next.textContent = view.next_switch
      ? 'Next: ' + (view.next_switch.online ? 'online' : 'offline') + ' at ' + formatFull(view.next_switch.at) + '.'
      : (view.schedule.enabled ? 'The schedule has no times yet.' : 'The schedule is off: it switches nothing.');
  }

  // The Monday times, copied to Tuesday to Friday (the common office week).
  copyMonday() {
    var monday = this.collect().filter((s) => s.day === DAYS[0]);
    this.querySelectorAll('.schedule-day').forEach((row) => {
      var index = DAYS.indexOf(row.dataset.day);
      if (index < 1 || index > 4) return;
      var list = row.querySelector('ul');
      list.replaceChildren();
      monday.forEach((s) => list.appendChild(this.switchRow(row.dataset.day, s.minute, s.online)));
    });
  }

  collect() {
    var switches = [];
    this.querySelectorAll('.schedule-day').forEach((row) => {
      row.querySelectorAll('.schedule-switch').forEach((item) => {
        switches.push({
          day: row.dataset.day,
          minute: minuteOf(item.querySelector('input').value),
          online: item.querySelector('select').value === 'online'
        });
      });
    });
    return switches;
  }

  save() {
    var switches = this.collect();
    if (switches.some((s) => s.minute === null)) {
      this.showMessage('Give every time as hours and minutes.');
      return;
    }
    this.showMessage('');
    this.setBusy(true);
    var body = { enabled: this.byId('schedule-enabled').checked, switches: switches };
    api('PUT', '/api/v1/presence/schedule', body).then((view) => {
      this.show(view);
      this.byId('schedule-saved').hidden = false;
      this.setBusy(false);
    }, (e) => {
      this.showMessage(errorText(e));
      this.setBusy(false);
    });
  }

  showMessage(text) {
    var error = this.byId('schedule-error');
    error.textContent = text;
    error.hidden = !text;
    if (text) this.byId('schedule-saved').hidden = true;
  }

  setBusy(busy) {
    var form = this.byId('schedule-form');
    if (busy) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
    this.byId('schedule-save').disabled = busy;
  }
}

customElements.define('schedule-dialog', ScheduleDialog);
