//! SPEC PL-11: a second, independent host runs the same contract flows with identical
//! answers. The flows (`tests/jco-host/flows.json`) call the plugin's exports by name on
//! this host, over its real storage and imports, and under jco in Node (`tests/jco-host`),
//! whose imports are written in JavaScript from the WIT's words alone. Both start from the
//! same site (this host's directory, issues and plugin store after loading the demo site,
//! handed over as JSON) and a stopped clock; every answer, every event on the watched
//! topics and every mail must be the same.

use std::path::{Path, PathBuf};
use std::process::Command;

use helpdesk_host::clock::HostClock;
use helpdesk_host::contract::helpdesk::chat::types::CallContext;
use helpdesk_host::push::{StreamOwner, StreamSignal};
use helpdesk_host::runtime::by_name;
use helpdesk_host::runtime::{Access, CallError, SandboxLimits};
use helpdesk_host::site::Site;
use helpdesk_host::storage::StorageFailure;
use helpdesk_host::storage::backend::NamedKind;
use serde_json::{Value, json};

use crate::support::{plugin_wasm, site_settings};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn flows() -> Value {
    let text = std::fs::read_to_string(workspace().join("tests/jco-host/flows.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The site both hosts start from: the directory, the issues with their history, and every
/// key of the plugin's store.
async fn snapshot(site: &Site) -> Value {
    site.db
        .read(|slot| -> Result<Value, StorageFailure> {
            let mut tx = slot.tx()?;
            let mut users = Vec::new();
            for user in tx.list_users()? {
                let roles: Vec<Value> = tx
                    .roles_of(&user.id)?
                    .into_iter()
                    .map(|(project, role)| json!([project, role]))
                    .collect();
                users.push(json!({ "user": user, "roles": roles }));
            }
            let mut projects = Vec::new();
            let mut keys = Vec::new();
            for project in tx.list_projects()? {
                let members_browse = tx.members_browse(&project.key)?;
                keys.push(project.key.clone());
                projects.push(json!({ "project": project, "members_browse": members_browse }));
            }
            let mut issues = Vec::new();
            for issue in tx.list_issues(&keys, 10_000)? {
                let history = tx.history(&issue.key, None, 500, None)?;
                issues.push(json!({ "issue": issue, "history": history }));
            }
            let groups = tx.list_named(NamedKind::Group)?;
            let companies = tx.list_named(NamedKind::Company)?;
            let mut store = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let page = tx.kv_scan("", "\u{10FFFF}", 1000, false, cursor.as_deref())?;
                for entry in &page.entries {
                    store.push(json!([entry.key, entry.value]));
                }
                match page.cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
            Ok(json!({
                "users": users, "projects": projects, "issues": issues,
                "groups": groups, "companies": companies, "store": store,
            }))
        })
        .await
        .unwrap()
}

/// What one step did: the answer of a call, and the events it sent on the watched topics,
/// in a stable order (a call's kept events and its signals travel apart).
fn step_record(step: &Value, answer: Value, mut events: Vec<Value>) -> Value {
    events.sort_by_key(|event| event.to_string());
    let mut record = json!({ "events": events });
    if let Some(call) = step.get("call") {
        record["call"] = call.clone();
        record["answer"] = answer;
    } else {
        record["step"] = step.clone();
    }
    record
}

fn drain(subscription: &mut helpdesk_host::push::Subscription) -> Vec<Value> {
    let mut events = Vec::new();
    while let Ok(signal) = subscription.signals.try_recv() {
        let (topic, kind, payload) = match signal {
            StreamSignal::Event(event) => (event.topic.clone(), event.kind.clone(), event.payload.clone()),
            StreamSignal::Signal(signal) => (signal.topic.clone(), signal.kind.clone(), signal.payload.clone()),
            _ => continue,
        };
        let data: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
        events.push(json!({ "topic": topic, "kind": kind, "data": data }));
    }
    events
}

/// Runs every flow on this host: each call by name, as a read or a write as its edge says.
async fn run_here(site: &Site, flows: &Value) -> Vec<Value> {
    let mut transcript = Vec::new();
    for flow in flows["flows"].as_array().unwrap() {
        let topics: Vec<String> = serde_json::from_value(flow["watch"].clone()).unwrap();
        let mut subscription = site.hub.subscribe(&topics, StreamOwner::default(), None).unwrap();
        let mail_before = last_mail(site).await;
        let mut steps = Vec::new();
        for step in flow["steps"].as_array().unwrap() {
            let mut answer = Value::Null;
            if let Some(function) = step["call"].as_str() {
                answer = call(site, function, &step["ctx"], step["args"].clone()).await;
                // `follow` names the argument that takes the answer's cursor: page on to the end.
                if let Some(follow) = step["follow"].as_str() {
                    let mut pages = vec![answer.clone()];
                    while let Some(cursor) = pages.last().and_then(|page| page["ok"]["cursor"].as_str()) {
                        assert!(pages.len() < 50, "{function}: pages without end");
                        let mut args = step["args"].clone();
                        args[follow] = json!(cursor);
                        pages.push(call(site, function, &step["ctx"], args).await);
                    }
                    answer = json!({ "pages": pages });
                }
            } else if let Some(ms) = step["advance_ms"].as_i64() {
                site.clock.advance(ms);
            } else if step["due"].as_bool() == Some(true) {
                // As a scheduler would: run the due work until nothing more is due now.
                while let Some(next) = site.scheduler.run_due().await.unwrap() {
                    if next > site.clock.now_ms() {
                        break;
                    }
                }
            }
            steps.push(step_record(step, answer, drain(&mut subscription)));
        }
        let mail = mail_after(site, mail_before).await;
        transcript.push(json!({ "name": flow["name"], "steps": steps, "mail": mail }));
    }
    transcript
}

/// Calls `function` by name, as a read or a write as its edge says: its answer as
/// `{"ok": value}` or `{"err": {"code", "message"}}`.
async fn call(site: &Site, function: &str, ctx: &Value, args: Value) -> Value {
    let writes = by_name::writes(function).unwrap_or_else(|| panic!("no export {function}"));
    let access = if writes { Access::Write } else { Access::Read };
    let ctx: CallContext = serde_json::from_value(ctx.clone()).unwrap();
    let name = function.to_string();
    let export = Box::new(move |plugin: &_, store: &mut _| by_name::call_by_name(plugin, store, &ctx, &name, &args));
    match site.plugin.call(&site.db, access, "flow".into(), export).await {
        Ok(value) => json!({ "ok": value }),
        Err(CallError::Plugin(err)) => json!({ "err": { "code": err.code(), "message": err.message() } }),
        Err(other) => panic!("{function}: {other}"),
    }
}

async fn last_mail(site: &Site) -> i64 {
    site.db
        .read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.list_mail(None, 1)?) })
        .await
        .unwrap()
        .first()
        .map_or(0, |mail| mail.id)
}

