// The mail outbox (LC-10), for site admins: what the site queued, newest first, whether it
// left or was given up, and why the last try failed. Paged with the last id seen.

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';
import { formatDateTime, formatFull } from '../core/format.js';

var PAGE = 50;
var oldest = null;

function stateCell(mail) {
  var cell = el('td', 'mail-state');
  if (mail.sent_ms !== null && mail.sent_ms !== undefined) {
    cell.classList.add('sent');
    cell.textContent = 'Sent ' + formatDateTime(mail.sent_ms);
    cell.title = formatFull(mail.sent_ms);
  } else if (mail.failed_ms !== null && mail.failed_ms !== undefined) {
    cell.classList.add('failed');
    cell.textContent = 'Failed · given up ' + formatDateTime(mail.failed_ms) + ' after ' + mail.attempts +
      (mail.attempts === 1 ? ' try' : ' tries');
    cell.title = formatFull(mail.failed_ms);
    if (mail.last_error) cell.append(el('span', 'mail-error', mail.last_error));
  } else {
    cell.classList.add('waiting');
    cell.textContent = mail.attempts ? 'Waiting · ' + mail.attempts + (mail.attempts === 1 ? ' try' : ' tries') : 'Waiting';
    if (mail.last_error) cell.append(el('span', 'mail-error', mail.last_error));
  }
  return cell;
}

function row(mail) {
  var tr = el('tr');
  tr.setAttribute('data-mail', String(mail.id));
  var queued = el('td', '', formatDateTime(mail.queued_ms));
  queued.title = formatFull(mail.queued_ms);
  tr.append(queued, el('td', 'mail-to', mail.to.join(', ')));
  var text = el('td');
  var details = el('details');
  details.append(el('summary', 'mail-subject', mail.subject), el('pre', 'mail-body', mail.body));
  text.append(details);
  tr.append(text, stateCell(mail));
  return tr;
}

function load(more) {
  clearBanner('outbox');
  var query = '?limit=' + PAGE + (more && oldest !== null ? '&before=' + oldest : '');
  return api('GET', '/api/v1/admin/outbox' + query).then(function (mail) {
    var body = $('mail');
    if (!more) body.textContent = '';
    mail.forEach(function (m) { body.append(row(m)); });
    if (mail.length) oldest = mail[mail.length - 1].id;
    $('outbox-empty').hidden = body.children.length > 0;
    $('older').hidden = mail.length < PAGE;
    document.body.setAttribute('data-ready', '1');
  }, function (e) {
    if (showNotAllowed(e, 'site administrators')) return;
    showBanner(errorText(e), 'outbox');
    document.body.setAttribute('data-ready', 'error');
  });
}

$('banner-close').addEventListener('click', function () { clearBanner('outbox'); });
$('refresh').addEventListener('click', function () { oldest = null; load(false); });
$('older').addEventListener('click', function () { load(true); });
api('GET', '/api/v1/me').then(function (me) { $('user-name').textContent = me.user.display_name; }, function () {});
load(false);
