// Per-call time of the plugin under jco in Node, with the in-memory host: one instance kept
// for every call, and a fresh instance per call (as the reference host does under wasmtime).
// Prints figures and asserts nothing.
//
//   node bench.mjs <component.wasm> <signatures.json> [calls]

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MemoryHost } from './memory-host.mjs';
import { JcoPlugin, transpile } from './run-flows.mjs';

const [component, signaturesPath, callsArg] = process.argv.slice(2);
const calls = Number(callsArg ?? 2000);
const signatures = JSON.parse(readFileSync(signaturesPath, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'jco-bench-'));
const modulePath = transpile(component, dir);

const user = (id, name, roles) => ({
  user: { id, display_name: name, email: `${id}@example.test`, time_zone: 'UTC', locale: 'en', site_admin: false, member: true },
  roles,
});
const snapshot = {
  users: [user('alice', 'Alice Agent', [['SUP', 'agent']]), user('paula', 'Paula Admin', [['SUP', 'project-admin']])],
  projects: [{ project: { key: 'SUP', name: 'Support' }, members_browse: true }],
  groups: [],
  companies: [],
  issues: [],
  store: [],
};
const ctx = (id) => ({ actor: { user: id }, project: 'SUP', page: 'unknown', locale: null, languages: [], session: null, address: null });

async function measure(label, reuse, name, args, who) {
  const host = new MemoryHost(snapshot, Date.UTC(2027, 0, 4, 9));
  const plugin = new JcoPlugin(modulePath, dir, signatures, host, { reuse });
  await plugin.load();
  const times = [];
  for (let i = 0; i < calls + 50; i++) {
    const start = process.hrtime.bigint();
    const done = plugin.call(name, ctx(who), typeof args === 'function' ? args(i) : args);
    const micros = Number(process.hrtime.bigint() - start) / 1000;
    if (!('ok' in done.answer)) throw new Error(`${name}: ${JSON.stringify(done.answer)}`);
    if (i >= 50) times.push(micros);
  }
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))];
  console.log(`${label.padEnd(58)} median ${at(0.5).toFixed(1).padStart(8)} µs   p99 ${at(0.99).toFixed(1).padStart(8)} µs`);
}

console.log(`jco ${process.version}: ${calls} calls each, after 50 to warm up`);
await measure('project presence read, one instance kept', true, 'presence.project-presence', {}, 'paula');
await measure('project presence read, a fresh instance per call', false, 'presence.project-presence', {}, 'paula');
const toggle = (i) => ({ 'all-projects': false, 'duration-minutes': null, _: i });
await measure('presence change (online), one instance kept', true, 'presence.go-online', toggle, 'alice');
await measure('presence change (online), a fresh instance per call', false, 'presence.go-online', toggle, 'alice');
