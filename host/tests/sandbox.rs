//! SPEC PL-4, PL-5: the sandbox. A faulty component (the probe) loops, grows memory and
//! traps after writing; the host stops it, rolls its writes back and keeps serving.

#[path = "support/test_host.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{TestHost, cache_dir, probe_wasm};
use helpdesk_host::runtime::capabilities::CHAT_PLUGIN_GRANTS;
use helpdesk_host::runtime::{CallError, SandboxLimits};

#[path = "support/probe.rs"]
mod probe;

use probe::{ProbePre, load_probe};

fn limits() -> SandboxLimits {
    SandboxLimits {
        call_timeout: Duration::from_millis(300),
        memory_bytes: 32 << 20,
        concurrent_instances: 4,
    }
}

/// Which probe export to call.
#[derive(Clone, Copy, Debug)]
enum Fault {
    LoopForever,
    GrowMemory,
    WriteThenTrap,
    WriteThenFail,
    Write,
}

async fn call_probe(host: &TestHost, pre: &ProbePre, fault: Fault, key: &str) -> Result<(), CallError> {
    let sandbox = host.sandbox.clone();
    let pre = pre.clone();
    let key = key.to_string();
    host.db
        .transact(move |scope| {
            let (outcome, _events) = sandbox.run_call(scope, "probe-test", |store| {
                let probe = pre.instantiate(&mut *store)?;
                let exports = probe.helpdesk_chat_probe();
                Ok(match fault {
                    Fault::LoopForever => exports.call_loop_forever(store).map(|_| Ok(()))?,
                    Fault::GrowMemory => exports.call_grow_memory(store).map(|_| Ok(()))?,
                    Fault::WriteThenTrap => exports.call_write_then_trap(store, &key).map(|_| Ok(()))?,
                    Fault::WriteThenFail => exports.call_write_then_fail(store, &key)?,
                    Fault::Write => exports.call_write(store, &key).map(|_| Ok(()))?,
                })
            })?;
            outcome.map_err(CallError::Fault)
        })
        .await
}

fn probe_host() -> (TestHost, ProbePre) {
    let host = TestHost::start(limits());
    let pre = load_probe(&host.sandbox, Some(&cache_dir()));
    (host, pre)
}

#[tokio::test]
async fn pl_5_a_call_that_loops_forever_is_stopped_at_its_deadline() {
    let (host, pre) = probe_host();
    let started = Instant::now();
    let err = call_probe(&host, &pre, Fault::LoopForever, "unused").await.unwrap_err();
    assert!(matches!(err, CallError::Timeout), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "stopped near its 300 ms deadline"
    );
    call_probe(&host, &pre, Fault::Write, "after-loop").await.unwrap();
    assert!(host.kv_has("after-loop").await, "the host keeps serving");
}

#[tokio::test]
async fn pl_5_a_call_that_grows_memory_without_end_is_stopped() {
    let (host, pre) = probe_host();
    let err = call_probe(&host, &pre, Fault::GrowMemory, "unused").await.unwrap_err();
    let CallError::Fault(message) = &err else {
        panic!("expected a fault, got {err:?}")
    };
    assert!(message.contains("memory"), "the fault names memory: {message}");
    call_probe(&host, &pre, Fault::Write, "after-memory").await.unwrap();
    assert!(host.kv_has("after-memory").await);
}

#[tokio::test]
async fn pl_5_a_trap_after_writing_rolls_the_write_back() {
    let (host, pre) = probe_host();
    let err = call_probe(&host, &pre, Fault::WriteThenTrap, "trapped")
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Fault(_)), "{err:?}");
    assert!(!host.kv_has("trapped").await, "the trapped call's write is gone");
    call_probe(&host, &pre, Fault::Write, "after-trap").await.unwrap();
    assert!(host.kv_has("after-trap").await);
}

#[tokio::test]
async fn pl_5_an_error_result_after_writing_rolls_the_write_back() {
    let (host, pre) = probe_host();
    call_probe(&host, &pre, Fault::WriteThenFail, "failed")
        .await
        .unwrap_err();
    assert!(!host.kv_has("failed").await);
}

#[tokio::test]
async fn pl_5_faulty_and_good_calls_in_one_batch_keep_only_the_good_writes() {
    let (host, pre) = probe_host();
    // Queued together, these share one transaction: each sits in its own savepoint.
    let (a, b, c) = tokio::join!(
        call_probe(&host, &pre, Fault::Write, "batch-good-1"),
        call_probe(&host, &pre, Fault::WriteThenTrap, "batch-bad"),
        call_probe(&host, &pre, Fault::Write, "batch-good-2"),
    );
    assert!(a.is_ok() && b.is_err() && c.is_ok());
    assert!(host.kv_has("batch-good-1").await);
    assert!(!host.kv_has("batch-bad").await);
    assert!(host.kv_has("batch-good-2").await);
}

