// The error banner under the toolbar (#banner), tagged by source so one
// source can clear only its own message.

import { $ } from './dom.js';

var bannerSource = null;

export function showBanner(message, source) {
  bannerSource = source || 'general';
  $('banner-text').textContent = message;
  $('banner').hidden = false;
}

export function clearBanner(source) {
  if (source && bannerSource !== source) return;
  bannerSource = null;
  $('banner').hidden = true;
  $('banner-text').textContent = '';
}

export function errorText(e) {
  return (e && e.message) || 'Something went wrong.';
}

// A page the viewer may not use (its API answered 403): its content and the toolbar's links
// to other admin pages go, and a note says whose page it is. True when `e` was such a
// refusal (and was shown so); false for any other error, which the caller shows itself.
export function showNotAllowed(e, whose) {
  if (!e || e.status !== 403) return false;
  var main = document.querySelector('main');
  if (main) main.hidden = true;
  document.querySelectorAll('.toolbar-left .toolbar-link').forEach(function (link) { link.hidden = true; });
  var note = document.createElement('p');
  note.className = 'notice not-allowed';
  note.setAttribute('role', 'status');
  note.textContent = 'This page is for ' + whose + '.';
  var back = document.createElement('a');
  back.href = '/';
  back.textContent = 'Back to the start page';
  note.append(' ', back);
  (main && main.parentNode ? main.parentNode : document.body).insertBefore(note, main || null);
  document.body.setAttribute('data-ready', 'denied');
  return true;
}
