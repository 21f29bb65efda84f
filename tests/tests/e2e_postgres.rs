//! The end-to-end suite again, with every site on PostgreSQL (SPEC PL-6): runs the `e2e`
//! test binary that `cargo test` has just built with `HELPDESK_E2E_BACKEND=postgres`.
//! Cargo runs test binaries one after the other, so this pass never competes with the
//! first for the processor. The browser tests (what a page does does not depend on the
//! database), the SQLite crash test (it checks SQLite's file) and the multi-node tests
//! (already on PostgreSQL) are left to the first pass. Skipped with a notice without a
//! PostgreSQL server, failed under `CI=true`.

use std::path::PathBuf;
use std::process::Command;

use helpdesk_e2e::postgres;

/// The newest `e2e-<hash>` test binary beside this one.
fn e2e_binary() -> PathBuf {
    let me = std::env::current_exe().expect("this test binary's path");
    let deps = me.parent().expect("target/<profile>/deps");
    let newest = std::fs::read_dir(deps)
        .expect("reading the deps directory")
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with("e2e-") && entry.path().extension().is_none_or(|ext| ext == "exe")
        })
        .max_by_key(|entry| entry.metadata().and_then(|m| m.modified()).ok());
    newest
        .map(|entry| entry.path())
        .expect("the e2e test binary is built: run `cargo test --workspace`")
}

#[test]
fn pl_6_the_end_to_end_suite_passes_with_every_site_on_postgresql() {
    let Some(server) = postgres::server_url("pl_6_the_end_to_end_suite_passes_with_every_site_on_postgresql") else {
        return;
    };
    let status = Command::new(e2e_binary())
        .env(postgres::BACKEND_VAR, "postgres")
        .env(postgres::SERVER_URL_VAR, server)
        .args(["--skip", "browser", "--skip", "crash::", "--skip", "multi_node::"])
        .status()
        .expect("running the e2e suite");
    assert!(
        status.success(),
        "the end-to-end suite failed on PostgreSQL (its output is above)"
    );
}
