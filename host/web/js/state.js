// Shared page state and read-only helpers over it: project lookup, the
// presence of the current project, and the viewer's own presence.

export var state = {
  me: null,            // GET /api/v1/me
  projects: [],        // me.projects
  project: null,       // current project key
  presence: null,      // GET /projects/{key}/presence for state.project
  presenceFor: null,   // project key the presence above belongs to
  access: 'unknown',   // 'ok' | 'denied' | 'unknown'
  mine: null,          // GET /presence/me
  history: null,       // presence changes shown for historyFor, newest first
  historyFor: null,    // project key the history above belongs to
  historyCursor: null, // `before` cursor of the next older page; null at the end
  historyAccess: 'unknown', // 'ok' | 'denied' | 'unknown'
  historyError: null,  // inline error text of the "Presence history" card
  historyWanted: 0,    // how many changes a reload asks for (grows with "Show older")
  stream: null,
  streamRetry: null,
  streamDelay: 2000,
  expiryTimer: null,
  timeFormat: null,
  busy: false,
  ready: false
};

export function hasTime(v) {
  return typeof v === 'number' && isFinite(v);
}

export function projectByKey(key) {
  for (var i = 0; i < state.projects.length; i++) {
    if (state.projects[i].key === key) return state.projects[i];
  }
  return null;
}

export function projectName(key) {
  var p = projectByKey(key);
  return (p && p.name) || key;
}

export function currentPresence() {
  return state.presenceFor === state.project ? state.presence : null;
}

export function viewerInfo(p) {
  var v = (p && p.viewer) || {};
  return {
    isAgent: v.is_agent !== false,
    online: !!v.online,
    until: hasTime(v.until) ? v.until : null
  };
}

export function onlineCount(p) {
  if (!p) return 0;
  if (typeof p.online_count === 'number') return p.online_count;
  return Array.isArray(p.online_agents) ? p.online_agents.length : 0;
}
