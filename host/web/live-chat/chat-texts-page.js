// Translate and customize the chat (LC-7), for site admins: the widget's site-wide welcome
// text per language; a language the product ships can go back to its built-in text.

import { $, el } from '../core/dom.js';
import { api } from '../core/api.js';
import { showBanner, clearBanner, errorText, showNotAllowed } from '../core/banner.js';

// A language's name in the admin's own language, with its code: "German (de)".
var names = null;
try { names = new Intl.DisplayNames(undefined, { type: 'language' }); } catch (e) { names = null; }
function languageName(code) {
  var name = null;
  try { name = names ? names.of(code) : null; } catch (e) { name = null; }
  return name && name !== code ? name + ' (' + code + ')' : code;
}

function save(language, text) {
  $('texts-error').hidden = true;
  return api('PUT', '/api/v1/chat/welcome-texts/' + encodeURIComponent(language), { text: text })
    .then(render, function (e) {
      $('texts-error').textContent = errorText(e);
      $('texts-error').hidden = false;
    });
}

function render(texts) {
  var body = $('texts');
  body.textContent = '';
  texts.forEach(function (entry) {
    var row = el('tr');
    row.setAttribute('data-language', entry.language);
    row.append(el('th', '', languageName(entry.language)));
    var cell = el('td');
    var input = el('textarea');
    input.rows = 2;
    input.maxLength = 500;
    input.value = entry.text;
    input.setAttribute('aria-label', 'Welcome message in ' + languageName(entry.language));
    cell.append(input);
    row.append(cell);
    var actions = el('td', 'text-actions');
    var saveButton = el('button', 'btn btn-primary', 'Save');
    saveButton.type = 'button';
    saveButton.addEventListener('click', function () { save(entry.language, input.value); });
    actions.append(saveButton);
    if (entry.customized) {
      var reset = el('button', 'btn btn-default', 'Reset');
      reset.type = 'button';
      reset.title = 'Go back to the text the product ships';
      reset.addEventListener('click', function () { save(entry.language, null); });
      actions.append(reset);
    }
    row.append(actions);
    body.append(row);
  });
  document.body.setAttribute('data-ready', '1');
}

$('banner-close').addEventListener('click', function () { clearBanner('texts'); });
$('add-language').addEventListener('submit', function (ev) {
  ev.preventDefault();
  var language = $('new-language').value.trim().toLowerCase();
  save(language, 'Welcome!').then(function () { $('new-language').value = ''; });
});
Promise.all([api('GET', '/api/v1/me'), api('GET', '/api/v1/chat/welcome-texts')]).then(function (answers) {
  $('user-name').textContent = answers[0].user.display_name;
  render(answers[1]);
}, function (e) {
  if (showNotAllowed(e, 'site administrators')) return;
  showBanner(errorText(e), 'texts');
  document.body.setAttribute('data-ready', 'error');
});
