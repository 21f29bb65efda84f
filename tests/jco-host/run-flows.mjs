// Runs the contract flows on the plugin under jco, with the in-memory host, and prints the
// transcript (each call's answer, the events on the watched topics, the mail) as JSON for
// the reference host's test to compare with its own.
//
//   node run-flows.mjs <component.wasm> <signatures.json> <snapshot.json> <flows.json> <scratch dir>
//
// One instance serves call after call, as the world's docs allow; after a trap it is dropped
// and the next call gets a new one.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { MemoryHost } from './memory-host.mjs';
import { Values, camel } from './values.mjs';

// Node 20 has no JSPI. jco's output wraps every export in `WebAssembly.promising` inside a
// try/catch, and the TypeError each attempt throws made an instantiation cost ~280 ms here
// (~1 ms without). The component's exports are synchronous and are only ever called
// synchronously, so the identity is what they need.
if (typeof WebAssembly.promising !== 'function') WebAssembly.promising = (f) => f;

/** The scheduler's context: the host acting on nobody's behalf. */
const SYSTEM = { actor: 'system', project: null, page: 'unknown', locale: null, languages: [], session: null, address: null };

/** Transpiles the component with jco into `dir`: a module with `instantiate`. */
export function transpile(component, dir) {
  const jco = fileURLToPath(new URL('./node_modules/@bytecodealliance/jco/dist/jco.js', import.meta.url));
  const done = spawnSync(process.execPath, [jco, 'transpile', component, '-o', dir, '--name', 'plugin',
    '--instantiation', 'sync', '--no-nodejs-compat', '--quiet'], { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`jco transpile failed:\n${done.stderr}${done.stdout}`);
  return join(dir, 'plugin.js');
}

/** A canonical text of a JSON value (object keys sorted), to order a step's events. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The plugin under jco over `host`: calls exports by name, as the signatures describe them. */
export class JcoPlugin {
  constructor(modulePath, dir, signatures, host, { reuse = true } = {}) {
    this.dir = dir;
    this.values = new Values(signatures);
    this.host = host;
    this.reuse = reuse;
    this.modules = new Map();
    this.instance = null;
    this.modulePath = modulePath;
  }

  async load() {
    this.instantiateComponent = (await import(pathToFileURL(this.modulePath).href)).instantiate;
    this.imports = this.host.imports();
  }

  exports() {
    if (!this.instance) {
      const getCoreModule = (name) => {
        if (!this.modules.has(name)) this.modules.set(name, new WebAssembly.Module(readFileSync(join(this.dir, name))));
        return this.modules.get(name);
      };
      this.instance = this.instantiateComponent(getCoreModule, this.imports);
    }
    return this.instance;
  }

  /**
   * Calls `name` (`interface.function`) with the context and arguments in the JSON form; the
   * answer as `{ok}` or `{err: {code, message}}`, and the events the call published (kept
   * only when it answered ok).
   */
  call(name, ctx, args) {
    const signature = this.values.functions[name];
    if (!signature) throw new Error(`no export ${name}`);
    const [iface, func] = name.split('.');
    const jsArgs = signature.params.map((p) => this.values.toJco(p.type, p.name === 'ctx' ? ctx : (args[p.name] ?? null)));
    const okType = signature.result && signature.result.result !== undefined ? signature.result.result.ok : signature.result;
    this.host.begin(signature.writes);
    let answer;
    let ok = false;
    try {
      const fn = this.exports()[camel(iface)][camel(func)];
      const value = fn(...jsArgs);
      answer = { ok: okType === null ? null : this.values.fromJco(okType, value) };
      ok = true;
    } catch (e) {
      if (e && Object.prototype.hasOwnProperty.call(e, 'payload')) {
        answer = { err: this.values.errorOf(e.payload) };
      } else {
        // A trap leaves the instance unusable: the next call gets a new one.
        this.instance = null;
        this.host.end(false);
        throw e;
      }
    } finally {
      if (!this.reuse) this.instance = null;
    }
    const events = this.host.end(ok);
    return { answer, events };
  }

  /** Runs the due work until nothing more is due now, as a scheduler would. */
  runDue() {
    const events = [];
    for (;;) {
      if (this.host.takeDue()) {
        const done = this.call('scheduler.run-due', SYSTEM, {});
        events.push(...done.events);
      }
      const next = this.host.nextWake();
      if (next === null || next > this.host.nowMs) return events;
    }
  }
}

async function main() {
  const [component, signaturesPath, snapshotPath, flowsPath, scratch] = process.argv.slice(2);
  const signatures = JSON.parse(readFileSync(signaturesPath, 'utf8'));
  const snapshot = JSON.parse(readFileSync(snapshotPath, 'utf8'));
  const flows = JSON.parse(readFileSync(flowsPath, 'utf8'));
  const modulePath = transpile(component, scratch);
  const host = new MemoryHost(snapshot, flows.start_ms);
  const plugin = new JcoPlugin(modulePath, scratch, signatures, host);
  await plugin.load();
  const transcript = [];
  for (const flow of flows.flows) {
    const watched = new Set(flow.watch);
    const mailBefore = host.mail.length;
    const steps = [];
    for (const step of flow.steps) {
      let events = [];
      const record = {};
      if (step.call) {
        const done = plugin.call(step.call, step.ctx, step.args ?? {});
        record.call = step.call;
        record.answer = done.answer;
        events = done.events;
        // `follow` names the argument that takes the answer's cursor: page on to the end.
        if (step.follow) {
          const pages = [done.answer];
          for (let cursor = done.answer.ok?.cursor; cursor; cursor = pages[pages.length - 1].ok?.cursor) {
            if (pages.length >= 50) throw new Error(`${step.call}: pages without end`);
            const next = plugin.call(step.call, step.ctx, { ...step.args, [step.follow]: cursor });
            pages.push(next.answer);
            events.push(...next.events);
          }
          record.answer = { pages };
        }
      } else {
        if (step.advance_ms !== undefined) host.advance(step.advance_ms);
        if (step.due) events = plugin.runDue();
        record.step = step;
      }
      record.events = events.filter((e) => watched.has(e.topic)).sort((a, b) => (canonical(a) < canonical(b) ? -1 : 1));
      steps.push(record);
    }
    transcript.push({ name: flow.name, steps, mail: host.mail.slice(mailBefore) });
  }
  process.stdout.write(JSON.stringify(transcript));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e) => {
    process.stderr.write(`${e.stack ?? e}\n`);
    process.exit(1);
  });
}
