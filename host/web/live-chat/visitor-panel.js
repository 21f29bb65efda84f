// Where the open conversation's visitor is and has been (LC-21), beside the conversation:
// the current page, where the visit came from, the visitor's language and local time, and
// the pages seen in this visit. Addresses come from the visitor's browser: they are shown as
// text and linked without a referrer or any rights.

import { $, el } from '../core/dom.js';
import { api, conversationPath } from '../core/api.js';
import { formatTime } from '../core/format.js';

function link(url, text) {
  var a = el('a', 'visitor-link', text || url);
  a.href = url;
  a.target = '_blank';
  a.rel = 'noopener noreferrer nofollow';
  a.title = url;
  return a;
}

function localTime(zone) {
  if (!zone) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(new Date()) + ' (' + zone + ')';
  } catch (e) {
    return zone;
  }
}

// Shows `context` (a visitor-context) in the panel.
export function showVisitor(context) {
  var current = context.pages[context.pages.length - 1];
  var panel = $('visitor');
  panel.hidden = false;
  $('visitor-page').replaceChildren(current ? link(current.url, current.title) : el('span', 'muted', 'Not reported yet'));
  $('visitor-referrer').replaceChildren(context.referrer ? link(context.referrer) : el('span', 'muted', '—'));
  var about = [context.language, localTime(context.time_zone)].filter(Boolean).join(' · ');
  $('visitor-about').textContent = about || '—';
  var list = $('visitor-pages');
  list.replaceChildren();
  context.pages.slice().reverse().forEach(function (page) {
    var item = el('li');
    item.append(el('time', 'muted', formatTime(page.at)), document.createTextNode(' '), link(page.url, page.title));
    list.append(item);
  });
}

// Reads the context of conversation `id`, unless another conversation is open by then.
export function loadVisitor(id, stillOpen) {
  $('visitor').hidden = true;
  return api('GET', conversationPath(id) + '/visitor-context').then(function (context) {
    if (stillOpen(id)) showVisitor(context);
  }, function () {});
}
