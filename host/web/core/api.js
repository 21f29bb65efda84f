// API access: the JSON fetch wrapper, ApiError with the server's stable code, and the
// redirect to /login on HTTP 401.

export function ApiError(status, code, message, requestId) {
  this.name = 'ApiError';
  this.status = status;
  this.code = code;
  this.message = message;
  this.requestId = requestId || null;
}
ApiError.prototype = Object.create(Error.prototype);
ApiError.prototype.constructor = ApiError;

var redirecting = false;
export function redirectToLogin() {
  if (redirecting) return;
  redirecting = true;
  var next = window.location.pathname + window.location.search;
  window.location.assign('/login?next=' + encodeURIComponent(next));
}

export function api(method, path, body) {
  var opts = {
    method: method,
    credentials: 'same-origin',
    // Says the request comes from this site's own pages: the server refuses cookie-only
    // writes without it, which no page of another origin can add.
    headers: { 'Accept': 'application/json', 'X-Requested-With': 'helpdesk' }
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

export function projectPath(key) {
  return '/api/v1/projects/' + encodeURIComponent(key);
}

// A live chat conversation's path in the API.
export function conversationPath(id) {
  return '/api/v1/chat/conversations/' + encodeURIComponent(id);
}
