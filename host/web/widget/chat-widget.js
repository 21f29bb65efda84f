// The embeddable chat widget (LC-1 … LC-4, LC-7 … LC-9): a launcher and a chat panel that
// talk to the helpdesk host the script was loaded from.
//
// On another site it is one tag:
//   <script type="module" src="https://helpdesk.example/assets/widget/chat-widget.js?project=SUP"></script>
// It defines no global name and registers no custom element: everything lives in a
// shadow root on one <div>, with its own styles, so the page and the widget cannot restyle
// or break each other. Server text is only ever set with textContent.
//
// A visitor is known by a random token kept in this browser's localStorage, so a reload
// continues the same conversation; it is sent as X-Visitor-Token and never as a cookie.

import { events } from './contract.js';
import { closedNote, whenHoursChange } from './closed-notice.js';

var STYLE = [
  ':host { all: initial; }',
  // The page's own styles reach the host element (they win over :host), and inherited
  // properties would flow into the widget from there: the root starts afresh.
  '.root { all: initial; display: block; position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: #172b4d; letter-spacing: normal; word-spacing: normal; text-transform: none; text-align: left; text-indent: 0; white-space: normal; direction: ltr; }',
  'button, input, textarea { letter-spacing: inherit; word-spacing: inherit; text-transform: none; }',
  '.launcher { width: 56px; height: 56px; border-radius: 50%; border: 0; background: #0052cc; color: #fff; cursor: pointer; box-shadow: 0 4px 12px rgba(9,30,66,.3); position: relative; display: grid; place-items: center; }',
  '.launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 2px solid #4c9aff; outline-offset: 2px; }',
  '.badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; padding: 0 5px; box-sizing: border-box; border-radius: 10px; background: #de350b; color: #fff; font-size: 12px; font-weight: 600; display: grid; place-items: center; }',
  '.bubble { position: absolute; right: 0; bottom: 68px; width: 240px; padding: 10px 12px; background: #fff; border-radius: 12px; box-shadow: 0 4px 12px rgba(9,30,66,.25); white-space: pre-wrap; cursor: pointer; }',
  '.panel { position: absolute; right: 0; bottom: 68px; width: 340px; max-width: calc(100vw - 40px); height: 480px; max-height: calc(100vh - 110px); background: #fff; border-radius: 12px; box-shadow: 0 8px 24px rgba(9,30,66,.3); display: flex; flex-direction: column; overflow: hidden; }',
  '.head { background: #0052cc; color: #fff; padding: 12px 14px; }',
  '.title { font-weight: 600; font-size: 15px; margin: 0; display: flex; align-items: center; gap: 8px; }',
  '.dot { width: 8px; height: 8px; border-radius: 50%; background: #97a0af; display: inline-block; }',
  '.dot.on { background: #57d9a3; }',
  '.welcome { margin: 4px 0 0; opacity: .95; white-space: pre-wrap; }',
  '.head-row { display: flex; justify-content: space-between; align-items: flex-start; gap: 8px; }',
  '.end { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 4px; padding: 2px 8px; cursor: pointer; font: inherit; font-size: 12px; }',
  '.log { flex: 1; overflow-y: auto; padding: 12px; display: flex; flex-direction: column; gap: 6px; background: #f4f5f7; }',
  '.msg { max-width: 80%; padding: 7px 10px; border-radius: 10px; white-space: pre-wrap; overflow-wrap: anywhere; }',
  '.msg.customer { align-self: flex-end; background: #0052cc; color: #fff; }',
  '.msg.agent { align-self: flex-start; background: #fff; border: 1px solid #dfe1e6; }',
  '.msg.system { align-self: center; background: transparent; color: #6b778c; font-size: 12px; }',
  '.who { display: block; font-size: 11px; color: #6b778c; margin-bottom: 2px; }',
  '.time { display: block; font-size: 10px; opacity: .75; margin-top: 2px; text-align: right; }',
  '.note { padding: 8px 12px; background: #fffae6; color: #172b4d; font-size: 13px; margin: 0; }',
  '.typing { min-height: 18px; padding: 0 12px; font-size: 12px; color: #6b778c; }',
  '.compose { display: flex; gap: 6px; padding: 8px; border-top: 1px solid #dfe1e6; }',
  'textarea { flex: 1; resize: none; height: 40px; font: inherit; padding: 8px; border: 1px solid #c1c7d0; border-radius: 6px; box-sizing: border-box; }',
  '.send { background: #0052cc; color: #fff; border: 0; border-radius: 6px; padding: 0 14px; cursor: pointer; font: inherit; font-weight: 600; }',
  '.send:disabled { background: #a5adba; cursor: default; }',
  '.error { color: #bf2600; font-size: 12px; padding: 0 12px 6px; margin: 0; }',
  '.email-row { padding: 6px 8px 0; }',
  '.account { padding: 8px 12px; display: grid; gap: 8px; }',
  '.account .note { margin: 0 -12px; }',
  '.account-form { display: grid; gap: 6px; }',
  '.account-form input { font: inherit; padding: 6px 8px; border: 1px solid #c1c7d0; border-radius: 6px; }',
  '.account-form .send { height: 32px; }',
  '.form-title { font-size: 12px; font-weight: 600; color: #42526e; }',
  '.whoami { margin: 0; padding: 4px 12px; font-size: 12px; color: #6b778c; }',
  '.link { background: none; border: 0; padding: 0; color: #0052cc; cursor: pointer; font: inherit; text-decoration: underline; }',
  '.email-row input { width: 100%; box-sizing: border-box; font: inherit; padding: 6px 8px; border: 1px solid #c1c7d0; border-radius: 6px; }',
  '.tools { padding: 2px 12px 4px; font-size: 12px; color: #6b778c; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }',
  '.transcript-form { display: flex; gap: 6px; width: 100%; }',
  '.transcript-form input { flex: 1; font: inherit; padding: 4px 6px; border: 1px solid #c1c7d0; border-radius: 6px; }',
  '.transcript-form .send { padding: 0 10px; }',
  '[hidden] { display: none !important; }'
].join('\n');