#[tokio::test]
async fn pl_4_a_component_importing_more_than_granted_is_refused() {
    let host = TestHost::start(limits());
    let without_storage: Vec<&str> = CHAT_PLUGIN_GRANTS
        .iter()
        .copied()
        .filter(|g| !g.starts_with("helpdesk:chat/storage"))
        .collect();
    let err = host
        .sandbox
        .load_component(&probe_wasm(), Some(&cache_dir()), &without_storage)
        .unwrap_err();
    assert!(err.to_string().contains("helpdesk:chat/storage@0.1.0"), "{err}");
}

#[tokio::test]
async fn pl_4_the_chat_plugin_imports_only_granted_capabilities() {
    let host = TestHost::start(limits());
    let component = host
        .sandbox
        .load_component(&common::plugin_wasm(), Some(&cache_dir()), CHAT_PLUGIN_GRANTS)
        .unwrap();
    let imports: Vec<String> = component
        .component_type()
        .imports(host.sandbox.engine())
        .map(|(n, _)| n.to_string())
        .collect();
    assert!(
        imports.iter().any(|n| n == "helpdesk:chat/storage@0.1.0"),
        "{imports:?}"
    );
    assert!(
        !imports
            .iter()
            .any(|n| n.starts_with("wasi:filesystem") || n.starts_with("wasi:sockets")),
        "{imports:?}"
    );
}

/// Runs one probe export as one storage job; an `Err` result rolls the job back.
async fn run_probe<R: Send + 'static>(
    host: &TestHost,
    pre: &ProbePre,
    export: impl FnOnce(
        &probe::exports::helpdesk::chat::probe::Guest,
        &mut wasmtime::Store<helpdesk_host::runtime::host_state::HostState>,
    ) -> wasmtime::Result<Result<R, String>>
    + Send
    + 'static,
) -> Result<R, CallError> {
    let sandbox = host.sandbox.clone();
    let pre = pre.clone();
    host.db
        .transact(move |scope| {
            let (outcome, _events) = sandbox.run_call(scope, "probe-test", |store| {
                let probe = pre.instantiate(&mut *store)?;
                export(probe.helpdesk_chat_probe(), store)
            })?;
            outcome.map_err(CallError::Fault)
        })
        .await
}

async fn outbox_size(host: &TestHost) -> i64 {
    host.db
        .run(|c| c.query_row("SELECT count(*) FROM mail_outbox", [], |r| r.get(0)))
        .await
        .unwrap()
}

#[tokio::test]
async fn pl_3_mail_reaches_the_outbox_only_when_the_call_commits() {
    let (host, pre) = probe_host();
    run_probe(&host, &pre, |p, s| p.call_send_mail(s, "ops@example.test", false))
        .await
        .unwrap();
    assert_eq!(outbox_size(&host).await, 1);
    run_probe(&host, &pre, |p, s| p.call_send_mail(s, "ops@example.test", true))
        .await
        .unwrap_err();
    assert_eq!(outbox_size(&host).await, 1, "the failed call's mail is gone");
    let err = run_probe(&host, &pre, |p, s| p.call_send_mail(s, "not an address", false))
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("Invalid"), "{err:?}");
    assert_eq!(outbox_size(&host).await, 1);
}

#[tokio::test]
async fn pl_3_issue_comments_land_in_the_history_and_roll_back_with_their_call() {
    let (host, pre) = probe_host();
    let id = run_probe(&host, &pre, |p, s| {
        p.call_comment_on_issue(s, "SUP-1", "Kept comment", false)
    })
    .await
    .unwrap();
    run_probe(&host, &pre, |p, s| {
        p.call_comment_on_issue(s, "SUP-1", "Lost comment", true)
    })
    .await
    .unwrap_err();
    let history = host
        .db
        .run(|c| Ok(helpdesk_host::issues::history(c, "SUP-1", None, 100, Some("comment")).unwrap()))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].id as u64, history[0].body.as_str()), (id, "Kept comment"));
    assert_eq!(history[0].author.as_deref(), Some("alice"));
    let err = run_probe(&host, &pre, |p, s| p.call_comment_on_issue(s, "SUP-404", "x", false))
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("NotFound"), "{err:?}");
}