/// The mail queued after message `after`, oldest first.
async fn mail_after(site: &Site, after: i64) -> Vec<Value> {
    let mut mail = site
        .db
        .read(|slot| -> Result<_, StorageFailure> { Ok(slot.tx()?.list_mail(None, 1000)?) })
        .await
        .unwrap();
    mail.retain(|mail| mail.id > after);
    mail.reverse();
    mail.into_iter()
        .map(|mail| json!({ "to": mail.to, "subject": mail.subject, "body": mail.body }))
        .collect()
}

/// Whether Node and the jco host's packages are here; under CI they must be.
fn jco_host_ready() -> bool {
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    let packages = workspace()
        .join("tests/jco-host/node_modules/@bytecodealliance/jco")
        .exists();
    if node && packages {
        return true;
    }
    let message = "the jco host needs node and `npm ci --prefix tests/jco-host`";
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{message}; CI must run it"
    );
    eprintln!("{message}: the second host was not run");
    false
}

/// Runs the flows on the jco host: its transcript.
fn run_under_jco(snapshot: &Value, flows_path: &Path, scratch: &Path) -> Vec<Value> {
    let snapshot_path = scratch.join("snapshot.json");
    let signatures_path = scratch.join("signatures.json");
    let component_path = scratch.join("plugin.wasm");
    std::fs::write(&snapshot_path, snapshot.to_string()).unwrap();
    std::fs::write(&signatures_path, by_name::SIGNATURES_JSON).unwrap();
    std::fs::write(&component_path, plugin_wasm()).unwrap();
    let output = Command::new("node")
        .arg(workspace().join("tests/jco-host/run-flows.mjs"))
        .args([
            &component_path,
            &signatures_path,
            &snapshot_path,
            &flows_path.to_path_buf(),
        ])
        .arg(scratch.join("transpiled"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the jco host failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "the jco host's transcript is no JSON ({err}):\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test]
async fn pl_11_a_second_host_under_jco_answers_every_contract_flow_as_this_host_does() {
    let flows = flows();
    let dir = tempfile::tempdir().unwrap();
    let mut settings = site_settings(dir.path(), SandboxLimits::default());
    settings.clock = HostClock::stopped_at(flows["start_ms"].as_i64().unwrap());
    let site = Site::open(&settings).await.unwrap();
    let snapshot = snapshot(&site).await;
    let ours = run_here(&site, &flows).await;
    // For a person reading the flows: HELPDESK_FLOWS_TRANSCRIPT=<file> keeps this host's.
    if let Ok(path) = std::env::var("HELPDESK_FLOWS_TRANSCRIPT") {
        std::fs::write(path, serde_json::to_string_pretty(&ours).unwrap()).unwrap();
    }

    // The flows show the features at work, not only refusals.
    let answers: Vec<&Value> = ours
        .iter()
        .flat_map(|flow| flow["steps"].as_array().unwrap())
        .filter_map(|step| step.get("answer"))
        .collect();
    let ok = answers.iter().filter(|answer| answer.get("ok").is_some()).count();
    assert!(
        ok * 4 > answers.len() * 3,
        "{ok} of {} calls answered ok",
        answers.len()
    );
    let events: usize = ours
        .iter()
        .flat_map(|flow| flow["steps"].as_array().unwrap())
        .map(|step| step["events"].as_array().unwrap().len())
        .sum();
    assert!(events > 20, "{events} events");

    if !jco_host_ready() {
        return;
    }
    let theirs = run_under_jco(&snapshot, &workspace().join("tests/jco-host/flows.json"), dir.path());
    if let Ok(path) = std::env::var("HELPDESK_FLOWS_TRANSCRIPT") {
        std::fs::write(format!("{path}.jco"), serde_json::to_string_pretty(&theirs).unwrap()).unwrap();
    }
    assert_eq!(ours.len(), theirs.len(), "flows run");
    let mut compared = 0;
    for (flow, (mine, other)) in flows["flows"].as_array().unwrap().iter().zip(ours.iter().zip(&theirs)) {
        let name = flow["name"].as_str().unwrap();
        let (mine_steps, other_steps) = (mine["steps"].as_array().unwrap(), other["steps"].as_array().unwrap());
        for (index, (a, b)) in mine_steps.iter().zip(other_steps).enumerate() {
            compared += 1;
            assert_eq!(
                a,
                b,
                "{name}, step {index}: the hosts differ\nreference host: {}\njco host:       {}",
                serde_json::to_string_pretty(a).unwrap(),
                serde_json::to_string_pretty(b).unwrap()
            );
        }
        assert_eq!(mine_steps.len(), other_steps.len(), "{name}: steps run");
        assert_eq!(mine["mail"], other["mail"], "{name}: mail sent");
    }
    eprintln!("the jco host answered {compared} steps as this host did");
}
