// The login page (login.html): its one entry module. After logging in it follows `next`,
// but only to a path on this site.

import { THEME_KEY, applyTheme } from '../core/theme.js';

// The browser itself resolves `next`, so tricks such as "//host", "/\\host" or "/\t/host"
// (tabs and newlines are dropped from URLs) cannot lead elsewhere: whatever does not resolve
// to this origin goes to "/".
function nextTarget() {
  var next = new URLSearchParams(window.location.search).get('next');
  if (typeof next !== 'string' || next.charAt(0) !== '/') return '/';
  try {
    var target = new URL(next, window.location.origin);
    if (target.origin !== window.location.origin) return '/';
    return target.pathname + target.search + target.hash;
  } catch (e) {
    return '/';
  }
}

function showError(message) {
  var box = document.getElementById('login-error');
  box.textContent = message;
  box.hidden = !message;
}

function init() {
  applyTheme();
  window.addEventListener('storage', function (ev) {
    if (ev.key === THEME_KEY) applyTheme();
  });

  var form = document.getElementById('login-form');
  var userInput = document.getElementById('login-user');
  var passwordInput = document.getElementById('login-password');
  var submit = document.getElementById('login-submit');
  var busy = false;

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (busy) return;
    var user = userInput.value.trim();
    var password = passwordInput.value;
    if (!user || !password) {
      showError('Enter your username and password.');
      (user ? passwordInput : userInput).focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    showError('');
    fetch('/api/v1/auth/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-Requested-With': 'helpdesk' },
      body: JSON.stringify({ user: user, password: password })
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (res.ok) {
          window.location.assign(nextTarget());
          return;
        }
        var err = data && data.error ? data.error : {};
        throw new Error(err.message ||
          (res.status === 401 ? 'Incorrect username or password.' : 'Login failed (HTTP ' + res.status + ').'));
      });
    }).catch(function (e) {
      showError(e && e.message && !(e instanceof TypeError)
        ? e.message
        : 'Cannot reach the server. Check your connection and try again.');
      busy = false;
      submit.disabled = false;
      form.removeAttribute('aria-busy');
      passwordInput.select();
      passwordInput.focus();
    });
  });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
