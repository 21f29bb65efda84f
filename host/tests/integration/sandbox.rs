//! SPEC PL-4, PL-5: the sandbox. A faulty component (the probe) loops, grows memory and
//! traps after writing; the host stops it, rolls its writes back and keeps serving.

use std::time::{Duration, Instant};

use helpdesk_host::runtime::capabilities::{Refused, WASI_GRANTS};
use helpdesk_host::runtime::{CallError, ChatPluginRuntime, SandboxLimits};
use helpdesk_host::storage::StorageFailure;

use crate::support::{ProbePre, TestHost, cache_dir, load_probe, probe_grants, probe_wasm, run_probe};

fn limits() -> SandboxLimits {
    SandboxLimits {
        call_timeout: Duration::from_millis(300),
        memory_bytes: 32 << 20,
        concurrent_instances: 8,
        readers: 2,
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
    let key = key.to_string();
    run_probe(host, pre, move |probe, store| {
        Ok(match fault {
            Fault::LoopForever => probe.call_loop_forever(store).map(|_| Ok(()))?,
            Fault::GrowMemory => probe.call_grow_memory(store).map(|_| Ok(()))?,
            Fault::WriteThenTrap => probe.call_write_then_trap(store, &key).map(|_| Ok(()))?,
            Fault::WriteThenFail => probe.call_write_then_fail(store, &key)?,
            Fault::Write => probe.call_write(store, &key).map(|_| Ok(()))?,
        })
    })
    .await
}

async fn probe_host() -> (TestHost, ProbePre) {
    let host = TestHost::start(limits()).await;
    let pre = load_probe(host.site.plugin.sandbox(), Some(&cache_dir()));
    (host, pre)
}

#[tokio::test]
async fn pl_5_a_call_that_loops_forever_is_stopped_at_its_deadline() {
    let (host, pre) = probe_host().await;
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
    let (host, pre) = probe_host().await;
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
    let (host, pre) = probe_host().await;
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
    let (host, pre) = probe_host().await;
    call_probe(&host, &pre, Fault::WriteThenFail, "failed")
        .await
        .unwrap_err();
    assert!(!host.kv_has("failed").await);
}

#[tokio::test]
async fn pl_5_faulty_and_good_calls_in_one_batch_keep_only_the_good_writes() {
    let (host, pre) = probe_host().await;
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
async fn pl_5_a_read_only_call_that_writes_traps_and_writes_nothing() {
    let (host, pre) = probe_host().await;
    let sandbox = host.site.plugin.sandbox().clone();
    let err = host
        .site
        .db
        .read(move |slot| {
            let mut store = sandbox.new_store("read-test".into());
            let probe = pre
                .instantiate(&mut store)
                .map_err(|err| CallError::from_wasm(err, "read-test"))?;
            let timeout = sandbox.limits().call_timeout;
            sandbox.run_in(&mut store, slot, "read-test", timeout, |store| {
                probe.helpdesk_probe_faults().call_write(store, "from-a-read")
            })
        })
        .await
        .unwrap_err();
    let CallError::Fault(message) = &err else {
        panic!("expected a fault, got {err:?}")
    };
    assert!(message.contains("read-only"), "{message}");
    assert!(!host.kv_has("from-a-read").await);
}

#[tokio::test]
async fn pl_4_a_component_importing_more_than_granted_is_refused() {
    let host = TestHost::start(limits()).await;
    let without_storage: Vec<&str> = probe_grants()
        .into_iter()
        .filter(|g| !g.starts_with("helpdesk:chat/storage"))
        .collect();
    let err = host
        .site
        .plugin
        .sandbox()
        .load_component(&probe_wasm(), Some(&cache_dir()), &without_storage)
        .unwrap_err();
    assert!(err.to_string().contains("helpdesk:chat/storage@0.3.0"), "{err}");
    let refused = err.downcast_ref::<Refused>();
    assert!(matches!(refused, Some(Refused::NotGranted(_))), "{err}");
}

#[tokio::test]
async fn pl_4_a_component_that_is_no_chat_plugin_is_refused_with_a_reason() {
    let host = TestHost::start(limits()).await;
    let sandbox = host.site.plugin.sandbox().clone();
    let err = ChatPluginRuntime::load(sandbox, &probe_wasm(), Some(&cache_dir()))
        .err()
        .expect("the probe is no chat plugin");
    let message = format!("{err:#}");
    assert!(message.contains("lifecycle") || message.contains("export"), "{message}");
}

#[tokio::test]
async fn pl_4_the_chat_plugin_imports_only_what_its_manifest_declares() {
    let host = TestHost::start(limits()).await;
    let manifest = host.site.plugin.manifest().clone();
    let declared: Vec<&str> = manifest
        .capabilities
        .iter()
        .map(String::as_str)
        .chain(WASI_GRANTS.iter().copied())
        .collect();
    let sandbox = host.site.plugin.sandbox();
    let component = sandbox
        .load_component(&crate::support::plugin_wasm(), Some(&cache_dir()), &declared)
        .unwrap();
    let imports: Vec<String> = component
        .component_type()
        .imports(sandbox.engine())
        .map(|(n, _)| n.to_string())
        .collect();
    assert!(
        imports.iter().any(|n| n == "helpdesk:chat/storage@0.3.0"),
        "{imports:?}"
    );
    assert!(
        !imports
            .iter()
            .any(|n| n.starts_with("wasi:filesystem") || n.starts_with("wasi:sockets")),
        "{imports:?}"
    );
}

async fn outbox_size(host: &TestHost) -> i64 {
    let path = host.dir.path().join("helpdesk.db");
    tokio::task::spawn_blocking(move || {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM mail_outbox", [], |r| r.get(0))
            .unwrap()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn pl_3_mail_reaches_the_outbox_only_when_the_call_commits() {
    let (host, pre) = probe_host().await;
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
    let (host, pre) = probe_host().await;
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
        .site
        .db
        .read(|slot| -> Result<_, StorageFailure> {
            Ok(helpdesk_host::issues::history(
                &mut *slot.tx()?,
                "SUP-1",
                None,
                100,
                Some(helpdesk_host::contract::helpdesk::chat::issues::HistoryKind::Comment),
            )
            .unwrap())
        })
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].id, history[0].body.as_str()), (id, "Kept comment"));
    assert_eq!(history[0].author.as_deref(), Some("alice"));
    let err = run_probe(&host, &pre, |p, s| p.call_comment_on_issue(s, "SUP-404", "x", false))
        .await
        .unwrap_err();
    assert!(format!("{err:?}").contains("NotFound"), "{err:?}");
}

/// The initial memory of every core module inside a component, in 64 KiB pages.
fn initial_pages(component: &[u8]) -> Vec<u64> {
    let mut pages = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(component) {
        if let Ok(wasmparser::Payload::MemorySection(memories)) = payload {
            for memory in memories.into_iter().flatten() {
                pages.push(memory.initial);
            }
        }
    }
    pages
}

#[test]
fn pl_5_an_instance_starts_with_the_memory_the_benchmarks_name() {
    let wasm = std::fs::read(env!("HELPDESK_PLUGIN_WASM")).unwrap();
    let pages = initial_pages(&wasm);
    assert_eq!(pages.len(), 1, "one memory: {pages:?}");
    let kib = pages[0] * 64;
    // Printed for BENCHMARKS.md: a 128 KiB stack and the static data (time zone and Unicode
    // tables, most of it). The host resets an instance's memory after every call; what that
    // costs grows with the pages a call touches, and this is where it starts.
    println!("plugin instance: {} pages, {kib} KiB initial memory", pages[0]);
    assert!(
        kib <= 2048,
        "the plugin starts with {kib} KiB; BENCHMARKS.md names the budget"
    );
}

/// Span names with their fields, as the spans open.
#[derive(Clone, Default)]
struct SpanLog(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SpanLog {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        struct Fields(String);
        impl tracing::field::Visit for Fields {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push_str(&format!(" {}={:?}", field.name(), value));
            }
        }
        let mut fields = Fields(attrs.metadata().name().to_string());
        attrs.record(&mut fields);
        self.0.lock().unwrap().push(fields.0);
    }
}

#[tokio::test]
async fn pl_5_every_import_call_is_a_span_inside_its_plugin_call() {
    use tracing_subscriber::layer::SubscriberExt;
    let (host, pre) = probe_host().await;
    let sandbox = host.site.plugin.sandbox().clone();
    let spans = SpanLog::default();
    let log = spans.clone();
    host.site
        .db
        .write(move |slot| {
            // The job runs on the storage worker's thread: the collector is set there.
            let collector = tracing_subscriber::registry().with(log.clone());
            tracing::subscriber::with_default(collector, || {
                let mut store = sandbox.new_store("traced".into());
                let probe = pre
                    .instantiate(&mut store)
                    .map_err(|err| CallError::from_wasm(err, "traced"))?;
                let timeout = sandbox.limits().call_timeout;
                sandbox.run_in(&mut store, slot, "traced", timeout, |store| {
                    probe.helpdesk_probe_faults().call_write(store, "traced-key")
                })
            })
        })
        .await
        .unwrap();
    let spans = spans.0.lock().unwrap().clone();
    let call = spans
        .iter()
        .position(|span| span.starts_with("plugin_call") && span.contains("traced"))
        .unwrap_or_else(|| panic!("no plugin call span in {spans:?}"));
    assert!(
        spans[call..]
            .iter()
            .any(|span| span.starts_with("wit-bindgen import") && span.contains("storage") && span.contains("\"set\"")),
        "no span for the storage.set import in {spans:?}"
    );
}
