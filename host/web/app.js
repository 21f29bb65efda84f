'use strict';

/*
 * Helpdesk — agent presence page.
 *
 * Plain browser JavaScript, no build step, no dependencies. All data coming
 * from the server is written with textContent / attributes, never innerHTML.
 */
(function () {
  var THEME_KEY = 'helpdesk.toolbarTheme';
  var PROJECT_KEY = 'helpdesk.project';
  var MAX_TIMEOUT = 2147483647;

  var state = {
    me: null,            // GET /api/v1/me
    projects: [],        // me.projects
    project: null,       // current project key
    presence: null,      // GET /projects/{key}/presence for state.project
    presenceFor: null,   // project key the presence above belongs to
    access: 'unknown',   // 'ok' | 'denied' | 'unknown'
    mine: null,          // GET /presence/me
    stream: null,
    streamRetry: null,
    streamDelay: 2000,
    expiryTimer: null,
    timeFormat: null,
    busy: false,
    ready: false
  };

  function $(id) { return document.getElementById(id); }

  function storageGet(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }
  function storageSet(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* ------------------------------------------------------------------ */
  /* API                                                                 */
  /* ------------------------------------------------------------------ */

  function ApiError(status, code, message, requestId) {
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.message = message;
    this.requestId = requestId || null;
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  var redirecting = false;
  function redirectToLogin() {
    if (redirecting) return;
    redirecting = true;
    var next = window.location.pathname + window.location.search;
    window.location.assign('/login?next=' + encodeURIComponent(next));
  }

  function api(method, path, body) {
    var opts = {
      method: method,
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json' }
    };
    if (body !== undefined) {
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        if (text) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        if (res.ok) return data;
        var err = (data && data.error) || {};
        var apiErr = new ApiError(
          res.status,
          err.code || ('http-' + res.status),
          err.message || ('Request failed (HTTP ' + res.status + ').'),
          err.request_id
        );
        if (res.status === 401) redirectToLogin();
        throw apiErr;
      });
    }, function () {
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
    });
  }

  function projectPath(key) {
    return '/api/v1/projects/' + encodeURIComponent(key);
  }

  /* ------------------------------------------------------------------ */
  /* Formatting                                                          */
  /* ------------------------------------------------------------------ */

  function makeTimeFormat(timeZone) {
    var opts = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (timeZone) {
      try {
        return new Intl.DateTimeFormat('en-GB', Object.assign({ timeZone: timeZone }, opts));
      } catch (e) { /* unknown zone: fall back to the browser's */ }
    }
    return new Intl.DateTimeFormat('en-GB', opts);
  }

  function pad2(v) {
    var s = String(v);
    return s.length < 2 ? '0' + s : s;
  }

  // "HH:MM" (24 h) in the user's time zone (profile), else the browser's.
  function formatTime(ms) {
    var d = new Date(ms);
    if (isNaN(d.getTime())) return '';
    try {
      var parts = state.timeFormat.formatToParts(d);
      var h = '', m = '';
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].type === 'hour') h = parts[i].value;
        if (parts[i].type === 'minute') m = parts[i].value;
      }
      if (h === '24') h = '00';
      if (h && m) return pad2(h) + ':' + pad2(m);
    } catch (e) { /* fall through */ }
    return pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  function formatFull(ms) {
    var d = new Date(ms);
    if (isNaN(d.getTime())) return '';
    var opts = { dateStyle: 'medium', timeStyle: 'short' };
    var tz = state.me && state.me.user && state.me.user.time_zone;
    try {
      return new Intl.DateTimeFormat(undefined, tz ? Object.assign({ timeZone: tz }, opts) : opts).format(d);
    } catch (e) {
      return d.toLocaleString();
    }
  }

  function hasTime(v) {
    return typeof v === 'number' && isFinite(v);
  }

  function untilText(until) {
    return 'until ' + formatTime(until);
  }

  function projectByKey(key) {
    for (var i = 0; i < state.projects.length; i++) {
      if (state.projects[i].key === key) return state.projects[i];
    }
    return null;
  }

  function projectName(key) {
    var p = projectByKey(key);
    return (p && p.name) || key;
  }

  /* ------------------------------------------------------------------ */
  /* Theme                                                               */
  /* ------------------------------------------------------------------ */

  function applyTheme() {
    var light = storageGet(THEME_KEY) === 'light';
    document.body.classList.toggle('toolbar-light', light);
    var btn = $('theme-toggle');
    if (btn) {
      var label = light ? 'Switch to dark toolbar' : 'Switch to light toolbar';
      btn.setAttribute('aria-label', label);
      btn.title = label;
    }
  }

  function toggleTheme() {
    var light = !document.body.classList.contains('toolbar-light');
    storageSet(THEME_KEY, light ? 'light' : 'dark');
    applyTheme();
  }

  /* ------------------------------------------------------------------ */
  /* Banner                                                              */
  /* ------------------------------------------------------------------ */

  var bannerSource = null;

  function showBanner(message, source) {
    bannerSource = source || 'general';
    $('banner-text').textContent = message;
    $('banner').hidden = false;
  }

  function clearBanner(source) {
    if (source && bannerSource !== source) return;
    bannerSource = null;
    $('banner').hidden = true;
    $('banner-text').textContent = '';
  }

  function errorText(e) {
    return (e && e.message) || 'Something went wrong.';
  }

  /* ------------------------------------------------------------------ */
  /* Loading                                                             */
  /* ------------------------------------------------------------------ */

  function settle(promise) {
    return promise.then(
      function (value) { return { ok: true, value: value }; },
      function (error) { return { ok: false, error: error }; }
    );
  }

  function loadAndRender() {
    var project = state.project;
    if (!project) {
      renderAll();
      return Promise.resolve();
    }
    return Promise.all([
      settle(api('GET', projectPath(project) + '/presence')),
      settle(api('GET', '/api/v1/presence/me'))
    ]).then(function (results) {
      if (project !== state.project) return; // switched meanwhile; the loop reloads
      var pres = results[0];
      var mine = results[1];
      var problems = [];

      if (pres.ok) {
        state.presence = pres.value || null;
        state.presenceFor = project;
        state.access = 'ok';
      } else if (pres.error.status === 403) {
        state.presence = null;
        state.presenceFor = project;
        state.access = 'denied';
      } else if (pres.error.status !== 401) {
        if (state.presenceFor !== project) {
          state.presence = null;
          state.presenceFor = project;
          state.access = 'unknown';
        }
        problems.push('Could not load presence for ' + projectName(project) + ': ' + errorText(pres.error));
      }

      if (mine.ok) {
        state.mine = Array.isArray(mine.value) ? mine.value : [];
      } else if (mine.error.status !== 401) {
        problems.push('Could not load your status: ' + errorText(mine.error));
      }

      if (problems.length) showBanner(problems.join(' '), 'load');
      else clearBanner('load');

      renderAll();
    });
  }

  // Coalescing refresh: at most one load in flight; requests made meanwhile
  // cause exactly one more load once it finishes.
  var refreshing = null;
  var refreshAgain = false;

  function refresh() {
    if (refreshing) {
      refreshAgain = true;
      return refreshing;
    }
    refreshing = new Promise(function (resolve) {
      function run() {
        refreshAgain = false;
        var step;
        try { step = loadAndRender(); } catch (e) { step = Promise.reject(e); }
        step.then(null, function (e) {
          if (!(e instanceof ApiError && e.status === 401)) showBanner(errorText(e), 'load');
        }).then(function () {
          // Check and clear in the same callback so no request is lost.
          if (refreshAgain) {
            run();
            return;
          }
          refreshing = null;
          resolve();
        });
      }
      run();
    });
    return refreshing;
  }

  /* ------------------------------------------------------------------ */
  /* Rendering                                                           */
  /* ------------------------------------------------------------------ */

  function currentPresence() {
    return state.presenceFor === state.project ? state.presence : null;
  }

  function viewerInfo(p) {
    var v = (p && p.viewer) || {};
    return {
      isAgent: v.is_agent !== false,
      online: !!v.online,
      until: hasTime(v.until) ? v.until : null
    };
  }

  function onlineCount(p) {
    if (!p) return 0;
    if (typeof p.online_count === 'number') return p.online_count;
    return Array.isArray(p.online_agents) ? p.online_agents.length : 0;
  }

  function renderAll() {
    renderHeader();
    renderDialog();
    renderMain();
    scheduleExpiryRefresh();
  }

  function renderHeader() {
    var indicator = $('presence-indicator');
    var note = $('not-agent-note');
    var countEl = $('online-count');
    var own = $('own-status');
    var p = currentPresence();

    if (state.access === 'denied') {
      indicator.hidden = true;
      note.hidden = false;
      if ($('presence-dialog').open) $('presence-dialog').close();
      return;
    }
    note.hidden = true;

    if (!p) {
      indicator.hidden = true;
      return;
    }

    var count = onlineCount(p);
    var viewer = viewerInfo(p);

    countEl.textContent = String(count);
    countEl.dataset.onlineCount = String(count);
    countEl.classList.toggle('count-zero', count === 0);
    countEl.classList.toggle('count-nonzero', count !== 0);

    var ownOnline = viewer.isAgent && viewer.online;
    own.classList.toggle('status-online', ownOnline);
    own.classList.toggle('status-offline', !ownOnline);

    var label = count + (count === 1 ? ' agent' : ' agents') + ' online';
    if (viewer.isAgent) {
      label += ' \u2014 you are ' + (ownOnline ? 'online' : 'offline');
      if (ownOnline && viewer.until !== null) label += ' ' + untilText(viewer.until);
    }
    indicator.setAttribute('aria-label', label);
    indicator.title = label;
    indicator.hidden = false;
  }

  function renderDialog() {
    var p = currentPresence();
    var viewer = viewerInfo(p);
    var key = state.project;

    $('presence-dialog-title').textContent = key ? 'Agent presence \u00b7 ' + projectName(key) : 'Agent presence';

    // Own state line.
    var line = $('dialog-own-status');
    line.replaceChildren();
    if (p && viewer.isAgent) {
      line.appendChild(document.createTextNode('You are '));
      line.appendChild(el('strong', null, viewer.online ? 'online' : 'offline'));
      line.appendChild(document.createTextNode(' in ' + projectName(key)));
      if (viewer.online && viewer.until !== null) {
        line.appendChild(document.createTextNode(' ' + untilText(viewer.until)));
      }
      line.appendChild(document.createTextNode('.'));
      line.hidden = false;
    } else {
      line.hidden = true;
    }

    var canAct = !!p && viewer.isAgent;
    $('dialog-not-agent').hidden = !p || viewer.isAgent;
    $('all-projects-field').hidden = !canAct;
    $('duration-field').hidden = !canAct || viewer.online;
    $('go-online').hidden = !canAct || viewer.online;
    $('go-offline').hidden = !canAct || !viewer.online;

    // Agents online.
    var list = $('online-agents');
    var agents = (p && Array.isArray(p.online_agents)) ? p.online_agents : [];
    var selfId = state.me && state.me.user ? state.me.user.id : null;
    list.replaceChildren();
    agents.forEach(function (a) {
      if (!a) return;
      var name = a.display_name || a.user || '';
      var li = el('li');
      li.dataset.user = String(a.user);
      if (selfId !== null && a.user === selfId) li.classList.add('self');

      var avatar = el('span', 'avatar');
      avatar.setAttribute('aria-hidden', 'true');
      avatar.dataset.initial = name ? name.trim().charAt(0).toUpperCase() : '?';
      li.appendChild(avatar);

      var nameEl = el('span', 'agent-name', name);
      nameEl.title = name;
      li.appendChild(nameEl);

      if (hasTime(a.until)) {
        li.appendChild(document.createTextNode(' '));
        var until = el('span', 'until', untilText(a.until));
        until.title = 'Online until ' + formatFull(a.until);
        li.appendChild(until);
      }
      list.appendChild(li);
    });
    $('no-agents').hidden = agents.length > 0;

    setBusy(state.busy);
  }

  function renderMain() {
    var key = state.project;
    $('project-title').textContent = key ? projectName(key) : 'No project';
    $('project-key').textContent = key || '';
    document.title = (key ? projectName(key) + ' \u00b7 ' : '') + 'Helpdesk';

    // Chat availability for customers (PR-2 data, informational).
    var p = currentPresence();
    var chat = $('chat-status');
    if (p && typeof p.chat_online === 'boolean') {
      renderChatStatus(p.chat_online);
    } else {
      chat.hidden = true;
    }

    // My status table.
    var tbody = $('my-status').tBodies[0];
    var rows = Array.isArray(state.mine) ? state.mine : [];
    tbody.replaceChildren();
    rows.forEach(function (s) {
      if (!s || !s.project) return;
      var tr = el('tr');
      tr.dataset.project = String(s.project);
      if (s.project === key) {
        tr.classList.add('current');
        tr.setAttribute('aria-current', 'true');
      }

      var tdProject = el('td', 'project');
      var link = el('a', 'project-link', projectName(s.project));
      link.href = '/?project=' + encodeURIComponent(s.project);
      link.dataset.project = String(s.project);
      tdProject.appendChild(link);
      if (projectName(s.project) !== s.project) {
        tdProject.appendChild(document.createTextNode(' '));
        tdProject.appendChild(el('span', 'project-link-key', s.project));
      }
      tr.appendChild(tdProject);

      var online = !!s.online;
      var tdState = el('td', 'state ' + (online ? 'state-online' : 'state-offline'));
      tdState.appendChild(el('span', 'lozenge' + (online ? ' lozenge-online' : ''), online ? 'Online' : 'Offline'));
      if (hasTime(s.until)) {
        tdState.appendChild(document.createTextNode(' '));
        var until = el('span', 'until', untilText(s.until));
        until.title = 'Until ' + formatFull(s.until);
        tdState.appendChild(until);
      }
      tr.appendChild(tdState);
      tbody.appendChild(tr);
    });
    $('my-status-empty').hidden = rows.length > 0 || state.mine === null;
  }

  function renderChatStatus(online) {
    $('chat-status').hidden = false;
    $('chat-status-dot').classList.toggle('dot-on', !!online);
    $('chat-status-text').textContent = online
      ? 'Live chat is available to customers of this project.'
      : 'Live chat is unavailable: no agent is online.';
  }

  function setBusy(busy) {
    state.busy = busy;
    ['go-online', 'go-offline', 'all-projects', 'duration'].forEach(function (id) {
      $(id).disabled = busy;
    });
    var form = $('presence-form');
    if (busy) form.setAttribute('aria-busy', 'true');
    else form.removeAttribute('aria-busy');
  }

  // Durations end on the server without necessarily pushing anything:
  // reload shortly after the earliest known end time.
  function scheduleExpiryRefresh() {
    if (state.expiryTimer) {
      clearTimeout(state.expiryTimer);
      state.expiryTimer = null;
    }
    var now = Date.now();
    var next = Infinity;
    function consider(t) {
      if (hasTime(t) && t > now - 60000 && t < next) next = t;
    }
    var p = currentPresence();
    if (p) {
      if (p.viewer) consider(p.viewer.until);
      (p.online_agents || []).forEach(function (a) { if (a) consider(a.until); });
    }
    (state.mine || []).forEach(function (s) { if (s && s.online) consider(s.until); });
    if (next === Infinity) return;
    var delay = Math.min(Math.max(next - now + 1000, 1000), MAX_TIMEOUT);
    // Do not loop fast on an end time the server has not applied yet.
    if (next <= now) delay = 5000;
    state.expiryTimer = setTimeout(function () {
      state.expiryTimer = null;
      refresh();
    }, delay);
  }

  function renderProjectSelect() {
    var select = $('project-select');
    select.replaceChildren();
    state.projects.forEach(function (p) {
      var label = (p.name || p.key) + ' (' + p.key + ')';
      var opt = el('option', null, label);
      opt.value = p.key;
      select.appendChild(opt);
    });
    select.disabled = state.projects.length === 0;
    if (state.project) select.value = state.project;
  }

  function markReady() {
    if (state.ready) return;
    state.ready = true;
    document.body.dataset.ready = '1';
  }

  /* ------------------------------------------------------------------ */
  /* Project selection                                                   */
  /* ------------------------------------------------------------------ */

  function pickInitialProject() {
    var params = new URLSearchParams(window.location.search);
    var fromUrl = params.get('project');
    if (fromUrl) {
      if (projectByKey(fromUrl)) return fromUrl;
      if (projectByKey(fromUrl.toUpperCase())) return fromUrl.toUpperCase();
    }
    var stored = storageGet(PROJECT_KEY);
    if (stored && projectByKey(stored)) return stored;
    for (var i = 0; i < state.projects.length; i++) {
      var roles = state.projects[i].roles || [];
      if (roles.indexOf('agent') !== -1) return state.projects[i].key;
    }
    return state.projects.length ? state.projects[0].key : null;
  }

  function rememberProject(key) {
    storageSet(PROJECT_KEY, key);
    try {
      var url = new URL(window.location.href);
      url.searchParams.set('project', key);
      window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    } catch (e) { /* ignore */ }
  }

  function switchProject(key) {
    if (!key || key === state.project || !projectByKey(key)) return;
    state.project = key;
    state.access = 'unknown';
    rememberProject(key);
    $('project-select').value = key;
    var dialog = $('presence-dialog');
    if (dialog.open) dialog.close();
    renderAll();
    openStream();
    refresh();
  }

  /* ------------------------------------------------------------------ */
  /* Push stream                                                         */
  /* ------------------------------------------------------------------ */

  function closeStream() {
    if (state.streamRetry) {
      clearTimeout(state.streamRetry);
      state.streamRetry = null;
    }
    if (state.stream) {
      state.stream.close();
      state.stream = null;
    }
  }

  function parseData(ev) {
    try { return JSON.parse(ev.data); } catch (e) { return null; }
  }

  function openStream() {
    closeStream();
    if (!state.project || typeof window.EventSource !== 'function') return;

    var key = state.project;
    var url = '/api/v1/stream?topic=presence:' + encodeURIComponent(key) +
      '&topic=chat-status:' + encodeURIComponent(key);
    var es = new EventSource(url);
    var openedBefore = false;
    state.stream = es;

    es.addEventListener('open', function () {
      if (es !== state.stream) return;
      state.streamDelay = 2000;
      // After a reconnect, catch up on anything the replay may not cover.
      if (openedBefore) refresh();
      openedBefore = true;
    });

    es.addEventListener('error', function () {
      if (es !== state.stream) return;
      // EventSource retries by itself unless the server refused the stream.
      if (es.readyState !== EventSource.CLOSED) return;
      es.close();
      state.stream = null;
      if (state.access === 'denied') return;
      var delay = state.streamDelay;
      state.streamDelay = Math.min(state.streamDelay * 2, 60000);
      state.streamRetry = setTimeout(function () {
        state.streamRetry = null;
        if (key !== state.project || state.access === 'denied') return;
        // Detect an expired session (api() redirects on 401), then reconnect.
        api('GET', '/api/v1/me').then(function () {
          if (key === state.project && !state.stream) {
            openStream();
            refresh();
          }
        }, function (e) {
          if (e.status !== 401 && key === state.project && !state.stream) openStream();
        });
      }, delay);
    });

    es.addEventListener('presence-changed', function (ev) {
      if (es !== state.stream) return;
      var d = parseData(ev);
      if (d && d.project && d.project !== state.project) return;
      refresh();
    });

    es.addEventListener('chat-status', function (ev) {
      if (es !== state.stream) return;
      var d = parseData(ev);
      if (!d || d.project !== state.project || typeof d.online !== 'boolean') return;
      if (state.presence && state.presenceFor === state.project) state.presence.chat_online = d.online;
      renderChatStatus(d.online);
    });
  }

  /* ------------------------------------------------------------------ */
  /* Actions                                                             */
  /* ------------------------------------------------------------------ */

  function showDialogError(message, requestId) {
    var box = $('presence-error');
    box.textContent = message || '';
    box.title = requestId ? 'Request id: ' + requestId : '';
    box.hidden = !message;
  }

  function changePresence(goOnline) {
    if (state.busy || !state.project) return;
    var key = state.project;
    var body = { all_projects: $('all-projects').checked };
    if (goOnline) {
      var minutes = $('duration').value;
      body.duration_minutes = minutes ? parseInt(minutes, 10) : null;
    }
    showDialogError('');
    setBusy(true);
    api('POST', projectPath(key) + '/presence/' + (goOnline ? 'online' : 'offline'), body)
      .then(function () {
        return refresh();
      })
      .then(null, function (e) {
        if (e && e.status === 401) return;
        showDialogError(errorText(e), e && e.requestId);
      })
      .then(function () {
        setBusy(false);
        // The clicked button may have been hidden: keep focus inside the dialog.
        var dialog = $('presence-dialog');
        if (dialog.open) {
          var active = document.activeElement;
          if (!active || active === document.body || active.hidden || !dialog.contains(active)) {
            var target = !$('go-offline').hidden ? $('go-offline') : (!$('go-online').hidden ? $('go-online') : $('dialog-close'));
            target.focus();
          }
        }
      });
  }

  function openDialog() {
    var dialog = $('presence-dialog');
    $('all-projects').checked = false;
    $('duration').value = '';
    showDialogError('');
    renderDialog();
    if (!dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
    var primary = !$('go-online').hidden ? $('go-online') : (!$('go-offline').hidden ? $('go-offline') : $('dialog-close'));
    primary.focus();
    refresh();
  }

  function closeDialog() {
    var dialog = $('presence-dialog');
    if (!dialog.open) return;
    if (typeof dialog.close === 'function') dialog.close();
    else dialog.removeAttribute('open');
  }

  function logout() {
    var btn = $('logout');
    btn.disabled = true;
    closeStream();
    api('POST', '/api/v1/auth/logout').then(function () {
      window.location.assign('/login');
    }, function (e) {
      if (e.status === 401) return; // already logged out; api() redirects
      btn.disabled = false;
      showBanner('Could not log out: ' + errorText(e), 'logout');
      openStream();
    });
  }

  /* ------------------------------------------------------------------ */
  /* Wiring                                                              */
  /* ------------------------------------------------------------------ */

  function bindHandlers() {
    $('theme-toggle').addEventListener('click', toggleTheme);
    $('logout').addEventListener('click', logout);
    $('banner-close').addEventListener('click', function () { clearBanner(); });
    $('presence-indicator').addEventListener('click', openDialog);
    $('dialog-close').addEventListener('click', closeDialog);
    $('go-online').addEventListener('click', function () { changePresence(true); });
    $('go-offline').addEventListener('click', function () { changePresence(false); });
    $('presence-form').addEventListener('submit', function (ev) { ev.preventDefault(); });

    var dialog = $('presence-dialog');
    // A click on the backdrop lands on the <dialog> itself (the content is in .modal-inner).
    dialog.addEventListener('click', function (ev) {
      if (ev.target === dialog) closeDialog();
    });

    $('project-select').addEventListener('change', function (ev) {
      switchProject(ev.target.value);
    });

    $('my-status').addEventListener('click', function (ev) {
      var link = ev.target.closest ? ev.target.closest('a.project-link') : null;
      if (!link || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      switchProject(link.dataset.project);
    });

    window.addEventListener('storage', function (ev) {
      if (ev.key === THEME_KEY) applyTheme();
    });

    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && state.ready) refresh();
    });

    window.addEventListener('pageshow', function (ev) {
      if (ev.persisted && state.ready) {
        openStream();
        refresh();
      }
    });
    window.addEventListener('pagehide', function (ev) {
      if (ev.persisted) closeStream();
    });
  }

  function init() {
    applyTheme();
    bindHandlers();

    api('GET', '/api/v1/me').then(function (me) {
      state.me = me || {};
      state.projects = Array.isArray(state.me.projects) ? state.me.projects.filter(function (p) { return p && p.key; }) : [];
      var user = state.me.user || {};
      state.timeFormat = makeTimeFormat(user.time_zone);
      $('user-name').textContent = user.display_name || user.id || '';
      $('user-name').title = user.email || '';

      state.project = pickInitialProject();
      if (state.project) rememberProject(state.project);
      renderProjectSelect();
      renderAll();

      if (!state.project) {
        $('project-title').textContent = 'No project';
        showBanner('There is no project on this site yet.', 'setup');
        markReady();
        return undefined;
      }

      openStream();
      return refresh().then(markReady);
    }, function (e) {
      if (e.status === 401) return; // redirecting to /login
      state.timeFormat = makeTimeFormat(null);
      $('project-title').textContent = 'Helpdesk';
      showBanner('Could not load your profile: ' + errorText(e), 'load');
      markReady();
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
