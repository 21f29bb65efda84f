// Private notes in the inbox (LC-18): shown among the messages, marked as notes, in time
// order; written from the composer in "Note" mode, where `@user` pulls a colleague in. The
// customer never receives them: they come from the conversation's notes, not its messages.

import { $, el } from '../core/dom.js';
import { api, conversationPath } from '../core/api.js';
import { formatTime } from '../core/format.js';

function notesPath(id) {
  return conversationPath(id) + '/notes';
}

// Shows `note` in the conversation's log, once, before the first line written after it.
export function addNote(note) {
  var list = $('messages');
  if (list.querySelector('[data-note="' + note.seq + '"]')) return;
  var line = el('li', 'message note');
  line.setAttribute('data-note', String(note.seq));
  line.setAttribute('data-at', String(note.at));
  var who = note.author.display_name + ' · note for agents · ' + formatTime(note.at);
  line.append(el('span', 'who', who), document.createTextNode(note.body));
  if (note.mentions.length) {
    line.append(el('span', 'mentions', 'Pulled in: ' + note.mentions.map(function (m) { return m.display_name; }).join(', ')));
  }
  var later = Array.prototype.find.call(list.children, function (other) {
    return Number(other.getAttribute('data-at')) > note.at;
  });
  list.insertBefore(line, later || null);
  list.scrollTop = list.scrollHeight;
}

// Reads conversation `id`'s notes, unless another conversation is open by then.
export function loadNotes(id, stillOpen) {
  return api('GET', notesPath(id)).then(function (notes) {
    if (stillOpen(id)) notes.forEach(addNote);
  }, function () {});
}

// Adds a note with the client id `clientId`.
export function sendNote(id, clientId, body) {
  return api('POST', notesPath(id), { client_id: clientId, body: body }).then(function (note) {
    addNote(note);
    return note;
  });
}