function randomId(bytes) {
  var raw = new Uint8Array(bytes);
  crypto.getRandomValues(raw);
  return Array.prototype.map.call(raw, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
}

function node(tag, className, text) {
  var n = document.createElement(tag);
  if (className) n.className = className;
  if (text !== undefined && text !== null) n.textContent = String(text);
  return n;
}

// The visitor's token. A browser that chatted as a user the site vouched for, and whose
// page now names nobody (the user logged out of the site), starts afresh, so the next
// person at that browser does not see that user's conversations.
function visitorToken(base, siteUser) {
  var key = 'helpdesk-chat-visitor:' + base;
  var identifiedKey = 'helpdesk-chat-identified:' + base;
  try {
    var token = window.localStorage.getItem(key);
    var identified = window.localStorage.getItem(identifiedKey);
    if (siteUser) {
      window.localStorage.setItem(identifiedKey, '1');
    } else if (identified) {
      window.localStorage.removeItem(identifiedKey);
      token = null;
    }
    if (token && /^[A-Za-z0-9_-]{20,100}$/.test(token)) return token;
    token = randomId(24);
    window.localStorage.setItem(key, token);
    return token;
  } catch (e) {
    return randomId(24); // storage blocked: this page view only
  }
}

// Mounts the widget for `project`, talking to the host at `base` (an origin). `siteUser`
// is the user the page's site vouches for ({ token }: a JWT its server signed), if any.
export function mountChatWidget(base, project, siteUser) {
  var token = visitorToken(base, siteUser);
  // A customer who logged in or registered through the widget: their bearer token, kept
  // like the visitor token (a cookie would not cross to another site's page).
  var sessionKey = 'helpdesk-chat-session:' + base;
  var session = null;
  try { session = window.localStorage.getItem(sessionKey); } catch (e) { session = null; }
  var state = { view: null, conversation: null, lastSeq: 0, open: false, stream: null, typingSent: 0, typingTimer: null };

  function setSession(value) {
    session = value;
    try {
      if (value) window.localStorage.setItem(sessionKey, value); else window.localStorage.removeItem(sessionKey);
    } catch (e) { /* storage blocked: this page view only */ }
  }

  function call(method, path, body) {
    var opts = { method: method, headers: { 'Accept': 'application/json', 'X-Visitor-Token': token } };
    if (session) opts.headers['Authorization'] = 'Bearer ' + session;
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(base + '/api/v1' + path, opts).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (res.ok) return data;
        if (res.status === 401 && session) {
          // The session ended (logged out elsewhere, expired): go on as a visitor.
          setSession(null);
          reload();
        }
        var err = (data && data.error) || {};
        var error = new Error(inWords(err.code, err.message, res.headers.get('Retry-After'), path));
        error.code = err.code || 'http-' + res.status;
        throw error;
      });
    }, function () {
      var offline = new Error('Cannot reach the chat. Check your connection and try again.');
      offline.code = 'network';
      throw offline;
    });
  }

  // What went wrong, as a customer reads it: no codes, no field names.
  function inWords(code, message, retryAfter, path) {
    var text = String(message || '');
    switch (code) {
      case 'rate_limited':
        return 'Please slow down a little' + (retryAfter ? ': try again in ' + retryAfter + ' seconds.' : ', then try again.');
      case 'overloaded':
      case 'timeout':
      case 'unavailable':
      case 'plugin_timeout':
        return 'The chat is busy right now. Please try again in a moment.';
      case 'bad_credentials':
        return 'Wrong user name or password.';
      case 'unauthenticated':
        return 'Please log in again.';
      case 'not_found':
        return /conversation/.test(path) ? 'This conversation is no longer available.' : 'The chat is not available here.';
      case 'access_denied':
        if (/log in|register/.test(text)) return 'Please log in or register to chat with us.';
        return 'The chat is not available on this page.';
      case 'invalid':
      case 'conflict':
      case 'limit_exceeded':
        // The server says which field and why: keep the why, in a sentence.
        text = text.replace(/^[a-z_]+: /, '');
        return text.charAt(0).toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
      default:
        return 'Something went wrong. Please try again.';
    }
  }

  // A message's time as the customer's clock shows it.
  function timeOf(ms) {
    try {
      return new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
    } catch (e) {
      return '';
    }
  }

  var host = document.createElement('div');
  host.setAttribute('data-helpdesk-chat', project);
  var shadow = host.attachShadow({ mode: 'open' });
  // A constructed style sheet is not inline style, so a page's Content-Security-Policy
  // (the portal's forbids inline style) lets it apply; older browsers get a <style>.
  var style = null;
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    shadow.adoptedStyleSheets = [sheet];
  } catch (e) {
    style = document.createElement('style');
    style.textContent = STYLE;
  }
  var root = node('div', 'root');
  var bubble = node('div', 'bubble');
  bubble.hidden = true;
  var panel = node('section', 'panel');
  panel.hidden = true;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', 'Chat');
  var head = node('div', 'head');
  var headRow = node('div', 'head-row');
  var title = node('p', 'title');
  var dot = node('span', 'dot');
  var titleText = node('span', '', '');
  title.append(dot, titleText);
  var endButton = node('button', 'end', 'End chat');
  endButton.type = 'button';
  endButton.hidden = true;
  headRow.append(title, endButton);
  var welcome = node('p', 'welcome');
  head.append(headRow, welcome);
  var NOBODY_ONLINE = 'No agent is online right now. Leave a message and we will answer by e-mail.';
  var offline = node('p', 'note', NOBODY_ONLINE);
  offline.hidden = true;
  // LC-4 … LC-6: log in, or register where the project allows it, when anonymous chat is
  // off (or by choice); logged in, the customer sees who they are and may log out.
  var login = node('div', 'account');
  var loginNote = node('p', 'note', 'Please log in or register to chat with us.');
  function field(type, label, autocomplete) {
    var input = document.createElement('input');
    input.type = type;
    input.setAttribute('aria-label', label);
    input.placeholder = label;
    input.autocomplete = autocomplete;
    return input;
  }
  var loginForm = node('form', 'account-form');
  var loginUser = field('text', 'User name', 'username');
  var loginPassword = field('password', 'Password', 'current-password');
  var loginButton = node('button', 'send', 'Log in');
  loginButton.type = 'submit';
  loginForm.append(node('span', 'form-title', 'Have an account?'), loginUser, loginPassword, loginButton);
  var registerForm = node('form', 'account-form');
  var registerName = field('text', 'Your name', 'name');
  var registerEmail = field('email', 'E-mail address', 'email');
  var registerPassword = field('password', 'Choose a password (8 characters or more)', 'new-password');
  var registerButton = node('button', 'send', 'Register');
  registerButton.type = 'submit';
  registerForm.append(node('span', 'form-title', 'New here?'), registerName, registerEmail, registerPassword, registerButton);
  // Registering ends with the code mailed to the address: the account is the address's.
  var registerCodeForm = node('form', 'account-form register-code');
  var registerCodeNote = node('span', 'form-title', '');
  var registerCode = field('text', 'Code from the e-mail', 'one-time-code');
  registerCode.inputMode = 'numeric';
  registerCode.maxLength = 6;
  var registerCodeButton = node('button', 'send', 'Finish registering');
  registerCodeButton.type = 'submit';
  registerCodeForm.append(registerCodeNote, registerCode, registerCodeButton);
  registerCodeForm.hidden = true;
  var pendingRegistration = null;
  var accountError = node('p', 'error');
  accountError.hidden = true;
  login.append(loginNote, loginForm, registerForm, registerCodeForm, accountError);
  login.hidden = true;
  var whoami = node('p', 'whoami');
  var whoText = node('span', '', '');
  var logoutButton = node('button', 'link', 'Log out');
  logoutButton.type = 'button';
  var whoSeparator = node('span', '', ' · ');
  whoami.append(whoText, whoSeparator, logoutButton);
  whoami.hidden = true;
  var log = node('div', 'log');
  log.setAttribute('role', 'log');
  log.setAttribute('aria-live', 'polite');
  var typing = node('div', 'typing');
  var error = node('p', 'error');
  error.hidden = true;
  var emailRow = node('div', 'email-row');
  var email = document.createElement('input');
  email.type = 'email';
  email.maxLength = 254;
  email.placeholder = 'Your e-mail address, so that we can answer';
  email.setAttribute('aria-label', 'Your e-mail address');
  emailRow.append(email);
  emailRow.hidden = true;
  // A transcript by e-mail, on the customer's request: to the address we know, or to one
  // they give when we know none.
  var tools = node('div', 'tools');
  var transcriptButton = node('button', 'link', 'E-mail me this chat');
  transcriptButton.type = 'button';
  var transcriptForm = node('form', 'transcript-form');
  var transcriptEmail = document.createElement('input');
  transcriptEmail.type = 'email';
  transcriptEmail.maxLength = 254;
  transcriptEmail.placeholder = 'Your e-mail address';
  transcriptEmail.setAttribute('aria-label', 'E-mail address for the transcript');
  var transcriptSend = node('button', 'send', 'Send');
  transcriptSend.type = 'submit';
  transcriptForm.append(transcriptEmail, transcriptSend);
  transcriptForm.hidden = true;
  // An address not yet known to be the customer's gets a code first; the transcript waits.
  var codeForm = node('form', 'transcript-form code-form');
  var codeInput = document.createElement('input');
  codeInput.inputMode = 'numeric';
  codeInput.autocomplete = 'one-time-code';
  codeInput.maxLength = 6;
  codeInput.placeholder = 'Code from the e-mail';
  codeInput.setAttribute('aria-label', 'The code we e-mailed you');
  var codeSend = node('button', 'send', 'Confirm');
  codeSend.type = 'submit';
  codeForm.append(codeInput, codeSend);
  codeForm.hidden = true;
  var transcriptNote = node('span', 'transcript-note', '');
  tools.append(transcriptButton, transcriptForm, codeForm, transcriptNote);
  tools.hidden = true;
  var compose = node('form', 'compose');
  var input = document.createElement('textarea');
  input.setAttribute('aria-label', 'Your message');
  input.placeholder = 'Type your message…';
  input.maxLength = 4000;
  var send = node('button', 'send', 'Send');
  send.type = 'submit';
  compose.append(input, send);
  panel.append(head, offline, whoami, login, log, typing, tools, error, emailRow, compose);
  var launcher = node('button', 'launcher');
  launcher.type = 'button';
  launcher.setAttribute('aria-label', 'Chat with us');
  launcher.innerHTML = '<svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true"><path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2h-6l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"/></svg>';
  var badge = node('span', 'badge');
  badge.hidden = true;
  launcher.append(badge);
  root.append(bubble, panel, launcher);
  if (style) shadow.append(style);
  shadow.append(root);

  function showError(message) {
    error.textContent = message || '';
    error.hidden = !message;
  }

  function renderView() {
    var view = state.view;
    titleText.textContent = view.project_name;
    dot.className = view.chat_online ? 'dot on' : 'dot';
    dot.title = view.chat_online ? 'An agent is online' : 'No agent is online';
    welcome.textContent = view.welcome;
    // LC-22: outside business hours the note says when the team is back.
    offline.textContent = view.closed ? closedNote(view.closed) : NOBODY_ONLINE;
    offline.classList.toggle('closed', !!view.closed);
    offline.hidden = view.chat_online;
    var canWrite = view.may_start || !!state.conversation;
    login.hidden = canWrite;
    registerForm.hidden = !view.registration || !!pendingRegistration;
    compose.hidden = !canWrite;
    // A user the site vouched for chats as themselves, and logs out on the site itself.
    var vouched = !session && !!siteUser && !!view.customer_name;
    whoami.hidden = !session && !vouched;
    whoText.textContent = session ? 'Logged in as ' + (view.customer_name || 'you')
      : vouched ? 'Chatting as ' + view.customer_name : '';
    whoSeparator.hidden = !session;
    logoutButton.hidden = !session;
    // LC-10: with nobody online a new conversation is a message we answer by e-mail.
    emailRow.hidden = view.chat_online || !view.may_start || (!!state.conversation && state.conversation.status === 'open');
    bubble.textContent = view.greeting || '';
    bubble.hidden = !view.greeting || state.open || !!state.conversation;
  }

  function renderConversation() {
    var conv = state.conversation;
    endButton.hidden = !conv || conv.status !== 'open';
    tools.hidden = !conv;
    var unread = conv && !state.open ? conv.unread_for_customer : 0;
    badge.textContent = String(unread);
    badge.hidden = !unread;
    launcher.setAttribute('aria-label', unread ? 'Chat with us (' + unread + ' unread)' : 'Chat with us');
    if (conv && conv.status === 'ended') {
      input.placeholder = 'Write to start a new conversation…';
    } else {
      input.placeholder = 'Type your message…';
    }
  }

  // Adds a message in its place by number, once: a page read and messages pushed meanwhile
  // arrive in either order.
  function addMessage(message) {
    if (log.querySelector('[data-seq="' + message.seq + '"]')) return;
    state.lastSeq = Math.max(state.lastSeq, message.seq);
    var line = node('div', 'msg ' + message.author);
    line.setAttribute('data-seq', String(message.seq));
    if (message.author === 'agent') line.append(node('span', 'who', message.author_name));
    line.append(node('span', 'body', message.body));
    var at = node('time', 'time', timeOf(message.at));
    at.dateTime = new Date(message.at).toISOString();
    line.append(at);
    var later = Array.prototype.find.call(log.children, function (other) {
      return Number(other.getAttribute('data-seq')) > message.seq;
    });
    log.insertBefore(line, later || null);
    log.scrollTop = log.scrollHeight;
  }

  // Answers and push events can arrive out of order: keep the highest revision.
  function keep(updated) {
    var conv = state.conversation;
    if (!conv || updated.id !== conv.id || updated.revision < conv.revision) return;
    state.conversation = updated;
    renderConversation();
    renderView();
  }

  function markSeen() {
    var conv = state.conversation;
    if (!state.open || !conv || !state.lastSeq || conv.seen_by_customer >= state.lastSeq) return;
    call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/seen', { seq: state.lastSeq })
      .then(keep, function () {});
  }

  // One stream: whether an agent is online (PR-2), and the conversation once there is one.
  function follow() {
    if (state.stream) state.stream.close();
    var conv = state.conversation;
    var topics = ['chat-status:' + project];
    if (conv) topics.push('conversation:' + conv.id);
    var url = base + '/api/v1/stream?' + topics.map(function (t) { return 'topic=' + encodeURIComponent(t); }).join('&') +
      '&visitor_token=' + encodeURIComponent(token) + (session ? '&access_token=' + encodeURIComponent(session) : '');
    var source = new EventSource(url);
    state.stream = source;
    source.addEventListener('ready', function () { if (conv) loadMessages(conv.id); });
    source.addEventListener(events.presence.chatStatus, function (ev) {
      var data = JSON.parse(ev.data);
      if (state.view && data.project === project) {
        // Closed by business hours, the widget stays offline whoever comes online.
        state.view.chat_online = data.online && !state.view.closed;
        renderView();
      }
    });
    source.addEventListener(events.liveChat.chatMessage, function (ev) {
      var message = JSON.parse(ev.data);
      addMessage(message);
      if (message.author === 'agent') typing.textContent = '';
      markSeen();
    });
    source.addEventListener(events.liveChat.conversationUpdated, function (ev) { keep(JSON.parse(ev.data)); });
    source.addEventListener(events.liveChat.typing, function (ev) {
      var data = JSON.parse(ev.data);
      if (data.author !== 'agent') return;
      typing.textContent = data.typing ? data.name + ' is typing…' : '';
    });
  }

  function loadMessages(id) {
    return call('GET', '/chat/conversations/' + encodeURIComponent(id) + '/messages?limit=200').then(function (page) {
      page.messages.forEach(addMessage);
      markSeen();
    });
  }

  function useConversation(conv) {
    state.conversation = conv;
    state.lastSeq = 0;
    log.textContent = '';
    renderConversation();
    renderView();
    follow();
    reportPage();
  }

  // LC-21: while a conversation is open, its agents see which page the visitor is on. Only
  // then: nothing is reported before the visitor chats.
  function reportPage() {
    var conv = state.conversation;
    if (!conv || conv.status !== 'open') return;
    var zone = null;
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { zone = null; }
    call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/visitor-context', {
      url: window.location.href,
      title: document.title || null,
      referrer: document.referrer || null,
      time_zone: zone
    }).catch(function () {});
  }
  window.addEventListener('popstate', reportPage);
  window.addEventListener('hashchange', reportPage);

  function sendTyping(on) {
    var conv = state.conversation;
    if (!conv || conv.status !== 'open') return;
    call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/typing', { typing: on }).catch(function () {});
  }

  input.addEventListener('input', function () {
    var now = Date.now();
    if (now - state.typingSent > 3000) {
      state.typingSent = now;
      sendTyping(true);
    }
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () { state.typingSent = 0; sendTyping(false); }, 4000);
  });

  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey) {
      ev.preventDefault();
      compose.requestSubmit();
    }
  });

  compose.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var body = input.value.trim();
    if (!body) return;
    send.disabled = true;
    showError('');
    var clientId = randomId(12);
    var conv = state.conversation;
    var sent;
    if (conv && conv.status === 'open') {
      sent = call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/messages', { client_id: clientId, body: body })
        .then(addMessage);
    } else {
      sent = call('POST', '/projects/' + encodeURIComponent(project) + '/chat/conversations', {
        client_id: clientId, body: body, page_url: window.location.href.slice(0, 2000),
        email: emailRow.hidden ? null : (email.value.trim() || null)
      }).then(useConversation);
    }
    sent.then(function () {
      input.value = '';
      clearTimeout(state.typingTimer);
      state.typingSent = 0;
    }, function (e) { showError(e.message); }).then(function () { send.disabled = false; input.focus(); });
  });

  function requestTranscript(address) {
    var conv = state.conversation;
    if (!conv) return;
    transcriptNote.textContent = '';
    showError('');
    call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/transcript', { email: address || null })
      .then(function (sent) {
        transcriptForm.hidden = true;
        if (sent.awaiting_code) {
          codeForm.hidden = false;
          transcriptButton.hidden = true;
          transcriptNote.textContent = 'We e-mailed a code to ' + sent.to + ': enter it to receive the transcript.';
          codeInput.focus();
        } else {
          transcriptButton.hidden = false;
          transcriptNote.textContent = 'Transcript sent to ' + sent.to + '.';
        }
      }, function (e) { showError(e.message); });
  }

  codeForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var conv = state.conversation;
    if (!conv) return;
    showError('');
    call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/transcript/confirm', { code: codeInput.value.trim() })
      .then(function (answer) {
        codeInput.value = '';
        if (answer.sent) {
          codeForm.hidden = true;
          transcriptButton.hidden = false;
          transcriptNote.textContent = 'Transcript sent to ' + answer.to + '.';
        } else if (answer.tries_left > 0) {
          transcriptNote.textContent = 'That code is not right; ' + answer.tries_left + (answer.tries_left === 1 ? ' try' : ' tries') + ' left.';
        } else {
          codeForm.hidden = true;
          transcriptButton.hidden = false;
          transcriptNote.textContent = 'Too many wrong codes. Ask for the transcript again.';
        }
      }, function (e) {
        codeForm.hidden = true;
        transcriptButton.hidden = false;
        showError(e.message);
      });
  });

  transcriptButton.addEventListener('click', function () {
    var conv = state.conversation;
    if (conv && conv.customer.email) {
      requestTranscript(null);
    } else {
      transcriptButton.hidden = true;
      transcriptForm.hidden = false;
      transcriptEmail.focus();
    }
  });

  transcriptForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    requestTranscript(transcriptEmail.value.trim());
  });

  endButton.addEventListener('click', function () {
    var conv = state.conversation;
    if (!conv) return;
    call('POST', '/chat/conversations/' + encodeURIComponent(conv.id) + '/end').then(keep, function (e) { showError(e.message); });
  });

  function toggle(open) {
    state.open = open;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    renderView();
    renderConversation();
    if (open) { input.focus(); markSeen(); }
  }
  launcher.addEventListener('click', function () { toggle(!state.open); });
  bubble.addEventListener('click', function () { toggle(true); });

  var projectPath = '/projects/' + encodeURIComponent(project) + '/chat';

  // Reads what the widget shows and the caller's open conversation (again after logging in
  // or out, as the caller is then someone else).
  function reload() {
    return call('GET', projectPath + '/widget').then(function (view) {
      state.view = view;
      whenHoursChange(view.hours_change_at, refreshView);
      state.conversation = null;
      log.textContent = '';
      state.lastSeq = 0;
      renderView();
      renderConversation();
      return call('GET', projectPath + '/conversations').then(function (mine) {
        // The open conversation; else the last one, when it ended within a day, so a
        // reload after the end still shows it (writing then starts a new one).
        var open = mine.filter(function (c) { return c.status === 'open'; })[0];
        var last = mine[0];
        var recent = last && last.ended && Date.now() - last.ended < 24 * 60 * 60 * 1000 ? last : null;
        var shown = open || recent;
        if (shown) useConversation(shown); else follow();
      });
    });
  }

  // Reads the view again when business hours begin or end (LC-22), keeping the conversation.
  function refreshView() {
    call('GET', projectPath + '/widget').then(function (view) {
      state.view = view;
      whenHoursChange(view.hours_change_at, refreshView);
      renderView();
    }, function () { whenHoursChange(Date.now() + 60 * 1000, refreshView); });
  }

  function signedIn(answer) {
    setSession(answer.token);
    accountError.hidden = true;
    loginPassword.value = '';
    registerPassword.value = '';
    return reload();
  }

  function accountFailed(e) {
    accountError.textContent = e.message;
    accountError.hidden = false;
  }

  loginForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    call('POST', projectPath + '/login', { user: loginUser.value.trim(), password: loginPassword.value })
      .then(signedIn, accountFailed);
  });
  registerForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    call('POST', projectPath + '/register', {
      display_name: registerName.value, email: registerEmail.value, password: registerPassword.value
    }).then(function (started) {
      pendingRegistration = started.registration;
      registerPassword.value = '';
      accountError.hidden = true;
      registerForm.hidden = true;
      registerCodeNote.textContent = 'We e-mailed a code to ' + started.to + '. Enter it to finish:';
      registerCodeForm.hidden = false;
      registerCode.focus();
    }, accountFailed);
  });
  registerCodeForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    call('POST', projectPath + '/register/confirm', {
      registration: pendingRegistration, code: registerCode.value.trim()
    }).then(function (answer) {
      registerCodeForm.hidden = true;
      registerCode.value = '';
      pendingRegistration = null;
      return signedIn(answer);
    }, function (e) {
      registerCode.value = '';
      accountFailed(e);
      // The last try used up, or the registration expired: start again.
      if (/register again/.test(e.message)) {
        registerCodeForm.hidden = true;
        registerForm.hidden = false;
        pendingRegistration = null;
      }
    });
  });
  logoutButton.addEventListener('click', function () {
    var ending = session;
    setSession(null);
    fetch(base + '/api/v1/auth/logout', { method: 'POST', headers: { 'Authorization': 'Bearer ' + ending } })
      .catch(function () {}).then(reload);
  });

  // Identity verification: the site's server vouched for its logged-in user with a signed
  // token; a refused one leaves an anonymous visitor (the reason goes to the console).
  var identified = siteUser && !session
    ? call('POST', projectPath + '/identify', { token: siteUser.token }).catch(function (e) {
      console.warn('Helpdesk chat: the site user was not accepted: ' + e.message);
    })
    : Promise.resolve();
  return identified.then(reload).then(function () {
    document.body.append(host);
    host.setAttribute('data-ready', '1');
  }, function (e) {
    // A page the project does not allow gets no widget; the reason goes to the console.
    console.warn('Helpdesk chat: ' + e.message);
    return null;
  });
}

// The user the page's site vouches for, from the snippet's data-user-token attribute.
function siteUserOf(scriptUrl) {
  var scripts = document.querySelectorAll('script[data-user-token]');
  for (var i = 0; i < scripts.length; i++) {
    var tag = scripts[i];
    if (tag.src !== scriptUrl) continue;
    return { token: tag.getAttribute('data-user-token') };
  }
  return null;
}

// Loaded by the one-tag snippet: mount for the project named in the script's own URL.
(function () {
  var own = new URL(import.meta.url);
  var project = own.searchParams.get('project');
  if (!project) return;
  var start = function () { mountChatWidget(own.origin, project, siteUserOf(import.meta.url)); };
  if (document.body) start(); else document.addEventListener('DOMContentLoaded', start);
})();
