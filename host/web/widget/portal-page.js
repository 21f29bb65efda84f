// The customer portal page (LC-1): the project's help page with the chat widget in the
// corner, as customers see it. `?project=KEY` picks the project; without it the page asks.

import { mountChatWidget } from './chat-widget.js';

var params = new URLSearchParams(window.location.search);
var project = (params.get('project') || '').toUpperCase();

// Without a project the portal cannot know whose help center this is: it lists the
// projects to a logged-in user, and asks anyone else for the link their support team gave.
function chooseProject() {
  var card = document.querySelector('.card');
  card.textContent = '';
  var title = document.createElement('h2');
  title.textContent = 'Which help center?';
  card.append(title);
  return fetch('/api/v1/projects', { headers: { 'Accept': 'application/json' } }).then(function (res) {
    return res.ok ? res.json() : [];
  }).catch(function () { return []; }).then(function (projects) {
    if (!projects.length) {
      var note = document.createElement('p');
      note.className = 'muted';
      note.textContent = 'Open the help center link your support team gave you (it names the project).';
      card.append(note);
    } else {
      var list = document.createElement('ul');
      projects.forEach(function (p) {
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = '/portal?project=' + encodeURIComponent(p.key);
        link.textContent = p.name + ' (' + p.key + ')';
        item.append(link);
        list.append(item);
      });
      card.append(list);
    }
    document.body.setAttribute('data-ready', 'choose');
  });
}

if (!project) {
  chooseProject();
} else {
  document.getElementById('portal-project').textContent = project;
  document.title = 'Help · ' + project;
  mountChatWidget(window.location.origin, project).then(function (mounted) {
    document.body.setAttribute('data-ready', mounted === null ? 'no-chat' : '1');
    if (mounted === null) document.getElementById('portal-no-chat').hidden = false;
  });
}
