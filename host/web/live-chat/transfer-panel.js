// Transfer (LC-13): hand the open conversation to a named colleague, who accepts it, or to
// another project's queue, with a note only agents see; offers made to this agent show at
// the top of the inbox with Accept and Decline.

import { $, el } from '../core/dom.js';
import { api, conversationPath, projectPath } from '../core/api.js';

// Fills the "To" menu: the project's agents online but the caller, then the other projects.
export function fillTransferTargets(conv, me, projects) {
  var select = $('transfer-to');
  select.replaceChildren();
  var agents = el('optgroup');
  agents.label = 'A colleague online (who accepts)';
  var queues = el('optgroup');
  queues.label = "Another project's queue";
  projects.filter(function (p) { return p.key !== conv.project; }).forEach(function (p) {
    var option = el('option', '', p.name + ' (' + p.key + ')');
    option.value = 'project:' + p.key;
    queues.append(option);
  });
  select.append(agents, queues);
  return api('GET', projectPath(conv.project) + '/presence/online-agents?limit=200').then(function (page) {
    page.agents.filter(function (a) { return a.user !== me; }).forEach(function (a) {
      var option = el('option', '', a.display_name);
      option.value = 'agent:' + a.user;
      agents.append(option);
    });
  }, function () {});
}

// Sends the transfer the form describes for conversation `id`.
export function sendTransfer(id) {
  var chosen = $('transfer-to').value;
  var split = chosen.indexOf(':');
  var kind = chosen.slice(0, split);
  var target = chosen.slice(split + 1);
  var to = kind === 'agent' ? { agent: target } : { project: target };
  var note = $('transfer-note').value.trim();
  return api('POST', conversationPath(id) + '/transfer', { to: to, note: note || null });
}

// Shows the offers made to this agent; `opened(id)` opens an accepted conversation.
export function showOffers(offers, opened, failed) {
  var list = $('offers');
  list.replaceChildren();
  list.hidden = !offers.length;
  offers.forEach(function (offer) {
    var item = el('li', 'offer');
    item.setAttribute('data-conversation', offer.conversation);
    var text = offer.by.display_name + ' offers you the chat with ' + offer.customer + ' (' + offer.from_project + ')';
    item.append(el('span', 'offer-text', offer.note ? text + ': “' + offer.note + '”' : text));
    var accept = el('button', 'btn btn-primary', 'Accept');
    accept.type = 'button';
    var decline = el('button', 'btn btn-default', 'Decline');
    decline.type = 'button';
    var answer = function (yes) {
      api('POST', conversationPath(offer.conversation) + '/transfer/answer', { accept: yes }).then(function (conv) {
        item.remove();
        list.hidden = !list.children.length;
        if (yes) opened(conv.id);
      }, failed);
    };
    accept.addEventListener('click', function () { answer(true); });
    decline.addEventListener('click', function () { answer(false); });
    item.append(accept, decline);
    list.append(item);
  });
}

// Reads the offers made to this agent.
export function loadOffers(opened, failed) {
  return api('GET', '/api/v1/chat/transfers').then(function (offers) { showOffers(offers, opened, failed); }, function () {});
}
