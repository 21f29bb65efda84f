// A second host for the helpdesk chat plugin, in memory, written from the WIT's words
// (`wit/host.wit`, `wit/types.wit`, the world's docs in `wit/plugin.wit`) and not from the
// reference host's code: the directory and issues of a site, the plugin's ordered store,
// push, mail, wake-ups and the log, with WASI from the preview2 shim but an empty
// environment and a clock that moves only when told.
//
// A call is one transaction: the store, the events, the mail, the wake-ups and the issues a
// call changed are kept when it returns ok and dropped when it returns an error or traps.
// A read-only call (`@read`) that writes traps.

import * as shim from '@bytecodealliance/preview2-shim';

const encoder = new TextEncoder();

/** Keys compare by their UTF-8 bytes (the WIT: not JavaScript's UTF-16 order). */
export function compareKeys(a, b) {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const MAX_KEY_BYTES = 512;
const MAX_VALUE_BYTES = 1 << 20;
const MAX_NAME_BYTES = 200;
const KIB = 1024;

/** A WIT `error` as an import throws it for jco: the case and its message. */
function refuse(tag, message) {
  return { payload: { tag, val: message } };
}

/** A host failure: the call traps and is rolled back. */
class Trap extends Error {}

// The text policy of `wit/types.wit`, as its docs state it.
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const INVISIBLE = /[\u00AD\u180E\u200B\u2060-\u2064\uFEFF]/u;
const NONCHARACTER = /[\uFDD0-\uFDEF]|[\uFFFE\uFFFF]|[\u{1FFFE}\u{1FFFF}\u{2FFFE}\u{2FFFF}\u{3FFFE}\u{3FFFF}\u{4FFFE}\u{4FFFF}\u{5FFFE}\u{5FFFF}\u{6FFFE}\u{6FFFF}\u{7FFFE}\u{7FFFF}\u{8FFFE}\u{8FFFF}\u{9FFFE}\u{9FFFF}\u{AFFFE}\u{AFFFF}\u{BFFFE}\u{BFFFF}\u{CFFFE}\u{CFFFF}\u{DFFFE}\u{DFFFF}\u{EFFFE}\u{EFFFF}\u{FFFFE}\u{FFFFF}\u{10FFFE}\u{10FFFF}]/u;

export function text(value, field, maxChars, multiline) {
  const trimmed = value.trim();
  if (trimmed === '') throw refuse('invalid', `${field}: must not be empty`);
  const chars = [...trimmed].length;
  if (chars > maxChars) throw refuse('invalid', `${field}: at most ${maxChars} characters, not ${chars}`);
  for (const c of trimmed) {
    const code = c.codePointAt(0);
    const control = code < 0x20 || (code >= 0x7f && code < 0xa0);
    if (control && !(multiline && (c === '\n' || c === '\r' || c === '\t'))) {
      throw refuse('invalid', `${field}: control characters are not allowed`);
    }
  }
  if (BIDI.test(trimmed)) throw refuse('invalid', `${field}: bidirectional control characters are not allowed`);
  if (!multiline && INVISIBLE.test(trimmed)) {
    throw refuse('invalid', `${field}: invisible characters (such as a zero-width space) are not allowed`);
  }
  if (NONCHARACTER.test(trimmed)) throw refuse('invalid', `${field}: Unicode noncharacters are not allowed`);
  return trimmed;
}

export function isEmail(address) {
  const at = address.indexOf('@');
  if (at < 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const refused = (c) => /[\p{Cc}\s<>",;:\\()[\]@]/u.test(c) || BIDI.test(c) || INVISIBLE.test(c) || NONCHARACTER.test(c);
  const bytes = (s) => encoder.encode(s).length;
  const labelOk = (l) => l.length > 0 && bytes(l) <= 63 && !l.startsWith('-') && !l.endsWith('-');
  return bytes(address) <= 254 && local.length > 0 && bytes(local) <= 64 && ![...local].some(refused) &&
    !local.startsWith('.') && !local.endsWith('.') && !local.includes('..') && domain.includes('.') &&
    ![...domain].some((c) => refused(c) || c === '_') && domain.split('.').every(labelOk);
}

/**
 * The site: `snapshot` is the reference host's directory, issues and plugin store as JSON
 * (users with their roles, projects with `members_browse`, groups, companies, issues with
 * their history, and the store's keys with their bytes); `nowMs` the clock's start.
 */
export class MemoryHost {
  constructor(snapshot, nowMs) {
    this.nowMs = nowMs;
    this.users = snapshot.users.map((u) => ({ ...u.user, roles: u.roles }));
    this.projects = snapshot.projects.map((p) => ({ ...p.project, membersBrowse: p.members_browse }));
    this.groups = snapshot.groups;
    this.companies = snapshot.companies;
    this.issues = snapshot.issues.map((i) => ({ ...i.issue, history: i.history }));
    this.store = new Map(snapshot.store.map(([key, value]) => [key, Uint8Array.from(value)]));
    this.wakes = new Set();
    this.events = [];
    this.mail = [];
    this.call = null;
  }

  // --- Transactions -------------------------------------------------------------------

  /** Starts a call: a read-only one refuses every write. */
  begin(writes) {
    this.call = {
      writes,
      store: new Map(this.store),
      issues: JSON.parse(JSON.stringify(this.issues)),
      users: JSON.parse(JSON.stringify(this.users)),
      events: [],
      mail: [],
      wakes: [],
    };
  }

  /** Ends the call: what it did is kept only when it returned ok. */
  end(ok) {
    const call = this.call;
    this.call = null;
    if (!ok) return [];
    this.store = call.store;
    this.issues = call.issues;
    this.users = call.users;
    this.mail.push(...call.mail);
    for (const at of call.wakes) this.wakes.add(at);
    return call.events;
  }

  current() {
    if (!this.call) throw new Trap('an import was called outside a call');
    return this.call;
  }

  write(what) {
    if (!this.current().writes) throw new Trap(`a read-only call wrote (${what})`);
    return this.call;
  }

  // --- The clock and due work ---------------------------------------------------------

  advance(ms) {
    this.nowMs += ms;
  }

  /** Takes the wake-ups that have come: whether any had. */
  takeDue() {
    let due = false;
    for (const at of [...this.wakes]) {
      if (at <= this.nowMs) {
        this.wakes.delete(at);
        due = true;
      }
    }
    return due;
  }

  nextWake() {
    return this.wakes.size ? Math.min(...this.wakes) : null;
  }

  // --- Imports ------------------------------------------------------------------------

  user(id) {
    return this.current().users.find((u) => u.id === id);
  }

  userRecord(u) {
    return {
      id: u.id, displayName: u.display_name, email: u.email, timeZone: u.time_zone,
      locale: u.locale, siteAdmin: u.site_admin, member: u.member,
    };
  }

  hasRole(user, project, role) {
    const u = this.user(user);
    return !!u && u.roles.some(([p, r]) => p === project && r === role);
  }

  byKey(list, key) {
    return [...list].sort((a, b) => compareKeys(a[key], b[key]));
  }

  checkKey(key) {
    if (key === '') throw refuse('invalid', 'key: must not be empty');
    if (key.includes('\0')) throw refuse('invalid', 'key: must not contain the NUL character');
    const bytes = encoder.encode(key).length;
    if (bytes > MAX_KEY_BYTES) throw refuse('limit-exceeded', `key: ${bytes} bytes, the limit is ${MAX_KEY_BYTES}`);
  }

  mayBrowse(user, project) {
    // The reference site's browse permission: site admins, the project's agents and admins,
    // and members when the project lets members browse.
    const p = this.projects.find((x) => x.key === project);
    if (!p) return false;
    if (user.site_admin) return true;
    if (this.hasRole(user.id, project, 'agent') || this.hasRole(user.id, project, 'project-admin')) return true;
    return user.member && p.membersBrowse;
  }

  imports() {
    const host = this;
    const named = (list, id) => list.find((x) => x.id === id);
    const sorted = (ids) => [...ids].sort(compareKeys);
    const directory = {
      getUser(id) {
        const u = host.user(id);
        return u ? host.userRecord(u) : undefined;
      },
      getUsers(ids) {
        if (ids.length > 1000) throw refuse('limit-exceeded', 'ids: at most 1000');
        return ids.map((id) => directory.getUser(id));
      },
      registerCustomer(displayName, email) {
        const call = host.write('register-customer');
        const name = text(displayName, 'display_name', 100, false);
        const address = email.trim();
        if (!isEmail(address)) throw refuse('invalid', `email: ${JSON.stringify(address)} is not an e-mail address`);
        if (directory.userByEmail(address) !== undefined) {
          throw refuse('conflict', `an account with ${address} exists: log in instead`);
        }
        const stem = [...address.split('@')[0].toLowerCase()].filter((c) => /[a-z0-9._-]/.test(c)).slice(0, 40).join('') || 'customer';
        for (let n = 1; n <= 1000; n++) {
          const id = n === 1 ? stem : `${stem}-${n}`;
          if (call.users.some((u) => u.id === id)) continue;
          const user = { id, display_name: name, email: address, time_zone: 'UTC', locale: 'en', site_admin: false, member: false, roles: [] };
          call.users.push(user);
          return host.userRecord(user);
        }
        throw refuse('conflict', 'no free id for this address');
      },
      userByEmail(email) {
        const wanted = email.toLowerCase();
        return host.current().users.find((u) => u.email.toLowerCase() === wanted)?.id;
      },
      getProject(key) {
        const p = host.projects.find((x) => x.key === key);
        return p ? { key: p.key, name: p.name } : undefined;
      },
      listProjects() {
        return host.byKey(host.projects, 'key').map((p) => ({ key: p.key, name: p.name }));
      },
      hasProjectRole(user, project, role) {
        return host.hasRole(user, project, role);
      },
      projectMembers(project, role) {
        return sorted(host.current().users.filter((u) => host.hasRole(u.id, project, role)).map((u) => u.id));
      },
      projectsWithRole(user, role) {
        const u = host.user(user);
        return sorted(u ? u.roles.filter(([, r]) => r === role).map(([p]) => p) : []);
      },
      getGroup(id) {
        const g = named(host.groups, id);
        return g ? { id: g.id, name: g.name } : undefined;
      },
      groupsOf(user) {
        return sorted(host.groups.filter((g) => g.members.includes(user)).map((g) => g.id));
      },
      groupMembers(group) {
        return sorted(named(host.groups, group)?.members ?? []);
      },
      getCompany(id) {
        const c = named(host.companies, id);
        return c ? { id: c.id, name: c.name } : undefined;
      },
      companiesOf(user) {
        return sorted(host.companies.filter((c) => c.members.includes(user)).map((c) => c.id));
      },
      companyMembers(company) {
        return sorted(named(host.companies, company)?.members ?? []);
      },
    };
    const issueRecord = (i) => ({ key: i.key, project: i.project, summary: i.summary });
    const issues = {
      getIssue(key) {
        const i = host.current().issues.find((x) => x.key === key);
        return i ? issueRecord(i) : undefined;
      },
      maySeeIssue(user, key) {
        const u = host.user(user);
        const i = host.current().issues.find((x) => x.key === key);
        return !!u && !!i && host.mayBrowse(u, i.project);
      },
      createIssue(project, summary, reporter) {
        const call = host.write('create-issue');
        const checked = text(summary, 'summary', 255, false);
        if (!host.projects.some((p) => p.key === project)) throw refuse('not-found', `project ${project} does not exist`);
        const numbers = call.issues.filter((i) => i.project === project).map((i) => Number(i.key.split('-').pop()));
        const issue = { key: `${project}-${Math.max(0, ...numbers) + 1}`, project, summary: checked, reporter: reporter ?? null, history: [] };
        call.issues.push(issue);
        return issueRecord(issue);
      },
      appendHistory(key, author, kind, body) {
        const call = host.write('append-history');
        if (encoder.encode(body).length > 64 * KIB) throw refuse('limit-exceeded', `body: at most ${64 * KIB} bytes`);
        const checked = text(body, 'body', 64 * KIB, true);
        const issue = call.issues.find((i) => i.key === key);
        if (!issue) throw refuse('not-found', `issue ${key} does not exist`);
        const id = 1 + Math.max(0, ...call.issues.flatMap((i) => i.history.map((h) => h.id)));
        issue.history.push({ id, issue: key, author: author ?? null, kind, body: checked, created: host.nowMs });
        return BigInt(id);
      },
      history(key, after, limit) {
        const issue = host.current().issues.find((i) => i.key === key);
        if (!issue) throw refuse('not-found', `issue ${key} does not exist`);
        return issue.history
          .filter((h) => after === undefined || BigInt(h.id) > after)
          .slice(0, Math.min(Math.max(limit, 1), 500))
          .map((h) => ({ id: BigInt(h.id), author: h.author ?? undefined, kind: h.kind, body: h.body, created: BigInt(h.created) }));
      },
    };
    const storage = {
      get(key) {
        host.checkKey(key);
        return host.current().store.get(key);
      },
      getMany(keys) {
        if (keys.length > 1000) throw refuse('limit-exceeded', 'keys: at most 1000');
        return keys.map((key) => storage.get(key));
      },
      set(key, value) {
        const call = host.write('storage.set');
        host.checkKey(key);
        if (value.length > MAX_VALUE_BYTES) throw refuse('limit-exceeded', `value: ${value.length} bytes, the limit is ${MAX_VALUE_BYTES}`);
        call.store.set(key, Uint8Array.from(value));
      },
      delete(key) {
        const call = host.write('storage.delete');
        host.checkKey(key);
        return call.store.delete(key);
      },
      increment(key, delta) {
        const call = host.write('storage.increment');
        host.checkKey(key);
        const stored = call.store.get(key);
        let current = 0n;
        if (stored !== undefined) {
          const textValue = new TextDecoder().decode(stored);
          if (!/^-?\d+$/.test(textValue)) throw refuse('invalid', `key ${key} holds no counter`);
          current = BigInt(textValue);
        }
        const next = current + delta;
        if (next > 9223372036854775807n || next < -9223372036854775808n) throw refuse('limit-exceeded', 'counter: out of range');
        call.store.set(key, encoder.encode(next.toString()));
        return next;
      },
      scan(start, end, limit, reverse, cursor) {
        if (compareKeys(start, end) > 0) throw refuse('invalid', 'scan: start is after end');
        if (cursor !== undefined && (compareKeys(cursor, start) < 0 || compareKeys(cursor, end) >= 0)) {
          throw refuse('invalid', 'scan: the cursor is not within the range');
        }
        const take = Math.min(Math.max(limit, 1), 1000);
        // The cursor is the last key returned: the page goes on strictly after it (strictly
        // before it when reversed).
        let keys = [...host.current().store.keys()]
          .filter((k) => compareKeys(k, start) >= 0 && compareKeys(k, end) < 0)
          .filter((k) => cursor === undefined || (reverse ? compareKeys(k, cursor) < 0 : compareKeys(k, cursor) > 0))
          .sort(compareKeys);
        if (reverse) keys.reverse();
        const more = keys.length > take;
        keys = keys.slice(0, take);
        return {
          entries: keys.map((key) => ({ key, value: host.current().store.get(key) })),
          cursor: more ? keys[keys.length - 1] : undefined,
        };
      },
    };
    const visibleAscii = (s) => s.length > 0 && encoder.encode(s).length <= MAX_NAME_BYTES && /^[\x21-\x7e]+$/.test(s);
    const push = {
      publish(topic, kind, payload, options) {
        const call = host.write('push.publish');
        if (!visibleAscii(topic)) throw refuse('invalid', `topic: 1 to ${MAX_NAME_BYTES} visible ASCII characters, not ${JSON.stringify(topic)}`);
        if (!/^[a-z0-9-]{1,200}$/.test(kind)) throw refuse('invalid', `kind: 1 to ${MAX_NAME_BYTES} of a-z, 0-9 and -, not ${JSON.stringify(kind)}`);
        if (topic.startsWith('@')) throw refuse('invalid', "topic: topics starting with @ are the host's own");
        for (const field of ['subject', 'requires']) {
          const value = options[field];
          if (value !== undefined && !visibleAscii(value)) {
            throw refuse('invalid', `${field}: 1 to ${MAX_NAME_BYTES} visible ASCII characters, not ${JSON.stringify(value)}`);
          }
        }
        if (options.ephemeral && (options.subject !== undefined || options.requires !== undefined)) {
          throw refuse('invalid', 'an ephemeral event is never stored: it has no subject and requires no topic');
        }
        const limit = options.ephemeral ? 4 * KIB : 64 * KIB;
        if (encoder.encode(payload).length > limit) throw refuse('limit-exceeded', `payload: at most ${limit} bytes`);
        let data;
        try { data = JSON.parse(payload); } catch { throw refuse('invalid', 'payload: must be JSON'); }
        call.events.push({ topic, kind, data });
      },
      accessChanged() { host.write('push.access-changed'); },
      accessChangedOn() { host.write('push.access-changed-on'); },
    };
    const mail = {
      send(message) {
        const call = host.write('mail.send');
        if (message.to.length === 0) throw refuse('invalid', 'to: at least one recipient');
        if (message.to.length > 100) throw refuse('limit-exceeded', 'to: at most 100 recipients');
        for (const address of message.to) {
          if (!isEmail(address.trim())) throw refuse('invalid', `to: ${JSON.stringify(address)} is not an e-mail address`);
        }
        if (encoder.encode(message.body).length > 256 * KIB) throw refuse('limit-exceeded', 'body: at most 256 KiB');
        call.mail.push({ to: message.to, subject: message.subject, body: message.body });
      },
    };
    const wake = {
      wakeAt(at) {
        host.write('wake.wake-at').wakes.push(Number(at));
      },
    };
    const log = {
      log(level, message) {
        if (process.env.JCO_HOST_LOG) process.stderr.write(`[plugin ${level}] ${message}\n`);
      },
    };
    // WASI as the world's docs say: no arguments, no environment, the host's wall clock.
    const environment = { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined };
    const wallClock = {
      now: () => ({ seconds: BigInt(Math.floor(host.nowMs / 1000)), nanoseconds: (host.nowMs % 1000) * 1e6 }),
      resolution: () => ({ seconds: 0n, nanoseconds: 1e6 }),
    };
    const contract = {
      'helpdesk:chat/directory': directory,
      'helpdesk:chat/issues': issues,
      'helpdesk:chat/storage': storage,
      'helpdesk:chat/push': push,
      'helpdesk:chat/mail': mail,
      'helpdesk:chat/wake': wake,
      'helpdesk:chat/log': log,
      'wasi:cli/environment': environment,
      'wasi:cli/exit': shim.cli.exit,
      'wasi:cli/stderr': shim.cli.stderr,
      'wasi:cli/stdin': shim.cli.stdin,
      'wasi:cli/stdout': shim.cli.stdout,
      'wasi:cli/terminal-input': shim.cli.terminalInput,
      'wasi:cli/terminal-output': shim.cli.terminalOutput,
      'wasi:cli/terminal-stderr': shim.cli.terminalStderr,
      'wasi:cli/terminal-stdin': shim.cli.terminalStdin,
      'wasi:cli/terminal-stdout': shim.cli.terminalStdout,
      'wasi:clocks/monotonic-clock': shim.clocks.monotonicClock,
      'wasi:clocks/wall-clock': wallClock,
      'wasi:io/error': shim.io.error,
      'wasi:io/poll': shim.io.poll,
      'wasi:io/streams': shim.io.streams,
      'wasi:random/random': shim.random.random,
    };
    return contract;
  }
}

export { Trap };
