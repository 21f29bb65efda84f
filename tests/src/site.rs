//! One site for one test: the host binary on a temporary data directory, and the ways a
//! test meets it (logged-in clients, anonymous clients, push streams, a restart).

use std::path::Path;
use std::sync::Arc;

use crate::postgres::{self, ScratchDatabase};
use crate::{ApiClient, EventStream, HostProcess};

/// A running host with its own data; stopped and removed when dropped.
pub struct TestSite {
    /// The host process.
    pub host: HostProcess,
    dir: tempfile::TempDir,
    /// The site's PostgreSQL database, when it is on one (shared by its nodes).
    pub database: Option<Arc<ScratchDatabase>>,
}

impl TestSite {
    /// A host with the demo site, the test clock and quick stream re-checks.
    pub fn start() -> TestSite {
        Self::start_with(&[])
    }

    /// A host with extra command-line arguments.
    /// On SQLite in its data directory, or on a new PostgreSQL database when the suite runs
    /// there (`HELPDESK_E2E_BACKEND=postgres`).
    pub fn start_with(extra: &[&str]) -> TestSite {
        let database = postgres::suite_on_postgres().then(|| {
            let server = std::env::var(postgres::SERVER_URL_VAR)
                .expect("HELPDESK_E2E_BACKEND=postgres needs HELPDESK_TEST_POSTGRES_URL");
            ScratchDatabase::create(&server)
        });
        Self::start_on(database, extra)
    }

    /// A node of a site on `database` (PostgreSQL), with a data directory of its own for
    /// its compiled-component cache; `None` is SQLite in the data directory.
    pub fn start_on(database: Option<Arc<ScratchDatabase>>, extra: &[&str]) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        let host = HostProcess::start_with(dir.path(), &with_database(database.as_deref(), extra));
        TestSite { host, dir, database }
    }

    /// The host stopped and started again on the same data.
    pub fn restart(self) -> TestSite {
        let TestSite { host, dir, database } = self;
        host.stop();
        let host = HostProcess::start_with(dir.path(), &with_database(database.as_deref(), &[]));
        TestSite { host, dir, database }
    }

    /// Where the site keeps its data.
    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The full URL of `path` on the host.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.host.base_url)
    }

    /// A client logged in as `user` (demo password).
    pub async fn login(&self, user: &str) -> ApiClient {
        ApiClient::login(&self.host.base_url, user).await
    }

    /// A client nobody is logged in with.
    pub fn anonymous(&self) -> ApiClient {
        ApiClient::anonymous(&self.host.base_url)
    }

    /// A widget visitor with `token`, on the portal (`page` = `None`) or another site's page.
    pub fn visitor(&self, token: &str, page: Option<&str>) -> ApiClient {
        ApiClient::visitor(&self.host.base_url, token, page)
    }

    /// A widget visitor with `token` on the portal, forwarded by a trusted proxy from `address`.
    pub fn visitor_from(&self, token: &str, address: &str) -> ApiClient {
        ApiClient::visitor_from(&self.host.base_url, token, address)
    }

    /// A push stream of `client` on `topics`, resuming after `last_event_id` if given, once
    /// it is `ready`.
    pub async fn stream(&self, client: &ApiClient, topics: &[&str], last_event_id: Option<i64>) -> EventStream {
        EventStream::open(&client.client, &self.host.base_url, topics, last_event_id).await
    }
}

/// `extra` with `--database <url>` in front when the site is on PostgreSQL.
fn with_database<'a>(database: Option<&'a ScratchDatabase>, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = Vec::with_capacity(extra.len() + 2);
    if let Some(database) = database {
        args.extend(["--database", database.url.as_str()]);
    }
    args.extend_from_slice(extra);
    args
}
