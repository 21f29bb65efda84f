//! Presence at scale (PR-3, PR-6): the project presence read and the online count with
//! 10,000 agents in one project, 1,000 of them online. Prints p50 and p99 of each read and
//! asserts nothing. `cargo bench -p helpdesk-host --bench presence_scale`; with `SCALE_DIR`
//! set, the site is built there and kept, so the HTTP load script can serve it.

use std::time::Instant;

use helpdesk_host::contract::helpdesk::chat::directory::User;
use helpdesk_host::contract::helpdesk::chat::types::ProjectRole;
use helpdesk_host::runtime::Access::{Read, Write};
use helpdesk_host::runtime::SandboxLimits;
use helpdesk_host::site::Site;
use helpdesk_host::storage::StorageFailure;

#[path = "../tests/integration/support.rs"]
mod support;
#[path = "shared/timing.rs"]
mod timing;

use support::{TestHost, site_settings, user_in};
use timing::timed;

const AGENTS: usize = 10_000;
const ONLINE_EVERY: usize = 10;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let kept = std::env::var_os("SCALE_DIR").map(std::path::PathBuf::from);
    let dir = tempfile::tempdir().unwrap();
    let data = kept.clone().unwrap_or_else(|| dir.path().to_path_buf());
    let _ = std::fs::remove_dir_all(&data);
    let site = Site::open(&site_settings(&data, SandboxLimits::default()))
        .await
        .unwrap();
    let host = TestHost { site, dir };
    let started = Instant::now();
    host.site
        .db
        .write(|slot| -> Result<(), StorageFailure> {
            let mut tx = slot.tx()?;
            for i in 0..AGENTS {
                let id = format!("agent{i:05}");
                let user = User {
                    id: id.clone(),
                    display_name: format!("Agent {i:05}"),
                    email: format!("{id}@example.test"),
                    time_zone: "UTC".into(),
                    locale: "en".into(),
                    site_admin: false,
                    member: true,
                };
                tx.insert_user(&user, None)?;
                tx.grant_role("SUP", &id, ProjectRole::Agent)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    for i in (0..AGENTS).step_by(ONLINE_EVERY) {
        host.call(Write, user_in(&format!("agent{i:05}"), "SUP"), |p, store, ctx| {
            p.helpdesk_chat_presence().call_go_online(store, ctx, false, None)
        })
        .await
        .unwrap();
    }
    println!(
        "set up {AGENTS} agents in SUP, {} online, in {:.1} s",
        AGENTS / ONLINE_EVERY,
        started.elapsed().as_secs_f64()
    );
    let host = &host;
    timed("project presence read (10,000 agents, 1,000 online)", 1_000, || async {
        let view = host
            .call(Read, user_in("paula", "SUP"), |p, store, ctx| {
                p.helpdesk_chat_presence().call_project_presence(store, ctx)
            })
            .await
            .unwrap();
        assert_eq!(view.online_count as usize, AGENTS / ONLINE_EVERY);
    })
    .await;
    timed("chat online (10,000 agents, 1,000 online)", 1_000, || async {
        let online = host
            .call(Read, user_in("paula", "SUP"), |p, store, ctx| {
                p.helpdesk_chat_presence().call_chat_online(store, ctx)
            })
            .await
            .unwrap();
        assert!(online);
    })
    .await;
    timed("an agent goes online and offline (10,000 agents)", 200, || async {
        for online in [true, false] {
            host.set_online("agent00001", "SUP", online).await.unwrap();
        }
    })
    .await;
    if kept.is_some() {
        println!("the site is kept in {}", data.display());
    }
}
