// The customer portal page (LC-1): the project's help page with the chat widget in the
// corner, as customers see it. `?project=KEY` picks the project.

import { mountChatWidget } from './chat-widget.js';

var params = new URLSearchParams(window.location.search);
var project = (params.get('project') || 'SUP').toUpperCase();
document.getElementById('portal-project').textContent = project;
document.title = 'Help · ' + project;
mountChatWidget(window.location.origin, project).then(function (mounted) {
  document.body.setAttribute('data-ready', mounted === null ? 'no-chat' : '1');
  if (mounted === null) document.getElementById('portal-no-chat').hidden = false;
});
